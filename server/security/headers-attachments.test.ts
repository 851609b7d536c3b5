import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../platform/http/app";
import { createDesk } from "../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../test/harness";

let app: App;
let desk: Awaited<ReturnType<typeof createDesk>>;
beforeAll(async () => {
  app = await testApp();
  desk = await createDesk(testDeps());
});
afterAll(closeTestApp);

/** The headers every answer carries, whatever route, status or caller. */
function expectSecurityHeaders(r: LightMyRequestResponse, where: string) {
  const h = r.headers;
  const csp = String(h["content-security-policy"] ?? "");
  const problems: string[] = [];
  if (!/default-src '(self|none)'/.test(csp)) problems.push(`CSP default-src: ${csp}`);
  if (!/frame-ancestors 'none'/.test(csp) && !/sandbox/.test(csp)) problems.push("CSP frame-ancestors");
  if (/script-src[^;]*'unsafe-(inline|eval)'/.test(csp)) problems.push("CSP allows inline/eval scripts");
  if (!csp.includes("object-src 'none'") && !csp.includes("default-src 'none'")) problems.push("CSP object-src");
  if (h["x-content-type-options"] !== "nosniff") problems.push("nosniff");
  if (!String(h["strict-transport-security"] ?? "").includes("max-age=")) problems.push("HSTS");
  if (h["referrer-policy"] !== "no-referrer") problems.push(`referrer-policy ${h["referrer-policy"]}`);
  if (!h["x-frame-options"]) problems.push("x-frame-options");
  if (h["x-powered-by"]) problems.push("x-powered-by");
  return problems.length ? [`${where} (${r.statusCode}): ${problems.join(", ")}`] : [];
}

describe("security headers on every response", () => {
  it("every route in the route table, signed in or not, success or error, carries CSP, nosniff, HSTS, no-referrer and no framing", async () => {
    const failures: string[] = [];
    const routes = app.routeTable.filter((r) => r.method === "GET");
    expect(routes.length).toBeGreaterThan(100);
    for (const r of routes) {
      const url = r.url.replace(/:[A-Za-z]+/g, "00000000-0000-4000-8000-000000000000").replace(/\*$/, "x");
      for (const headers of [{}, { authorization: `Bearer ${desk.agent.token}` }]) {
        const res = await app.inject({ method: "GET", url, headers });
        failures.push(...expectSecurityHeaders(res, `GET ${r.url}`));
      }
    }
    for (const [method, url] of [
      ["GET", "/nowhere"],
      ["POST", "/api/v1/incidents"],
      ["DELETE", "/api/v1/nothing-here"],
      ["OPTIONS", "/api/v1/incidents"],
    ] as const) {
      const res = await app.inject({ method, url });
      failures.push(...expectSecurityHeaders(res, `${method} ${url}`));
    }
    expect(failures).toEqual([]);
  });
});

const boundary = "----porticoSec";
function multipart(files: Array<{ filename: string; type: string; content: Buffer | string }>) {
  const parts = files.map((f) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`),
      Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content),
      Buffer.from("\r\n"),
    ]),
  );
  return Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
}

/** The two upload implementations: work items (every practice's /attachments route) and knowledge articles. */
async function targets() {
  const inc = await http(app, desk.agent).post("/api/v1/incidents", { title: `Files ${uniq()}`, description: "x", impact: "low", urgency: "low" });
  const art = await http(app, desk.agent).post("/api/v1/knowledge/articles", { title: `Files ${uniq()}`, bodyHtml: "<p>x</p>" });
  return [
    { upload: `/api/v1/incidents/${inc.body.id}/attachments`, download: (id: string) => `/api/v1/attachments/${id}/content` },
    { upload: `/api/v1/knowledge/articles/${art.body.id}/attachments`, download: (id: string) => `/api/v1/knowledge/attachments/${id}/content` },
  ];
}

async function upload(url: string, files: Parameters<typeof multipart>[0]) {
  const res = await app.inject({
    method: "POST",
    url,
    headers: { authorization: `Bearer ${desk.agent.token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
    payload: multipart(files),
  });
  let body: any = null;
  try {
    body = res.json();
  } catch {}
  return { status: res.statusCode, body };
}

/** Files stored for the desk's organization, in both attachment tables. */
async function storedFiles(): Promise<number> {
  const db = testDeps().db;
  const a = await db
    .selectFrom("attachments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organization_id", "=", desk.org.id)
    .executeTakeFirstOrThrow();
  const k = await db
    .selectFrom("kb_article_attachments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organization_id", "=", desk.org.id)
    .executeTakeFirstOrThrow();
  return Number(a.n) + Number(k.n);
}

describe("attachments", () => {
  it("active content (HTML, SVG, XML, JS, unknown types) is only ever a download, with nosniff and a sandbox CSP", async () => {
    for (const t of await targets()) {
      for (const [filename, type, content] of [
        ["page.html", "text/html", "<script>alert(1)</script>"],
        ["logo.svg", "image/svg+xml", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
        ["data.xml", "application/xml", "<x/>"],
        ["app.js", "application/javascript", "alert(1)"],
        ["page.xhtml", "application/xhtml+xml", "<html/>"],
        ["lies.png", "text/html", "<script>alert(1)</script>"],
        ["weird.bin", "application/x-unknown", "MZ"],
      ] as const) {
        const up = await upload(t.upload, [{ filename, type, content }]);
        expect(up.status, `${filename}: ${JSON.stringify(up.body)}`).toBe(201);
        const res = await app.inject({ method: "GET", url: t.download(up.body.id), headers: { authorization: `Bearer ${desk.agent.token}` } });
        expect(res.statusCode).toBe(200);
        expect(res.headers["content-disposition"], filename).toMatch(/^attachment;/);
        expect(res.headers["content-type"], filename).not.toMatch(/html|svg|xml|javascript/);
        expect(res.headers["x-content-type-options"]).toBe("nosniff");
        expect(res.headers["content-security-policy"]).toMatch(/default-src 'none'.*sandbox/);
      }
      // Safe types may show inline, still sandboxed and never sniffed.
      const png = await upload(t.upload, [{ filename: "pic.png", type: "image/png", content: Buffer.from([0x89, 0x50, 0x4e, 0x47]) }]);
      const res = await app.inject({ method: "GET", url: t.download(png.body.id), headers: { authorization: `Bearer ${desk.agent.token}` } });
      expect(res.headers["content-disposition"]).toMatch(/^inline;/);
      expect(res.headers["content-security-policy"]).toMatch(/sandbox/);
    }
  });

  it("path tricks and header injection in file names are harmless", async () => {
    for (const t of await targets()) {
      for (const name of [
        "../../../etc/passwd",
        "..\\..\\windows\\win.ini",
        "/etc/shadow",
        "a%2F..%2F..%2Fb.txt",
        'x"; filename="evil.html',
        "CON",
        ".htaccess",
        "ok\u202Egnp.exe",
      ]) {
        const up = await upload(t.upload, [{ filename: name, type: "text/plain", content: "hello" }]);
        expect(up.status, `${name}: ${JSON.stringify(up.body)}`).toBeLessThan(500);
        if (up.status !== 201) continue;
        const res = await app.inject({ method: "GET", url: t.download(up.body.id), headers: { authorization: `Bearer ${desk.agent.token}` } });
        const cd = String(res.headers["content-disposition"]);
        // One disposition, one quoted ASCII name without quotes or separators, plus the RFC 5987 form.
        expect(cd, name).toMatch(/^(inline|attachment); filename="[^"/\\\r\n]*"; filename\*=UTF-8''[^\s";]*$/);
        expect(res.body).toBe("hello");
      }
      // Header injection: a CR/LF in the name never reaches a header.
      const crlf = await upload(t.upload, [{ filename: "a\r\nX-Injected: 1.txt", type: "text/plain", content: "hello" }]);
      if (crlf.status === 201) {
        const res = await app.inject({ method: "GET", url: t.download(crlf.body.id), headers: { authorization: `Bearer ${desk.agent.token}` } });
        expect(res.headers["x-injected"]).toBeUndefined();
      }
    }
  });

  it("size and count limits are enforced while streaming (413 / 4xx), and nothing is stored", async () => {
    const max = testDeps().config.PORTICO_ATTACHMENT_MAX_MB * 1024 * 1024;
    for (const t of await targets()) {
      const before = await storedFiles();
      const big = await upload(t.upload, [{ filename: "big.bin", type: "application/octet-stream", content: Buffer.alloc(max + 1024, 1) }]);
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe("PAYLOAD_TOO_LARGE");
      expect(await storedFiles()).toBe(before);
      const two = await upload(t.upload, [
        { filename: "one.txt", type: "text/plain", content: "1" },
        { filename: "two.txt", type: "text/plain", content: "2" },
      ]);
      // One file per request: a second part is refused or ignored, never stored.
      expect(two.status).toBeLessThan(500);
      expect((await storedFiles()) - before).toBeLessThanOrEqual(two.status === 201 ? 1 : 0);
    }
  });
});
