import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { addMember, createCustomers, createDesk, createGroup, createOrg, createUser, TEST_PASSWORD } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";

let app: App;
let base = "";
beforeAll(async () => {
  app = await testApp({ live: true });
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});
afterAll(closeTestApp);

async function signIn(email: string) {
  const res = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress: `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`,
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  const cookie = ([] as string[])
    .concat(res.headers["set-cookie"] ?? [])
    .find((c) => c.startsWith("portico_session="))
    ?.split(";")[0] as string;
  return { cookie, csrf: res.json().csrfToken as string };
}

/** Opens a browser-like event stream with the session cookie; records events and whether the server ended it. */
async function stream(cookie: string) {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/v1/events`, { headers: { cookie }, signal: ac.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const events: Array<{ type: string; data: any }> = [];
  let ended = false;
  let buf = "";
  let ready!: () => void;
  const isReady = new Promise<void>((r) => {
    ready = r;
  });
  void (async () => {
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
          if (type === "ready") ready();
          else if (type && data) events.push({ type, data: JSON.parse(data) });
          i = buf.indexOf("\n\n");
        }
      }
      ended = true;
    } catch {}
  })();
  await isReady;
  return { events, ended: () => ended, stop: () => ac.abort() };
}

const until = async (f: () => boolean, ms = 4000) => {
  const end = Date.now() + ms;
  while (!f() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  return f();
};

const incident = (title: string) => ({ title, description: "", impact: "medium", urgency: "medium" });

describe("live updates follow the active organization", () => {
  it("a stream hears only its organization; a switch ends it and the new one hears the other organization", async () => {
    const deps = testDeps();
    const { provider, a, b } = await createCustomers(deps);
    const person = await createUser(deps, a.org.id, "agent");
    expect((await http(app, provider.admin).put(`/api/v1/admin/organizations/${b.org.id}/members`, { email: person.email, role: "agent" })).status).toBe(200);
    const s = await signIn(person.email);

    const inA = await stream(s.cookie);
    const tB = (await http(app, b.requester).post("/api/v1/incidents", incident(`b ${uniq()}`))).body;
    const tA = (await http(app, a.requester).post("/api/v1/incidents", incident(`a ${uniq()}`))).body;
    expect(await until(() => inA.events.some((e) => e.data.id === tA.id))).toBe(true);
    expect(inA.events.some((e) => e.data.id === tB.id)).toBe(false);
    expect(inA.events.every((e) => e.data.organizationId === a.org.id)).toBe(true);

    expect((await http(app, s).post("/api/v1/session/organization", { organizationId: b.org.id })).status).toBe(200);
    expect(await until(() => inA.ended())).toBe(true);
    expect(inA.events.some((e) => e.type === "session.switched")).toBe(true);

    const inB = await stream(s.cookie);
    const tA2 = (await http(app, a.requester).post("/api/v1/incidents", incident(`a2 ${uniq()}`))).body;
    const tB2 = (await http(app, b.requester).post("/api/v1/incidents", incident(`b2 ${uniq()}`))).body;
    expect(await until(() => inB.events.some((e) => e.data.id === tB2.id))).toBe(true);
    expect(inB.events.some((e) => e.data.id === tA2.id)).toBe(false);
    inB.stop();
  });

  it("leaving a serving group ends the agent's stream in that customer organization", async () => {
    const deps = testDeps();
    const p = await createDesk(deps);
    const customer = await createOrg(deps);
    await deps.db.updateTable("organizations").set({ parent_id: p.org.id }).where("id", "=", customer.id).execute();
    const serving = await createGroup(deps, p.org.id);
    await addMember(deps, p.org.id, serving.id, p.agent.id);
    await http(app, p.admin).put(`/api/v1/groups/${serving.id}/served-organizations`, { organizationIds: [customer.id] });
    const s = await signIn(p.agent.email);
    expect((await http(app, s).post("/api/v1/session/organization", { organizationId: customer.id })).status).toBe(200);
    const live = await stream(s.cookie);
    await http(app, p.admin).patch(`/api/v1/groups/${serving.id}`, { memberIds: [] });
    expect(await until(() => live.ended())).toBe(true);
    const again = await fetch(`${base}/api/v1/events`, { headers: { cookie: s.cookie } });
    expect(again.status).toBe(401);
  });

  it("a change of the sharing rule ends requesters' streams in that organization (and below), not agents'", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const child = await createOrg(deps);
    await deps.db.updateTable("organizations").set({ parent_id: d.org.id }).where("id", "=", child.id).execute();
    const childRequester = await createUser(deps, child.id, "requester");
    const streams = [];
    for (const who of [d.requester, d.agent, childRequester]) streams.push(await stream((await signIn(who.email)).cookie));
    const [req, agent, below] = streams;
    expect((await http(app, d.admin).patch(`/api/v1/admin/organizations/${d.org.id}`, { profile: { requesterVisibility: "organization" } })).status).toBe(200);
    expect(await until(() => req.ended() && below.ended())).toBe(true);
    expect(agent.ended()).toBe(false);
    agent.stop();
  });
});
