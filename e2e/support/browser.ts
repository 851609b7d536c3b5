// What every browser test shares: Debian's Chromium (or a clear skip), the built SPA, and polling.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = process.env.PORTICO_CHROMIUM ?? "/usr/bin/chromium";
export const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.PORTICO_REQUIRE_E2E === "1") throw new Error(`PORTICO_REQUIRE_E2E=1 but ${CHROMIUM} does not exist (apt-get install chromium)`);
  console.warn(`[e2e] skipping browser tests: ${CHROMIUM} not found (apt-get install chromium, or set PORTICO_CHROMIUM)`);
}

/** Waits (up to 15 s) for a value in the page to reach the expected one. */
export const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000, interval: 100 });

const ROOT = path.resolve(import.meta.dirname, "../..");

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((e) => newestMtime(path.join(p, e))));
}

/** The built SPA: web/dist when it is fresh, otherwise a private build (so parallel runs never race on web/dist). */
export function webDist(): { dir: string; cleanup: boolean } {
  const dist = path.join(ROOT, "web/dist");
  const index = path.join(dist, "index.html");
  const sources = Math.max(
    newestMtime(path.join(ROOT, "web/src")),
    newestMtime(path.join(ROOT, "web/index.html")),
    newestMtime(path.join(ROOT, "vite.config.ts")),
  );
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return { dir: dist, cleanup: false };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-e2e-web-"));
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--outDir", dir, "--emptyOutDir", "--logLevel", "warn"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  return { dir, cleanup: true };
}

/** Debian's Chromium, headless, with the flags these containers need. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}
