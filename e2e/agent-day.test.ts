import type { Page } from "playwright-core";
import { hasChromium, poll } from "./support/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup, createOrg, createUser, TEST_PASSWORD } from "../server/test/factories";
import { testDeps, uniq } from "../server/test/harness";
import { type BrowserHarness, startBrowserHarness } from "./support/portico";

// The agent's day at depth in a real browser: a major incident from three incidents, merging duplicates,
// time against a support contract.
// Runs the real server in-process on the run's test database and drives Debian's Chromium.

describe.skipIf(!hasChromium)("agent's day in a browser", () => {
  let h: BrowserHarness;
  let page: Page;

  beforeAll(async () => {
    h = await startBrowserHarness();
    page = await h.newPage();
  });

  afterAll(() => h?.close());

  it("declares a major incident from three, posts an update, resolves all at once; merges duplicates; logs time against a contract", async () => {
    const deps = testDeps();
    const org = await createOrg(deps);
    const group = await createGroup(deps, org.id, `Desk ${uniq()}`);
    const agent = await createUser(deps, org.id, "agent", { name: `Mia Manager ${uniq()}`, groupIds: [group.id] });
    const admin = await createUser(deps, org.id, "admin");
    const requester = await createUser(deps, org.id, "requester");
    const call = async (who: { token: string }, method: string, url: string, body?: unknown) => {
      const res = await fetch(`${h.baseUrl}${url}`, {
        method,
        headers: { authorization: `Bearer ${who.token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return (await res.json()) as any;
    };
    const make = (title: string) => call(agent, "POST", "/api/v1/incidents", { title, impact: "medium", urgency: "medium", requesterId: requester.id });
    const outage = [await make("Mail outage: Outlook offline"), await make("Cannot send mail"), await make("Shared mailbox empty")];
    const month = new Date().toISOString().slice(0, 7);
    await call(admin, "POST", "/api/v1/support-contracts", { name: "Gold support", startsOn: `${month}-01`, monthlyHours: 10 });

    await page.goto(`${h.baseUrl}/`);
    await page.getByLabel("Email").fill(agent.email);
    await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await poll(() => page.getByRole("heading", { level: 1, name: "All open" }).isVisible()).toBe(true);

    // Declare a major incident from three selected incidents.
    for (const i of outage) await page.getByRole("checkbox", { name: `Select ${i.number}` }).check();
    await page.getByRole("button", { name: "Declare major incident…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Who is kept informed").fill("Everyone using mail");
    await dialog.getByRole("button", { name: "Declare major incident" }).click();
    // The first reported becomes the major incident.
    await page.waitForURL(new RegExp(`/incidents/${outage[0].number}$`));
    const banner = page.getByTestId("major-banner");
    await poll(() => banner.getByText("2 attached incidents").isVisible()).toBe(true);

    // Post a status update: it reaches the children as a public comment.
    await banner.getByLabel(/^Status update/).fill("Mail relay restarted; queues draining");
    await banner.getByRole("button", { name: "Post status update" }).click();
    await poll(async () => (await call(agent, "GET", `/api/v1/incidents/${outage[2].number}/comments`)).items.at(-1)?.body ?? "").toContain("queues draining");

    // Resolve the major incident and its children at once.
    await banner.getByRole("button", { name: "Resolve with all children" }).first().click();
    await banner.getByRole("combobox", { name: "Resolution code" }).click();
    await page.getByRole("option", { name: "Solved (permanently)" }).click();
    await banner.getByLabel("Resolution notes").fill("Relay disk replaced");
    await banner.locator("form").getByRole("button", { name: "Resolve with all children" }).last().click();
    await poll(() => banner.getByText("Post-incident review").isVisible()).toBe(true);
    const states = await deps.db
      .selectFrom("work_items")
      .select("state")
      .where(
        "id",
        "in",
        outage.map((i) => i.id),
      )
      .execute();
    expect(states.map((s) => s.state)).toEqual(["resolved", "resolved", "resolved"]);

    // Merge two duplicates from the queue.
    const dups = [await make("Printer on floor 3 jammed"), await make("Floor 3 printer paper jam")];
    await page.goto(`${h.baseUrl}/incidents`);
    for (const i of dups) await page.getByRole("checkbox", { name: `Select ${i.number}` }).check();
    await page.getByRole("button", { name: "Merge…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Merge", exact: true }).click();
    await poll(async () => (await call(agent, "GET", `/api/v1/incidents/${dups[1].number}`)).state).toBe("closed");
    const dupLinks = (await call(agent, "GET", `/api/v1/incidents/${dups[1].number}/links`)).items;
    expect(dupLinks[0]).toMatchObject({ kind: "duplicate_of", target: { number: dups[0].number } });

    // Log billable time against the contract and watch the budget drop.
    await page.goto(`${h.baseUrl}/incidents/${dups[0].number}`);
    const budget = page.getByTestId("contract-budget");
    await poll(() => budget.textContent()).toContain("0 of 10 h used");
    await page.getByLabel("Minutes").fill("90");
    await page.getByRole("button", { name: "Log time" }).click();
    await poll(() => budget.textContent()).toContain("1.5 of 10 h used");
    await poll(() => budget.textContent()).toContain("8.5 h left");

    expect(h.errors).toEqual([]);
  });
});
