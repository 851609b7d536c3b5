import fs from "node:fs";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createIncident, transitionIncident } from "../server/modules/incidents/incident.service";
import { setCsatEnabled } from "../server/modules/reporting/csat.repo";
import { offerSurvey } from "../server/modules/reporting/csat.service";
import { refreshFactsOfOrganization } from "../server/modules/reporting/report-facts.repo";
import { loadConfig } from "../server/platform/config";
import { type Running, startRoles } from "../server/runtime";
import { createDesk, TEST_PASSWORD } from "../server/test/factories";
import { closeTestApp, testDeps, uniq } from "../server/test/harness";
import { hasChromium, launchChromium, poll, webDist } from "./support/browser";

// Dashboards in a real browser: an agent reads the dashboard, drills into the backlog and runs a report;
// a requester answers a satisfaction survey from its mailed link on a phone-sized screen, signed out.

describe.skipIf(!hasChromium)("dashboards, reports and surveys in a browser", () => {
  let running: Running;
  let browser: Browser;
  let baseUrl = "";
  let dist: { dir: string; cleanup: boolean } | null = null;
  const errors: string[] = [];

  beforeAll(async () => {
    dist = webDist();
    const url = inject("databaseUrl");
    const config = loadConfig({ ...process.env, DATABASE_URL: url, PORTICO_LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? "warn") as never });
    running = await startRoles({ url, roles: ["web"], port: 0, host: "127.0.0.1", config, webDist: dist.dir });
    const address = running.app?.server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${address.port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await closeTestApp();
    if (dist?.cleanup) fs.rmSync(dist.dir, { recursive: true, force: true });
  });

  async function context(width: number, height: number): Promise<BrowserContext> {
    const c = await browser.newContext({ viewport: { width, height } });
    c.setDefaultTimeout(15_000);
    return c;
  }

  it("shows the dashboard, drills into the backlog and runs a custom report", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const tag = uniq();
    const open = await createIncident(
      deps,
      d.requester.actor,
      { title: `Open one ${tag}`, description: "", impact: "low", urgency: "low" },
      { via: "session" },
    );
    const done = await createIncident(
      deps,
      d.requester.actor,
      { title: `Done one ${tag}`, description: "", impact: "low", urgency: "low" },
      { via: "session" },
    );
    const doneId = (done.body as { id: string }).id;
    await transitionIncident(deps, d.agent.actor, doneId, { action: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "ok" });
    await refreshFactsOfOrganization(deps.db, d.org.id);

    const ctx = await context(1440, 900);
    const page = await ctx.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel("Email").fill(d.agent.email);
    await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await poll(() => page.getByRole("link", { name: "Dashboards" }).isVisible()).toBe(true);
    await page.getByRole("link", { name: "Dashboards" }).click();
    await poll(() => page.getByRole("heading", { level: 1, name: "Dashboards" }).isVisible()).toBe(true);
    const backlog = page.getByRole("button", { name: /^Open backlog: 1$/ });
    await poll(() => backlog.isVisible()).toBe(true);
    await backlog.click();
    await poll(() => page.getByRole("heading", { level: 1, name: "Tickets behind the figure" }).isVisible()).toBe(true);
    await poll(() => page.getByRole("link", { name: (open.body as { number: string }).number }).isVisible()).toBe(true);
    expect(await page.getByText(`Done one ${tag}`).count()).toBe(0);

    await page.getByRole("link", { name: "Reports" }).click();
    await poll(() => page.getByRole("heading", { level: 1, name: "Reports" }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Run" }).click();
    await poll(() => page.getByRole("heading", { name: "Results" }).isVisible()).toBe(true);
    await poll(() => page.getByRole("cell", { name: "(none)" }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("records a survey answer from the mailed link on a phone, without signing in", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    await setCsatEnabled(deps.db, d.org.id, true);
    const inc = await createIncident(
      deps,
      d.requester.actor,
      { title: `Phone survey ${uniq()}`, description: "", impact: "low", urgency: "low" },
      { via: "session" },
    );
    const id = (inc.body as { id: string }).id;
    await transitionIncident(deps, d.agent.actor, id, { action: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "ok" });
    expect(await offerSurvey(deps, d.org.id, id)).toBe("sent");
    const mail = await deps.db
      .selectFrom("mail_deliveries")
      .select("text_body")
      .where("work_item_id", "=", id)
      .where("event", "=", "csat.survey")
      .executeTakeFirstOrThrow();
    const link = /\/survey\/([A-Za-z0-9_-]+)\?score=5/.exec(mail.text_body);
    expect(link).not.toBeNull();

    const ctx = await context(390, 844);
    const page = await ctx.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${baseUrl}/survey/${link?.[1]}?score=5`);
    await poll(() => page.getByRole("status").filter({ hasText: "your answer was recorded" }).isVisible()).toBe(true);
    await poll(async () => (await deps.db.selectFrom("csat_surveys").select("score").where("work_item_id", "=", id).executeTakeFirst())?.score).toBe(5);
    await page.getByLabel(/Anything you want to tell the team/).fill("Quick and friendly");
    await page.getByRole("button", { name: "Send comment" }).click();
    await poll(() => page.getByText("Thanks, we passed it on.").isVisible()).toBe(true);
    const events = await deps.db.selectFrom("timeline_events").select("kind").where("work_item_id", "=", id).where("kind", "like", "csat%").execute();
    expect(events.map((e) => e.kind)).toEqual(["csat_received", "csat_updated"]);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
