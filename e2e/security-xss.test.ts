import fs from "node:fs";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ingestMessage } from "../server/modules/email-in/email-in.ingest";
import { loadConfig } from "../server/platform/config";
import { type Running, startRoles } from "../server/runtime";
import { createDesk, TEST_PASSWORD } from "../server/test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../server/test/harness";
import { hasChromium, launchChromium, poll, webDist } from "./support/browser";

// An XSS corpus (OWASP cheat-sheet style) through every path that stores user text or HTML — incident
// titles, descriptions and comments, knowledge article rich text, HTML e-mail turned into a ticket — then
// the real pages in Chromium: no payload may run. Each payload tries to call window.__xss(); alerts count too.

const CORPUS = [
  `<script>window.__xss('script')</script>`,
  `<img src=x onerror="window.__xss('img')">`,
  `<svg onload="window.__xss('svg')"></svg>`,
  `<svg><script>window.__xss('svg-script')</script></svg>`,
  `<iframe srcdoc="<script>parent.__xss('srcdoc')</script>"></iframe>`,
  `<iframe src="javascript:parent.__xss('iframe-js')"></iframe>`,
  `<a href="javascript:window.__xss('href')" id="xss-link">click</a>`,
  `<a href="JaVaScRiPt:window.__xss('href-case')">x</a>`,
  `<a href="&#106;avascript:window.__xss('entity')">x</a>`,
  `<body onload="window.__xss('body')">`,
  `<details open ontoggle="window.__xss('details')">`,
  `<input autofocus onfocus="window.__xss('focus')">`,
  `<video><source onerror="window.__xss('video')"></video>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="window.__xss('mxss')">`,
  `<noscript><p title="</noscript><img src=x onerror=window.__xss('noscript')>">`,
  `"><img src=x onerror=window.__xss('attr-break')>`,
  `'-window.__xss('quote')-'`,
  `<object data="javascript:window.__xss('object')"></object>`,
  `<embed src="javascript:window.__xss('embed')">`,
  `<form action="javascript:window.__xss('form')"><button id="xss-btn">go</button></form>`,
  `<meta http-equiv="refresh" content="0;url=javascript:window.__xss('meta')">`,
  `<style>@import 'javascript:window.__xss("style")';</style>`,
  `<div style="background:url(javascript:window.__xss('css'))">x</div>`,
  `<base href="javascript:window.__xss('base')//">`,
  `<img src="x" onerror="&#119;indow.__xss('entity-handler')">`,
  `{{constructor.constructor('window.__xss("template")')()}}`,
];

describe.skipIf(!hasChromium)("XSS corpus rendered in Chromium", () => {
  let running: Running;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let baseUrl = "";
  let dist: { dir: string; cleanup: boolean } | null = null;
  const fired: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    dist = webDist();
    const url = inject("databaseUrl");
    const config = loadConfig({ ...process.env, DATABASE_URL: url, PORTICO_LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? "warn") as never });
    running = await startRoles({ url, roles: ["web"], port: 0, host: "127.0.0.1", config, webDist: dist.dir });
    baseUrl = `http://127.0.0.1:${((running.app as NonNullable<Running["app"]>).server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    await context.exposeFunction("__xssReport", (what: string) => fired.push(what));
    // Before any page script: the canary every payload aims at, and alert/confirm/prompt as canaries too.
    await context.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      w.__xss = (what: string) => (w.__xssReport as (s: string) => void)(String(what));
    });
    page = await context.newPage();
    page.on("dialog", async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await closeTestApp();
    if (dist?.cleanup) fs.rmSync(dist.dir, { recursive: true, force: true });
  });

  it("no payload runs on the incident, queue, knowledge and e-mail-made ticket pages", async () => {
    const app = await testApp();
    const deps = testDeps();
    const d = await createDesk(deps);
    const all = CORPUS.join("\n");
    // Incident title (short ones), description and a comment carry the corpus as plain text.
    const inc = await http(app, d.agent).post("/api/v1/incidents", {
      title: `XSS ${uniq()} <img src=x onerror="window.__xss('title')">`,
      description: all,
      impact: "low",
      urgency: "low",
    });
    expect(inc.status).toBe(201);
    for (const p of CORPUS.slice(0, 6)) await http(app, d.agent).post(`/api/v1/incidents/${inc.body.id}/comments`, { body: p });
    // Knowledge article rich text: the server sanitizes; what it keeps must be inert.
    const art = await http(app, d.agent).post("/api/v1/knowledge/articles", {
      title: `XSS article ${uniq()}`,
      summary: CORPUS[1],
      bodyHtml: `<p>Intro</p>${all}`,
    });
    expect(art.status).toBe(201);
    const stored = await http(app, d.agent).get(`/api/v1/knowledge/articles/${art.body.id}`);
    expect(stored.body.bodyHtml).not.toMatch(/<script|<iframe|<object|<embed|<svg|<style|<meta|<base|\son\w+=|javascript:/i);
    // HTML e-mail: becomes a ticket with the message's text.
    const box = await http(app, d.admin).post("/api/v1/admin/mailboxes", { name: "Help", address: `help-${uniq()}@acme.example`, kind: "smtp" });
    const mailbox = (await deps.db.selectFrom("mailboxes").selectAll().where("id", "=", box.body.id).executeTakeFirstOrThrow()) as never;
    const html = `<html><body><p>Help</p>${all}</body></html>`;
    const raw = Buffer.from(
      `From: ${d.requester.email}\r\nTo: help@acme.example\r\nSubject: XSS mail ${uniq()} <script>window.__xss('subject')</script>\r\nMessage-ID: <${uniq()}@x.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`,
    );
    const ingested = await ingestMessage(deps, mailbox, raw);
    expect(ingested.status).toBe("ticket");
    const mailItem = await deps.db
      .selectFrom("work_items")
      .select("number")
      .where("organization_id", "=", d.org.id)
      .where("title", "like", "XSS mail%")
      .executeTakeFirstOrThrow();

    await page.goto(`${baseUrl}/`);
    await page.getByLabel("Email").fill(d.agent.email);
    await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await poll(() => page.getByRole("heading", { level: 1, name: "All open" }).isVisible()).toBe(true);
    const visit = async (path: string, expectText: string) => {
      await page.goto(`${baseUrl}${path}`);
      await poll(async () => (await page.content()).includes(expectText)).toBe(true);
      await page.screenshot({ path: `.tmp/xss-${path.replace(/[^a-z0-9]+/gi, "_")}.png` }).catch(() => {});
      // Links and buttons a careless click would follow.
      for (const sel of ["#xss-link", "#xss-btn"])
        if (await page.locator(sel).count())
          await page
            .locator(sel)
            .first()
            .click({ timeout: 2000 })
            .catch(() => {});
      await page.waitForTimeout(300);
    };
    await visit(`/incidents/${inc.body.number}`, inc.body.number);
    await visit("/incidents", inc.body.number);
    await visit(`/knowledge/${art.body.id}`, "Intro");
    await visit(`/incidents/${mailItem.number}`, mailItem.number);
    expect({ fired, dialogs }).toEqual({ fired: [], dialogs: [] });
    // The canary works: the same payload on a page without Portico's defences does call it.
    await page.goto("about:blank");
    await page.setContent(`<img src=x onerror="window.__xss('control')">`);
    await poll(() => fired.length).toBe(1);
    expect(fired).toEqual(["control"]);
  }, 180_000);
});
