// A running Portico (web + worker on the test database) with a browser in front of it: what every
// browser test starts the same way, and how a person signs in through the real form.
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { inject } from "vitest";
import { loadConfig } from "../../server/platform/config";
import { type Role, type Running, startRoles } from "../../server/runtime";
import { TEST_PASSWORD } from "../../server/test/factories";
import { closeTestApp } from "../../server/test/harness";
import { launchChromium, webDist } from "./browser";

export interface BrowserHarness {
  running: Running;
  browser: Browser;
  baseUrl: string;
  /** Uncaught errors of every page opened through the harness (a test usually expects none). */
  errors: string[];
  /** A fresh page in its own context (one per person), 15 s default timeout, errors collected. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** A fresh page signed in as this person through the sign-in form. */
  signIn(email: string, options?: BrowserContextOptions & { password?: string }): Promise<Page>;
  close(): Promise<void>;
}

/** Starts Portico on the test database and Chromium; `env` adds configuration (e.g. the SMTP intake). */
export async function startBrowserHarness(opts: { roles?: Role[]; env?: Record<string, string> } = {}): Promise<BrowserHarness> {
  const dist = webDist();
  const url = inject("databaseUrl");
  const config = loadConfig({ ...process.env, DATABASE_URL: url, PORTICO_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn", ...opts.env });
  const running = await startRoles({ url, roles: opts.roles ?? ["web", "worker"], port: 0, host: "127.0.0.1", config, webDist: dist.dir });
  const address = running.app?.server.address() as AddressInfo;
  const browser = await launchChromium();
  const errors: string[] = [];
  const h: BrowserHarness = {
    running,
    browser,
    baseUrl: `http://127.0.0.1:${address.port}`,
    errors,
    async newPage(options = {}) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...options });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
      return page;
    },
    async signIn(email, { password = TEST_PASSWORD, ...options } = {}) {
      const page = await h.newPage(options);
      await page.goto(`${h.baseUrl}/sign-in`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel(/^Password/).fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
      return page;
    },
    async close() {
      await browser.close();
      await running.stop();
      await closeTestApp();
      if (dist.cleanup) fs.rmSync(dist.dir, { recursive: true, force: true });
    },
  };
  return h;
}
