import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { auditEvents, createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";

let app: App;
let deps: Deps;
beforeAll(async () => {
  deps = testDeps();
  app = await testApp();
});
afterAll(closeTestApp);

const SOME = "00000000-0000-4000-8000-000000000000";
const office = (extra: Record<string, unknown> = {}) => ({
  name: "Office hours",
  timeZone: "Europe/Berlin",
  hours: [1, 2, 3, 4, 5].flatMap((day) => [
    { day, start: "08:00", end: "12:00" },
    { day, start: "13:00", end: "17:00" },
  ]),
  holidays: [{ date: "2026-12-25", yearly: true, name: "Christmas" }],
  exceptions: [{ start: "2026-12-31T12:00", end: "2026-12-31T17:00", working: false, name: "New Year's Eve afternoon" }],
  ...extra,
});
const policy = (extra: Record<string, unknown> = {}) => ({
  name: "P1 incidents",
  conditions: [
    { field: "type", op: "in", values: ["incident"] },
    { field: "priority", op: "in", values: [1] },
  ],
  targets: [
    { metric: "response", durationMinutes: 15, thresholds: [{ percent: 75, action: "notify", recipient: "assignee" }] },
    { metric: "resolution", durationMinutes: 240, pauseWhen: [{ field: "state", values: ["on_hold"] }] },
  ],
  ...extra,
});

describe("access", () => {
  it.each([
    ["GET", "/api/v1/sla/calendars"],
    ["POST", "/api/v1/sla/calendars"],
    ["GET", "/api/v1/sla/policies"],
    ["POST", "/api/v1/sla/policies"],
    ["GET", `/api/v1/work-items/${SOME}/sla`],
    ["GET", "/api/v1/sla/at-risk"],
    ["GET", "/api/v1/sla/compliance"],
  ])("anonymous %s %s → 401", async (method, url) => {
    expect((await http(app)[method.toLowerCase() as "get"](url)).status).toBe(401);
  });

  it("lets agents read, only admins write, requesters neither; other organizations' records are 404", async () => {
    const d = await createDesk(deps);
    const other = await createDesk(deps);
    expect((await http(app, d.agent).post("/api/v1/sla/calendars", office())).status).toBe(403);
    expect((await http(app, d.requester).get("/api/v1/sla/calendars")).status).toBe(403);
    const cal = await http(app, d.admin).post("/api/v1/sla/calendars", office());
    expect(cal.status).toBe(201);
    expect((await http(app, d.agent).get(`/api/v1/sla/calendars/${cal.body.id}`)).status).toBe(200);
    expect((await http(app, other.admin).get(`/api/v1/sla/calendars/${cal.body.id}`)).status).toBe(404);
    expect((await http(app, other.admin).put(`/api/v1/sla/calendars/${cal.body.id}`, office())).status).toBe(404);
    expect((await http(app, other.admin).get("/api/v1/sla/calendars")).body.items).toEqual([]);
    const p = await http(app, d.admin).post(
      "/api/v1/sla/policies",
      policy({ targets: [{ metric: "resolution", durationMinutes: 60, calendarId: cal.body.id }] }),
    );
    expect(p.status).toBe(201);
    expect((await http(app, d.agent).post("/api/v1/sla/policies", policy())).status).toBe(403);
    expect((await http(app, other.admin).delete(`/api/v1/sla/policies/${p.body.id}`)).status).toBe(404);
    // Another organization's calendar cannot be named in a policy.
    const foreign = await http(app, other.admin).post(
      "/api/v1/sla/policies",
      policy({ targets: [{ metric: "resolution", durationMinutes: 60, calendarId: cal.body.id }] }),
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details[0]).toEqual({ field: "body.targets.0.calendarId", message: "no such calendar" });
  });
});

describe("calendars", () => {
  it("creates, reads, replaces (version checked) and audits a calendar", async () => {
    const d = await createDesk(deps);
    const r = await http(app, d.admin).post("/api/v1/sla/calendars", office());
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "Office hours", timeZone: "Europe/Berlin", usedBy: 0, version: 1 });
    expect(r.body.hours).toHaveLength(10);
    expect(r.body.holidays[0]).toEqual({ date: "2026-12-25", yearly: true, name: "Christmas" });
    const put = await http(app, d.admin).put(`/api/v1/sla/calendars/${r.body.id}`, office({ timeZone: "Asia/Kolkata" }), { "if-match": '"1"' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ timeZone: "Asia/Kolkata", version: 2 });
    const stale = await http(app, d.admin).put(`/api/v1/sla/calendars/${r.body.id}`, office(), { "if-match": '"1"' });
    expect(stale.status).toBe(409);
    expect((await auditEvents(deps, "sla_calendar.updated", r.body.id)).length).toBe(1);
    expect((await http(app, d.admin).post("/api/v1/sla/calendars", office())).status).toBe(409);
  });

  it.each([
    [
      "overlapping intervals",
      {
        hours: [
          { day: 1, start: "08:00", end: "12:00" },
          { day: 1, start: "11:00", end: "15:00" },
        ],
      },
      "body.hours.1",
      /overlaps 08:00–12:00/,
    ],
    ["an unknown zone", { timeZone: "Europe/Atlantis" }, "body.timeZone", /unknown time zone/],
    ["an interval ending before it starts", { hours: [{ day: 2, start: "17:00", end: "09:00" }] }, "body.hours.0.end", /before it starts/],
    [
      "an exception ending before it starts",
      { exceptions: [{ start: "2026-12-01T10:00", end: "2026-12-01T09:00", working: true }] },
      "body.exceptions.0.end",
      /before/,
    ],
    ["a malformed time", { hours: [{ day: 2, start: "9am", end: "17:00" }] }, "body.hours.0.start", /HH:MM/],
    ["a weekday out of range", { hours: [{ day: 8, start: "09:00", end: "17:00" }] }, "body.hours.0.day", /./],
    ["no working time", { hours: [] }, "body.hours", /needs working hours/],
    ["an impossible holiday", { holidays: [{ date: "2026-02-30" }] }, "body.holidays.0.date", /not a real date/],
  ])("refuses %s with a 400 naming it, saving nothing", async (_label, patch, field, message) => {
    const d = await createDesk(deps);
    const r = await http(app, d.admin).post("/api/v1/sla/calendars", office(patch));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
    const detail = r.body.error.details.find((x: { field: string }) => x.field === field);
    expect(detail, JSON.stringify(r.body.error.details)).toBeTruthy();
    expect(detail.message).toMatch(message);
    expect((await http(app, d.admin).get("/api/v1/sla/calendars")).body.items).toEqual([]);
  });

  it("refuses to delete a calendar in use (409) and deletes an unused one", async () => {
    const d = await createDesk(deps);
    const cal = (await http(app, d.admin).post("/api/v1/sla/calendars", office())).body;
    const p = (await http(app, d.admin).post("/api/v1/sla/policies", policy({ targets: [{ metric: "resolution", durationMinutes: 60, calendarId: cal.id }] })))
      .body;
    expect((await http(app, d.admin).get(`/api/v1/sla/calendars/${cal.id}`)).body.usedBy).toBe(1);
    const del = await http(app, d.admin).delete(`/api/v1/sla/calendars/${cal.id}`);
    expect(del.status).toBe(409);
    expect((await http(app, d.admin).delete(`/api/v1/sla/policies/${p.id}`)).status).toBe(200);
    expect((await http(app, d.admin).delete(`/api/v1/sla/calendars/${cal.id}`)).status).toBe(200);
    expect((await http(app, d.admin).get(`/api/v1/sla/calendars/${cal.id}`)).status).toBe(404);
  });
});

describe("policies", () => {
  it("creates a policy with ordered targets, names of references, and lists policies in order", async () => {
    const d = await createDesk(deps);
    const cal = (await http(app, d.admin).post("/api/v1/sla/calendars", office())).body;
    const r = await http(app, d.admin).post(
      "/api/v1/sla/policies",
      policy({
        position: 20,
        targets: [
          { metric: "response", durationMinutes: 30, calendarId: cal.id },
          { kind: "ola", metric: "resolution", groupId: d.group.id, durationMinutes: 120, thresholds: [{ percent: 100, action: "raise_priority" }] },
        ],
      }),
    );
    expect(r.status).toBe(201);
    expect(r.body.targets).toEqual([
      expect.objectContaining({ kind: "sla", metric: "response", durationMinutes: 30, calendar: { id: cal.id, name: "Office hours" }, group: null }),
      expect.objectContaining({ kind: "ola", metric: "resolution", group: { id: d.group.id, name: d.group.name } }),
    ]);
    await http(app, d.admin).post("/api/v1/sla/policies", policy({ name: "Default", position: 90, conditions: [] }));
    await http(app, d.admin).post("/api/v1/sla/policies", policy({ name: "First", position: 1 }));
    const list = (await http(app, d.agent).get("/api/v1/sla/policies")).body.items.map((p: { name: string }) => p.name);
    expect(list).toEqual(["First", "P1 incidents", "Default"]);
    const upd = await http(app, d.admin).put(`/api/v1/sla/policies/${r.body.id}`, policy({ name: "P1 renamed" }), { "if-match": '"1"' });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ name: "P1 renamed", version: 2 });
    expect(upd.body.targets).toHaveLength(2);
  });

  it.each([
    ["no target", { targets: [] }, "body.targets", /at least one target/],
    ["an unknown condition field", { conditions: [{ field: "colour", values: ["red"] }] }, "body.conditions.0.field", /unknown condition field "colour"/],
    ["a priority that does not exist", { conditions: [{ field: "priority", values: [9] }] }, "body.conditions.0.values.0", /not a valid priority/],
    [
      "an unknown field in a pause condition",
      { targets: [{ metric: "resolution", durationMinutes: 5, pauseWhen: [{ field: "mood", values: ["x"] }] }] },
      "body.targets.0.pauseWhen.0.field",
      /unknown condition field/,
    ],
    [
      "a custom metric without stop conditions",
      { targets: [{ metric: "custom", name: "Time to assign", durationMinutes: 5 }] },
      "body.targets.0.stopWhen",
      /stop conditions/,
    ],
    [
      "notify without a recipient",
      { targets: [{ metric: "response", durationMinutes: 5, thresholds: [{ percent: 50, action: "notify" }] }] },
      "body.targets.0.thresholds.0.recipient",
      /recipient/,
    ],
    ["a zero duration", { targets: [{ metric: "response", durationMinutes: 0 }] }, "body.targets.0.durationMinutes", /./],
    [
      "two response targets",
      {
        targets: [
          { metric: "response", durationMinutes: 5 },
          { metric: "response", durationMinutes: 9 },
        ],
      },
      "body.targets.1",
      /a second sla response target/,
    ],
    ["an unknown group id", { conditions: [{ field: "assignmentGroupId", values: [SOME] }] }, "body.conditions.0.values.0", /no such group/],
  ])("refuses %s with a 400 naming it, saving nothing", async (_label, patch, field, message) => {
    const d = await createDesk(deps);
    const r = await http(app, d.admin).post("/api/v1/sla/policies", policy(patch));
    expect(r.status).toBe(400);
    const detail = r.body.error.details.find((x: { field: string }) => x.field === field);
    expect(detail, JSON.stringify(r.body.error.details)).toBeTruthy();
    expect(detail.message).toMatch(message);
    expect((await http(app, d.admin).get("/api/v1/sla/policies")).body.items).toEqual([]);
  });
});
