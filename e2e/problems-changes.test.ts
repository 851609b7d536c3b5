import { hasChromium, poll } from "./support/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup, createOrg, createService, createUser } from "../server/test/factories";
import { testDeps, uniq } from "../server/test/harness";
import { type BrowserHarness, startBrowserHarness } from "./support/portico";

// Problem and change management in a real browser: an agent links incidents to a problem, records a
// known error, raises a normal change; a CAB member approves it in their browser; it is on the calendar.

/** datetime-local text for a Date in the browser's (UTC) zone. */
const local = (d: Date) => d.toISOString().slice(0, 16);

describe.skipIf(!hasChromium)("problems and changes in a browser", () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserHarness();
  });

  afterAll(() => h?.close());

  it("links incidents to a problem, records a known error, raises a normal change the CAB approves, and shows it on the calendar", async () => {
    const deps = testDeps();
    const org = await createOrg(deps);
    const cab = await createGroup(deps, org.id, `CAB ${uniq()}`);
    const managers = await createGroup(deps, org.id, `Managers ${uniq()}`);
    const agent = await createUser(deps, org.id, "agent", { name: `Paula Problem ${uniq()}` });
    const member = await createUser(deps, org.id, "agent", { name: `Carl Cab ${uniq()}`, groupIds: [cab.id] });
    const manager = await createUser(deps, org.id, "agent", { name: `Mia Manager ${uniq()}`, groupIds: [managers.id] });
    const admin = await createUser(deps, org.id, "admin");
    const service = await createService(deps, org.id, `Mail ${uniq()}`);
    const api = async (who: { token: string }, method: string, p: string, body?: unknown) => {
      const res = await fetch(`${h.baseUrl}${p}`, {
        method,
        headers: { authorization: `Bearer ${who.token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    expect(
      (await api(admin, "PUT", "/api/v1/change-settings", { cabGroupId: cab.id, cabRule: "quorum", cabQuorum: 1, managerGroupId: managers.id })).status,
    ).toBe(200);
    const incidents: string[] = [];
    for (const title of ["Mail stuck in outbox", "Outgoing mail delayed"])
      incidents.push((await api(agent, "POST", "/api/v1/incidents", { title, impact: "medium", urgency: "medium", serviceId: service.id })).body.number);

    const page = await h.signIn(agent.email, { timezoneId: "UTC" });

    // A problem, with both incidents linked in one go.
    await page.getByRole("navigation").getByRole("link", { name: "Problems" }).click();
    await page.getByRole("button", { name: "New problem" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Title").fill("Outgoing mail queues on the relay");
    await dialog.getByRole("button", { name: "Raise problem" }).click();
    await page.waitForURL(/\/problems\/PRB\d+$/);
    const prb = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
    const linked = page.getByRole("region", { name: /Linked incidents/ });
    await linked.getByLabel("Incident numbers").fill(incidents.join(", "));
    await linked.getByRole("button", { name: "Link incidents" }).click();
    for (const n of incidents) await poll(() => linked.getByRole("link", { name: n }).isVisible()).toBe(true);

    // A known error with its workaround.
    const ke = page.getByRole("region", { name: "Known error" });
    await ke.getByLabel("Workaround").fill("Restart the mail relay service.");
    await ke.getByRole("button", { name: "Record known error" }).click();
    await poll(() => ke.getByText(/^KE\d{7,}$/).isVisible()).toBe(true);

    // A normal change that fixes it, planned for the coming hour.
    await page.getByRole("navigation").getByRole("link", { name: "Changes", exact: true }).click();
    await page.getByRole("link", { name: "New change" }).click();
    const start = new Date(Date.now() + 10 * 60_000);
    const end = new Date(start.getTime() + 60 * 60_000);
    const title = `Grow the relay's spool disk ${uniq()}`;
    await page.getByLabel(/^Title/).fill(title);
    await page.getByLabel("Planned start", { exact: true }).fill(local(start));
    await page.getByLabel("Planned end", { exact: true }).fill(local(end));
    await page.getByLabel("Implementation plan", { exact: true }).fill("Extend the volume online.");
    await page.getByLabel("Back-out plan", { exact: true }).fill("Nothing to undo.");
    await page.getByLabel("Test plan", { exact: true }).fill("Send a test mail.");
    await page.getByLabel("Fixes problem", { exact: true }).fill(prb);
    await page.getByRole("button", { name: "Raise change" }).click();
    await page.waitForURL(/\/changes\/CHG\d+$/);
    const chg = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
    await page.getByRole("button", { name: "Submit" }).click();
    await poll(() => page.getByRole("button", { name: "Request CAB approval" }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Request CAB approval" }).click();
    await poll(() => page.getByText("Carl Cab", { exact: false }).first().isVisible()).toBe(true);

    // The CAB member approves in their own browser; the change manager signs it off.
    const cabPage = await h.signIn(member.email, { timezoneId: "UTC" });
    await cabPage.goto(`${h.baseUrl}/changes/${chg}`);
    await cabPage.getByRole("button", { name: "Approve" }).click();
    await poll(async () => (await api(manager, "GET", "/api/v1/approvals")).body.items.length).toBe(1);
    const pending = (await api(manager, "GET", "/api/v1/approvals")).body.items[0];
    expect((await api(manager, "POST", `/api/v1/approvals/${pending.id}/decision`, { decision: "approve" })).status).toBe(200);
    await cabPage.context().close();

    // Scheduled, and on the change calendar.
    await page.reload();
    await poll(() => page.getByText("Scheduled").first().isVisible()).toBe(true);
    await page.getByRole("navigation").getByRole("link", { name: "Change calendar" }).click();
    await poll(() =>
      page
        .getByRole("link", { name: new RegExp(`${chg} ${title}`) })
        .first()
        .isVisible(),
    ).toBe(true);

    const row = await deps.db
      .selectFrom("work_items")
      .select(["state"])
      .where("organization_id", "=", org.id)
      .where("number", "=", chg)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe("scheduled");
    const problem = (await api(agent, "GET", `/api/v1/problems/${prb}`)).body;
    expect(problem).toMatchObject({ incidentCount: 2, knownError: { workaround: "Restart the mail relay service." } });
    expect(h.errors).toEqual([]);
  });
});
