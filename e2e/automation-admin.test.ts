import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIncident } from "../server/modules/incidents/incident.service";
import { createDesk } from "../server/test/factories";
import { testDeps, uniq } from "../server/test/harness";
import { hasChromium, poll } from "./support/browser";
import { type BrowserHarness, startBrowserHarness } from "./support/portico";

// An administrator builds a rule in the browser with the condition builder, tries it on a ticket (dry
// run), saves it; a new matching incident is changed by the running worker, and its timeline says which
// rule did it.

describe.skipIf(!hasChromium)("automation admin in a browser", () => {
  let h: BrowserHarness;
  let page: Page;

  beforeAll(async () => {
    h = await startBrowserHarness();
  });

  afterAll(() => h?.close());

  it("builds a rule, dry-runs it on a ticket, and the worker applies it to a new incident", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const ruleName = `Printers ${uniq()}`;
    const first = await createIncident(deps, d.agent.actor, { title: "Printer on floor 2 jams", description: "", impact: "low", urgency: "low" } as never, {
      via: "token",
    });
    const firstNumber = (first as { body: { number: string } }).body.number;
    page = await h.signIn(d.admin.email);
    await page.goto(`${h.baseUrl}/admin/automation`);
    await page.getByRole("button", { name: "New rule" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill(ruleName);
    await dialog.getByRole("button", { name: "Add condition" }).click();
    await dialog.getByLabel("Field").click();
    await page.getByRole("option", { name: "Title", exact: true }).click();
    await dialog.getByLabel("Comparison").click();
    await page.getByRole("option", { name: "contains", exact: true }).click();
    await dialog.getByLabel("Value (Title)").fill("printer");
    await dialog.getByLabel("Text").fill("Printer team: check the paper path of {{number}}");
    await dialog.getByLabel("Ticket number").fill(firstNumber);
    await dialog.getByRole("button", { name: "Dry run" }).click();
    await poll(() => dialog.getByText("The conditions hold: the rule would apply.").isVisible()).toBe(true);
    expect(await dialog.getByText("Title contains “printer”").isVisible()).toBe(true);
    await dialog.getByRole("button", { name: "Save" }).click();
    await poll(() => page.getByText(ruleName, { exact: true }).isVisible()).toBe(true);

    const next = await createIncident(
      deps,
      d.agent.actor,
      { title: "Printer in the lobby is offline", description: "", impact: "low", urgency: "low" } as never,
      { via: "token" },
    );
    const number = (next as { body: { number: string } }).body.number;
    // The running worker picks the event up from the queue and applies the rule.
    await poll(async () => {
      const r = await deps.db
        .selectFrom("automation_rule_runs")
        .select("outcome")
        .where("organization_id", "=", d.org.id)
        .where("rule_name", "=", ruleName)
        .execute();
      return r.map((x) => x.outcome);
    }).toEqual(["applied"]);
    await page.goto(`${h.baseUrl}/incidents/${number}`);
    await page.getByText(`Printer team: check the paper path of ${number}`).waitFor();
    expect(await page.getByText(`Rule “${ruleName}”`).first().isVisible()).toBe(true);
    expect(h.errors).toEqual([]);
  });
});
