import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../server/platform/config";
import { type Running, startRoles } from "../server/runtime";
import { createCustomers, createUser, TEST_PASSWORD } from "../server/test/factories";
import { closeTestApp, testDeps, uniq } from "../server/test/harness";
import { hasChromium, launchChromium, poll, webDist } from "./support/browser";

// Service providers in a real browser: one person belongs to two customer organizations and switches
// between them in the portal; each shows only its own tickets, under its own name and colour.

describe.skipIf(!hasChromium)("one person, two organizations, in the portal", () => {
  let running: Running;
  let browser: Browser;
  let baseUrl = "";
  let dist: { dir: string; cleanup: boolean } | null = null;
  const pageErrors: string[] = [];

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

  const call = async (token: string, method: string, p: string, body: unknown) => {
    const res = await fetch(`${baseUrl}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status, `${method} ${p}`).toBeLessThan(300);
    return res.json();
  };

  it("switches organization: tickets, name and colour follow; nothing of the other stays on screen", async () => {
    const deps = testDeps();
    const { provider, a, b } = await createCustomers(deps);
    const tag = uniq();
    await call(a.admin.token, "PATCH", `/api/v1/admin/organizations/${a.org.id}`, { profile: { displayName: `Alpha Help ${tag}`, primaryColor: "#8a1c1c" } });
    await call(b.admin.token, "PATCH", `/api/v1/admin/organizations/${b.org.id}`, { profile: { displayName: `Beta Support ${tag}`, primaryColor: "#0b5d1e" } });
    const pat = await createUser(deps, a.org.id, "requester", { name: `Pat ${tag}` });
    await call(provider.admin.token, "PUT", `/api/v1/admin/organizations/${b.org.id}/members`, { email: pat.email, role: "requester" });
    await call(pat.token, "POST", "/api/v1/incidents", { title: `Alpha printer jammed ${tag}`, impact: "low", urgency: "low" });
    await call(b.agent.token, "POST", "/api/v1/incidents", { title: `Beta laptop broken ${tag}`, impact: "low", urgency: "low", requesterId: pat.id });
    await call(a.requester.token, "POST", "/api/v1/incidents", { title: `Alpha colleague ticket ${tag}`, impact: "low", urgency: "low" });

    const shots = path.resolve(import.meta.dirname, "../.tmp/screenshots");
    fs.mkdirSync(shots, { recursive: true });
    for (const width of [1440, 390]) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      context.setDefaultTimeout(15_000);
      const page: Page = await context.newPage();
      page.on("pageerror", (err) => pageErrors.push(err.message));
      await page.goto(`${baseUrl}/sign-in`);
      await page.getByLabel("Email").fill(pat.email);
      await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => u.pathname.startsWith("/portal"));

      const header = page.locator("header").first();
      const headerColor = () => header.evaluate((el) => getComputedStyle(el).backgroundColor);
      const switcher = page.getByRole("button", { name: /Switch organization/ });

      await page.goto(`${baseUrl}/portal/requests`);
      await poll(() => page.getByText(`Alpha printer jammed ${tag}`).isVisible()).toBe(true);
      expect(await page.getByText(`Beta laptop broken ${tag}`).count()).toBe(0);
      expect(await page.getByText(`Alpha colleague ticket ${tag}`).count()).toBe(0);
      await poll(headerColor).toBe("rgb(138, 28, 28)");
      await poll(() => page.getByTestId("portal-brand-name").textContent()).toContain(`Alpha Help ${tag}`);
      await poll(() => switcher.textContent()).toContain(a.org.name);
      await page.screenshot({ path: path.join(shots, `portal-org-a-${width}.png`), fullPage: true });

      await switcher.click();
      await page.getByRole("menuitem", { name: new RegExp(b.org.name) }).click();
      await page.waitForURL((u) => u.pathname === "/portal" || u.pathname === "/portal/");
      await poll(headerColor).toBe("rgb(11, 93, 30)");
      await poll(() => switcher.textContent()).toContain(b.org.name);
      await page.goto(`${baseUrl}/portal/requests`);
      await poll(() => page.getByText(`Beta laptop broken ${tag}`).isVisible()).toBe(true);
      expect(await page.getByText(`Alpha printer jammed ${tag}`).count()).toBe(0);
      await poll(() => page.getByTestId("portal-brand-name").textContent()).toContain(`Beta Support ${tag}`);
      await switcher.click();
      await poll(() => page.getByRole("menuitem").count()).toBe(2);
      await page.waitForTimeout(400); // the menu's fade-in, for the screenshot
      await page.screenshot({ path: path.join(shots, `portal-org-switcher-${width}.png`), fullPage: true });
      await page.keyboard.press("Escape");

      // A reload keeps the organization (it belongs to the session), and the way back works too.
      await page.reload();
      await poll(() => page.getByText(`Beta laptop broken ${tag}`).isVisible()).toBe(true);
      await switcher.click();
      await page.getByRole("menuitem", { name: new RegExp(a.org.name) }).click();
      await poll(headerColor).toBe("rgb(138, 28, 28)");
      await page.goto(`${baseUrl}/portal/requests`);
      await poll(() => page.getByText(`Alpha printer jammed ${tag}`).isVisible()).toBe(true);
      expect(await page.getByText(`Beta laptop broken ${tag}`).count()).toBe(0);
      await context.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
