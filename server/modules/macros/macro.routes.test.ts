import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../platform/http/app";
import { createDesk, type createUser as CU } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

type Caller = Awaited<ReturnType<typeof CU>>;
const create = async (who: Caller, extra: Record<string, unknown> = {}) =>
  (await http(app, who).post("/api/v1/incidents", { title: "Password reset", description: "", impact: "low", urgency: "low", ...extra })).body as {
    id: string;
    number: string;
  };

describe("macros", () => {
  it("applies fields, state and a reply with placeholders in one step, named on the timeline", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent, { requesterId: d.requester.id });
    const m = await http(app, d.agent).post("/api/v1/macros", {
      name: "Password reset done",
      shared: true,
      actions: {
        assigneeId: d.agent.id,
        action: "resolve",
        resolutionCode: "solved_permanently",
        resolutionNotes: "Password reset",
        reply: { body: "Hello {{requester.name}}, {{number}} is solved. Regards, {{agent.name}}" },
      },
    });
    expect(m.status).toBe(201);
    expect(m.body).toMatchObject({ shared: true, owner: null });
    const applied = await http(app, d.agent2).post(`/api/v1/incidents/${inc.number}/macros/${m.body.id}/apply`);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ state: "resolved", assignee: { id: d.agent.id }, resolutionCode: "solved_permanently" });
    const comments = (await http(app, d.requester).get(`/api/v1/incidents/${inc.id}/comments`)).body.items;
    expect(comments.at(-1).body).toBe(`Hello ${d.requester.name}, ${inc.number} is solved. Regards, ${d.agent2.name}`);
    const tl = (await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/timeline`)).body.items;
    expect(tl.at(-1)).toMatchObject({ kind: "macro_applied", data: { name: "Password reset done" } });
  });

  it("is all or nothing, personal macros stay personal, and bad placeholders are refused", async () => {
    const d = await createDesk(testDeps());
    const inc = await create(d.agent, { requesterId: d.requester.id });
    const mine = await http(app, d.agent).post("/api/v1/macros", { name: "Start", actions: { action: "start", reply: { body: "On it" } } });
    expect(mine.body.shared).toBe(false);
    expect((await http(app, d.agent2).get("/api/v1/macros")).body.items).toEqual([]);
    expect((await http(app, d.agent2).post(`/api/v1/incidents/${inc.id}/macros/${mine.body.id}/apply`)).status).toBe(404);
    expect((await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/macros/${mine.body.id}/apply`)).status).toBe(200);
    // Starting again fails: the reply must not be posted either.
    expect((await http(app, d.agent).post(`/api/v1/incidents/${inc.id}/macros/${mine.body.id}/apply`)).status).toBe(409);
    expect((await http(app, d.agent).get(`/api/v1/incidents/${inc.id}/comments`)).body.items).toHaveLength(1);
    const bad = await http(app, d.agent).post("/api/v1/macros", { name: "Bad", actions: { reply: { body: "Hi {{requester.phone}}" } } });
    expect(bad.status).toBe(400);
    expect((await http(app, d.agent).post("/api/v1/macros", { name: "Empty", actions: {} })).status).toBe(400);
    expect((await http(app, d.agent).post("/api/v1/macros", { name: "Start", actions: { action: "start" } })).status).toBe(409);
    expect((await http(app, d.requester).get("/api/v1/macros")).status).toBe(403);
    expect((await http(app, d.agent2).delete(`/api/v1/macros/${mine.body.id}`)).status).toBe(404);
    expect((await http(app, d.agent).delete(`/api/v1/macros/${mine.body.id}`)).status).toBe(204);
  });
});
