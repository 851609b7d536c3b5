#!/usr/bin/env node
// Portico's command line: runs the TypeScript sources through tsx, building the web app first when needed.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [command = "start"] = process.argv.slice(2);

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

if (command === "start" && process.env.PORTICO_SKIP_WEB_BUILD !== "1") {
  const index = path.join(root, "web/dist/index.html");
  const stale = !fs.existsSync(index) || newestMtime(path.join(root, "web/src")) > fs.statSync(index).mtimeMs;
  if (stale) {
    console.log("Building the web app (first start only)…");
    execFileSync(process.execPath, [path.join(root, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"], { cwd: root, stdio: "inherit" });
  }
}

register();
await import(path.join(root, "server/cli.ts"));
