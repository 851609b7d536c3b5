import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../server/platform/config";
import { type Running, startRoles } from "../server/runtime";
import { createOrg, createUser, TEST_PASSWORD } from "../server/test/factories";
import { closeTestApp, testDeps, uniq } from "../server/test/harness";
import { hasChromium, launchChromium, poll, webDist } from "./support/browser";

// An administrator in a real browser: a webhook to a private address is refused with the reason; one to
// an allowed loopback receiver is added, its secret shown once, a test delivery arrives through the
// running worker and shows in the delivery log; configuration as code previews a YAML diff and applies it.

describe.skipIf(!hasChromium)("integrations in a browser", () => {
  let running: Running;
  let browser: Browser;
  let page: Page;
  let baseUrl = "";
  let dist: { dir: string; cleanup: boolean } | null = null;
  const received: string[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push(body);
      res.writeHead(200).end("thanks");
    });
  });

  beforeAll(async () => {
    dist = webDist();
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const url = inject("databaseUrl");
    const config = loadConfig({ ...process.env, DATABASE_URL: url, PORTICO_LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? "warn") as never });
    running = await startRoles({ url, roles: ["web", "worker"], port: 0, host: "127.0.0.1", config, webDist: dist.dir });
    baseUrl = `http://127.0.0.1:${(running.app?.server.address() as AddressInfo | undefined)?.port}`;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await closeTestApp();
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
    if (dist?.cleanup) fs.rmSync(dist.dir, { recursive: true, force: true });
  });

  it("refuses a private URL, delivers a test event to an allowed receiver, previews and applies YAML", async () => {
    const deps = testDeps();
    const org = await createOrg(deps);
    const admin = await createUser(deps, org.id, "admin", { name: `Ada Admin ${uniq()}` });
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await poll(() => page.getByRole("heading", { level: 1 }).isVisible()).toBe(true);

    await page.getByRole("navigation").getByRole("link", { name: "Integrations" }).click();
    await poll(() => page.getByRole("heading", { level: 1, name: "Integrations" }).isVisible()).toBe(true);
    const port = (receiver.address() as AddressInfo).port;
    const addHook = async () => {
      await page.getByRole("button", { name: "Add webhook" }).click();
      await page.getByLabel("Name").fill("Receiver");
      await page.getByLabel("URL").fill(`http://127.0.0.1:${port}/hook`);
      await page.getByRole("checkbox", { name: "ping" }).check();
      await page.getByRole("button", { name: "Save" }).click();
    };
    await addHook();
    await poll(() => page.getByText(/resolves to 127\.0\.0\.1 \(loopback\)/).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("tab", { name: "Allowed private hosts" }).click();
    await page.getByLabel("Host name or IP address").fill("127.0.0.1");
    await page.getByRole("button", { name: "Allow host" }).click();
    await poll(() => page.getByRole("cell", { name: "127.0.0.1", exact: true }).first().isVisible()).toBe(true);
    await page.getByRole("tab", { name: "Webhooks" }).click();
    await addHook();
    await poll(() => page.getByTestId("shown-secret").isVisible()).toBe(true);
    expect(await page.getByTestId("shown-secret").textContent()).toMatch(/^whsec_/);
    await page.getByRole("dialog").getByRole("button", { name: "Close", exact: true }).click();

    await page.getByRole("button", { name: "Send test" }).click();
    await poll(() => received.length).toBe(1);
    expect(JSON.parse(received[0])).toMatchObject({ event: "ping", organization: { id: org.id } });
    await page.getByRole("button", { name: "Deliveries" }).click();
    await poll(() => page.getByRole("table").getByText("Delivered").isVisible()).toBe(true);

    await page.getByRole("navigation").getByRole("link", { name: "Configuration as code" }).click();
    await page.getByLabel("Or paste YAML").fill("apiVersion: portico.config/v1\ngroups:\n  - name: Database\n    description: DBAs\n");
    await page.getByRole("button", { name: "Preview changes" }).click();
    await poll(() => page.getByText(/1 to add/).isVisible()).toBe(true);
    await poll(() => page.getByTestId("config-diff").textContent()).toContain("+  - name: Database");
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Apply import" }).click();
    await poll(async () => (await deps.db.selectFrom("groups").select("name").where("organization_id", "=", org.id).execute()).map((g) => g.name)).toEqual([
      "Database",
    ]);
  });
});
