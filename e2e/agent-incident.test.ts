import type { Page } from "playwright-core";
import { hasChromium, poll } from "./support/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup, createOrg, createUser, TEST_PASSWORD } from "../server/test/factories";
import { testDeps, uniq } from "../server/test/harness";
import { type BrowserHarness, startBrowserHarness } from "./support/portico";

// An agent's working day in a real browser: sign in, log an incident, take it, reply, resolve it.
// Runs the real server in-process on the run's test database and drives Debian's Chromium.

describe.skipIf(!hasChromium)("agent workspace in a browser", () => {
  let h: BrowserHarness;
  let page: Page;

  beforeAll(async () => {
    h = await startBrowserHarness();
    page = await h.newPage();
  });

  afterAll(() => h?.close());

  it("signs in, creates, assigns, comments on and resolves an incident", async () => {
    const deps = testDeps();
    const org = await createOrg(deps);
    const group = await createGroup(deps, org.id, `Desk ${uniq()}`);
    const agent = await createUser(deps, org.id, "agent", { name: `Erika Agent ${uniq()}`, groupIds: [group.id] });
    const title = `Projector in room ${uniq()} shows no signal`;
    const comment = `On my way with an HDMI adapter (${uniq()})`;
    const notes = "Replaced the faulty HDMI cable; projector works again.";

    // Sign in through the form; an unknown session lands on the sign-in page first.
    await page.goto(`${h.baseUrl}/`);
    await page.getByLabel("Email").fill(agent.email);
    await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await poll(() => page.getByRole("heading", { level: 1, name: "All open" }).isVisible()).toBe(true);

    // Create an incident through the form.
    await page.getByRole("banner").getByRole("link", { name: "New incident" }).click();
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Description").fill("The projector says 'no signal' with every laptop.");
    await page.getByRole("combobox", { name: "Impact", exact: true }).click();
    await page.getByRole("option", { name: "High" }).click();
    await poll(() => page.getByRole("status", { name: "Resulting priority" }).textContent()).toContain("P2");
    await page.getByRole("combobox", { name: "Assignment group", exact: true }).click();
    await page.getByRole("option", { name: group.name }).click();
    await page.getByRole("button", { name: "Create incident" }).click();
    await page.waitForURL(/\/incidents\/INC\d+$/);
    const number = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(title);
    const state = page.getByRole("status", { name: "State" });
    expect(await state.textContent()).toBe("New");

    // Take it.
    await page.getByRole("button", { name: "Assign to me" }).click();
    await poll(() => state.textContent()).toBe("In progress");
    await poll(() => page.getByRole("combobox", { name: "Assignee", exact: true }).inputValue()).toBe(agent.name);

    // Reply to the requester.
    await page.getByLabel("Comment", { exact: true }).fill(comment);
    await page.getByRole("button", { name: "Add comment" }).click();
    const activity = page.getByRole("list", { name: "Activity" });
    await poll(() => activity.getByText(comment).isVisible()).toBe(true);

    // Resolve with a code and notes.
    await page.getByRole("button", { name: "Resolve", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("combobox", { name: "Resolution code", exact: true }).click();
    await page.getByRole("option", { name: "Solved (permanently)" }).click();
    await dialog.getByLabel(/^Resolution notes/).fill(notes);
    await dialog.getByRole("button", { name: "Resolve", exact: true }).click();
    await poll(() => state.textContent()).toBe("Resolved");
    await poll(() => dialog.count()).toBe(0);
    await poll(() => activity.getByText("resolved the incident").isVisible()).toBe(true);
    expect(await activity.getByText(comment).isVisible()).toBe(true);

    // The database agrees: resolved, assigned to the agent, resolution stored, comment kept.
    const row = await deps.db
      .selectFrom("work_items")
      .innerJoin("incidents", "incidents.work_item_id", "work_items.id")
      .select([
        "work_items.id",
        "work_items.state",
        "work_items.assignee_id",
        "work_items.assignment_group_id",
        "work_items.priority",
        "work_items.resolved_at",
        "incidents.resolution_code",
        "incidents.resolution_notes",
      ])
      .where("work_items.organization_id", "=", org.id)
      .where("work_items.number", "=", number)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      state: "resolved",
      assignee_id: agent.id,
      assignment_group_id: group.id,
      priority: 2,
      resolution_code: "solved_permanently",
      resolution_notes: notes,
    });
    expect(row.resolved_at).not.toBeNull();
    const comments = await deps.db.selectFrom("comments").select(["body", "visibility", "author_id"]).where("work_item_id", "=", row.id).execute();
    expect(comments).toEqual([{ body: comment, visibility: "public", author_id: agent.id }]);

    // And so does the API, as another client would see it.
    const res = await fetch(`${h.baseUrl}/api/v1/incidents/${number}`, { headers: { authorization: `Bearer ${agent.token}` } });
    expect(res.status).toBe(200);
    const api = (await res.json()) as { state: string; resolutionCode: string; resolutionNotes: string; actions: string[] };
    expect(api).toMatchObject({ state: "resolved", resolutionCode: "solved_permanently", resolutionNotes: notes });
    expect(api.actions).toContain("reopen");

    expect(h.errors).toEqual([]);
  });
});
