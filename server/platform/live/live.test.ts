import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { buildApp } from "../../app";
import type { App } from "../http/app";
import { createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { LiveHub } from "./live";

/** Reads server-sent events from a real HTTP connection until `want` of them matched. */
async function collect(url: string, token: string, match: (type: string, data: any) => boolean, want: number, timeoutMs = 5000) {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const got: Array<{ type: string; data: any }> = [];
  let buf = "";
  const ready = new Promise<void>((resolve) => {
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += new TextDecoder().decode(value);
          let i = buf.indexOf("\n\n");
          while (i >= 0) {
            const chunk = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const type = /^event: (.*)$/m.exec(chunk)?.[1];
            const data = /^data: (.*)$/m.exec(chunk)?.[1];
            if (type === "ready") resolve();
            if (type && type !== "ready" && data && match(type, JSON.parse(data))) got.push({ type, data: JSON.parse(data) });
            if (got.length >= want) {
              clearTimeout(timer);
              ac.abort();
            }
            i = buf.indexOf("\n\n");
          }
        }
      } catch {}
      clearTimeout(timer);
    })();
  });
  await ready;
  return {
    done: async () => {
      const deadline = Date.now() + timeoutMs;
      while (got.length < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      ac.abort();
      return got;
    },
    stop: () => ac.abort(),
  };
}

let a: App;
let b: App;
let hubB: LiveHub;
let baseA = "";
let baseB = "";

beforeAll(async () => {
  a = await testApp({ live: true });
  await a.listen({ port: 0, host: "127.0.0.1" });
  // A second instance with its own LISTEN connection: changes made on A reach browsers on B.
  const deps = testDeps();
  hubB = new LiveHub(inject("databaseUrl"), deps.log);
  await hubB.start();
  b = await buildApp({ ...deps, live: hubB }, { webDist: null });
  await b.listen({ port: 0, host: "127.0.0.1" });
  const port = (x: App) => (x.server.address() as { port: number }).port;
  baseA = `http://127.0.0.1:${port(a)}`;
  baseB = `http://127.0.0.1:${port(b)}`;
});
afterAll(async () => {
  await b.close();
  await hubB.stop();
  await closeTestApp();
});

describe("live updates (SSE over LISTEN/NOTIFY)", () => {
  it("reach agents of the organization on every instance, and nobody else", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const other = await createDesk(deps);
    const onB = await collect(`${baseB}/api/v1/events`, d.agent2.token, (_t, x) => x.organizationId === d.org.id, 2);
    const otherOrg = await collect(`${baseB}/api/v1/events`, other.agent.token, () => true, 1, 1500);
    const stranger = await collect(`${baseA}/api/v1/events`, d.requester2.token, () => true, 1, 1500);
    const inc = (
      await http(a, d.agent).post("/api/v1/incidents", { title: "Live", description: "", impact: "low", urgency: "low", requesterId: d.requester.id })
    ).body;
    await http(a, d.agent).patch(`/api/v1/incidents/${inc.id}`, { title: "Live 2" });
    const events = await onB.done();
    expect(events.map((e) => e.type)).toEqual(["work_item.created", "work_item.updated"]);
    expect(events[1].data).toMatchObject({ id: inc.id, number: inc.number, version: inc.version + 1, actorId: d.agent.id });
    expect(events[1].data.audience).toBeUndefined();
    expect(await otherOrg.done()).toEqual([]);
    expect(await stranger.done()).toEqual([]);
  });

  it("reach the requester of the incident", async () => {
    const d = await createDesk(testDeps());
    const inc = (
      await http(a, d.agent).post("/api/v1/incidents", { title: "Mine", description: "", impact: "low", urgency: "low", requesterId: d.requester.id })
    ).body;
    // Only the update counts: the creation's NOTIFY may still be on its way when the stream opens.
    const req = await collect(`${baseA}/api/v1/events`, d.requester.token, (t, x) => x.id === inc.id && t === "work_item.updated", 1);
    await http(a, d.agent).post(`/api/v1/incidents/${inc.id}/comments`, { body: "Working on it" });
    const got = await req.done();
    expect(got).toHaveLength(1);
    expect(got[0].type).toBe("work_item.updated");
  });

  it("needs authentication", async () => {
    const res = await fetch(`${baseA}/api/v1/events`);
    expect(res.status).toBe(401);
  });
});
