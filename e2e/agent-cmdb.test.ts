import type { Page } from "playwright-core";
import { hasChromium, poll } from "./support/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../server/deps";
import { createRelationshipIn } from "../server/modules/cmdb/cmdb-graph.service";
import { createCiIn } from "../server/modules/cmdb/cmdb.service";
import { createIncident } from "../server/modules/incidents/incident.service";
import { createGroup, createOrg, createUser, TEST_PASSWORD } from "../server/test/factories";
import { testDeps, uniq } from "../server/test/harness";
import { type BrowserHarness, startBrowserHarness } from "./support/portico";

// The CMDB in a real browser: an agent links an affected CI to an incident with the typeahead, sees the
// business service it breaks, opens the CI and finds its relationships, the incident and the service map.

describe.skipIf(!hasChromium)("CMDB in a browser", () => {
  let h: BrowserHarness;
  let page: Page;

  beforeAll(async () => {
    h = await startBrowserHarness();
    page = await h.newPage();
  });

  afterAll(() => h?.close());

  it("links a CI to an incident with the typeahead and follows it to the CI's page and map", async () => {
    const deps = testDeps();
    const org = await createOrg(deps);
    const group = await createGroup(deps, org.id, `Desk ${uniq()}`);
    const agent = await createUser(deps, org.id, "agent", { name: `Carla Cmdb ${uniq()}`, groupIds: [group.id] });
    const actor: Actor = agent.actor;
    const tag = uniq();
    const svc = await createCiIn(deps.db, actor, {
      class: "business_service",
      name: `Payroll ${tag}`,
      description: "",
      status: "operational",
      attributes: { criticality: "high" },
    });
    const app = await createCiIn(deps.db, actor, { class: "application", name: `paycalc-${tag}`, description: "", status: "operational", attributes: {} });
    const vm = await createCiIn(deps.db, actor, { class: "virtual_machine", name: `vm-pay-${tag}`, description: "", status: "operational", attributes: {} });
    await createRelationshipIn(deps.db, actor, { type: "depends_on", sourceId: svc, targetId: app });
    await createRelationshipIn(deps.db, actor, { type: "runs_on", sourceId: app, targetId: vm });
    const created = await createIncident(deps, actor, { title: `Payslips fail ${tag}`, description: "", impact: "high", urgency: "high" }, { via: "session" });
    const number = (created.body as { number: string }).number;

    await page.goto(`${h.baseUrl}/sign-in`);
    await page.getByLabel("Email").fill(agent.email);
    await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await poll(() => page.getByRole("heading", { level: 1, name: "All open" }).isVisible()).toBe(true);

    await page.goto(`${h.baseUrl}/incidents/${number}`);
    const panel = page.getByRole("region", { name: "Configuration items" });
    await poll(() => panel.getByText("No CIs linked.").isVisible()).toBe(true);
    await panel.getByRole("combobox", { name: "Add a CI" }).fill(`vm-pay-${tag}`.slice(0, 10));
    await page.getByRole("option", { name: new RegExp(`vm-pay-${tag}`) }).click();
    await poll(() => panel.getByRole("link", { name: `vm-pay-${tag}` }).isVisible()).toBe(true);
    // The business service two hops up is affected.
    await poll(() => panel.getByRole("link", { name: `Payroll ${tag}` }).isVisible()).toBe(true);
    const activity = page.getByRole("list", { name: "Activity" });
    await poll(() => activity.getByText(`linked CI vm-pay-${tag} (Affected)`).isVisible()).toBe(true);

    await panel.getByRole("link", { name: `vm-pay-${tag}` }).click();
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(`vm-pay-${tag}`);
    const rels = page.getByRole("region", { name: "Relationships" });
    await poll(() => rels.getByText("hosts").isVisible()).toBe(true);
    await poll(() => rels.getByRole("link", { name: `paycalc-${tag}` }).isVisible()).toBe(true);
    await poll(() => page.getByRole("region", { name: "Open incidents, problems and changes" }).getByRole("link", { name: number }).isVisible()).toBe(true);
    await poll(() => page.locator("[data-testid=service-map] canvas").count()).toBeGreaterThan(0);
    await poll(() => page.getByRole("region", { name: "History" }).getByText(`linked to ${number}`).isVisible()).toBe(true);
    expect(h.errors).toEqual([]);
  });
});
