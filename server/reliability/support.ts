import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Deps } from "../deps";
import { loadConfig } from "../platform/config";
import { createDb } from "../platform/db/db";
import { type EmbeddedHandle, startEmbeddedPostgres } from "../platform/db/embedded";
import { createLogger } from "../platform/logger";
import { createMetrics } from "../platform/metrics";
import { migrateAll } from "../runtime";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Reliability tests own PostgreSQL servers on 54410–54419 and data under this folder. */
const BASE = process.env.PORTICO_RELIABILITY_DIR ?? "/var/tmp/portico-reliability";
const log = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A PostgreSQL server of the test's own (embedded), which the test may stop and start. */
export class TestPostgres {
  handle: EmbeddedHandle | null = null;
  readonly dir: string;
  constructor(readonly port: number) {
    this.dir = path.join(BASE, `pg-${port}-${process.pid}`);
  }
  get url(): string {
    return (this.handle as EmbeddedHandle).url("portico");
  }
  async start(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    fs.chmodSync(this.dir, 0o755);
    fs.chmodSync(BASE, 0o755);
    this.handle = await startEmbeddedPostgres(this.dir, this.port, log);
    await this.handle.ensureDatabase("portico");
  }
  /** Immediate shutdown (SIGQUIT to the postmaster): no checkpoint, clients cut off at once, as in a crash. */
  stopImmediately(): void {
    const pid = Number(fs.readFileSync(path.join(this.dir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, "SIGQUIT");
  }
  async waitDown(timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!(await portOpen(this.port))) return;
      await sleep(100);
    }
    throw new Error("PostgreSQL did not go down");
  }
  async destroy(): Promise<void> {
    await Promise.race([this.handle?.stop().catch(() => {}), sleep(15_000)]);
    try {
      const pid = Number(fs.readFileSync(path.join(this.dir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
      if (pid > 0) process.kill(pid, "SIGQUIT");
    } catch {}
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** Migrates the database and returns owner-level deps for factories. */
export async function prepare(url: string): Promise<Deps & { close(): Promise<void> }> {
  await migrateAll(url, log);
  const config = loadConfig({ ...process.env, DATABASE_URL: url, PORTICO_LOG_LEVEL: "silent" as never });
  const { db } = createDb(url, 4);
  return { db, config, log, metrics: createMetrics(), live: null, close: () => db.destroy() };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** A real Portico process (`bin/portico.mjs serve`). */
export class PorticoProcess {
  child: ChildProcess | null = null;
  port = 0;
  output = "";
  exitCode: number | null = null;
  constructor(
    readonly url: string,
    readonly roles: string,
    readonly env: Record<string, string> = {},
  ) {}
  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  async start(timeoutMs = 60_000): Promise<void> {
    this.port = await freePort();
    const child = spawn(process.execPath, [path.join(ROOT, "bin/portico.mjs"), "serve", `--roles=${this.roles}`], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: this.url,
        PORT: String(this.port),
        HOST: "127.0.0.1",
        PORTICO_LOG_LEVEL: "warn",
        PORTICO_SKIP_WEB_BUILD: "1",
        PORTICO_DATA_DIR: path.join(BASE, `data-${process.pid}`),
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.exitCode = null;
    children.add(child);
    child.stdout?.on("data", (d) => {
      this.output += d;
    });
    child.stderr?.on("data", (d) => {
      this.output += d;
    });
    child.on("exit", (code, signal) => {
      this.exitCode = code ?? (signal ? 128 : -1);
      children.delete(child);
    });
    const until = Date.now() + timeoutMs;
    const probe = this.roles.includes("web") ? "/readyz" : null;
    while (Date.now() < until) {
      if (this.exitCode !== null) throw new Error(`Portico exited (${this.exitCode}): ${this.output.slice(-2000)}`);
      if (!probe) {
        if (/worker|Portico is running|started/i.test(this.output) || Date.now() > until - timeoutMs + 8000) return;
      } else {
        const ok = await fetch(`${this.base}${probe}`, { signal: AbortSignal.timeout(1000) }).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
      }
      await sleep(200);
    }
    throw new Error(`Portico did not become ready: ${this.output.slice(-2000)}`);
  }
  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }
  async waitExit(timeoutMs = 30_000): Promise<number> {
    const until = Date.now() + timeoutMs;
    while (this.exitCode === null && Date.now() < until) await sleep(50);
    if (this.exitCode === null) throw new Error("Portico did not exit");
    return this.exitCode;
  }
  async stop(): Promise<void> {
    if (!this.child || this.exitCode !== null) return;
    this.kill("SIGTERM");
    await this.waitExit(30_000).catch(() => this.kill("SIGKILL"));
  }
}

/** One JSON call with a bearer token and a hard timeout (a hang fails instead of stalling CI). */
export async function api(
  base: string,
  token: string,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: any = null;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed, headers: res.headers };
}
