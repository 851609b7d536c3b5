import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";

export interface PorticoServer {
  baseUrl: string;
  pid: number;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();

/** Kills every server this process started (used by the exit handlers). */
export function killAllServers(): void {
  for (const c of live) {
    try {
      c.kill("SIGKILL");
    } catch {}
  }
}

/**
 * Starts Portico as its own process (`node bin/portico.mjs serve --roles=web`), so the load generator
 * and the server do not share an event loop, and waits for /readyz.
 */
export async function startPortico(databaseUrl: string, opts: { cpuProfDir?: string; env?: Record<string, string> } = {}): Promise<PorticoServer> {
  const port = await freePort();
  const nodeArgs = opts.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, path.resolve("bin/portico.mjs"), "serve", "--roles=web"], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      PORTICO_LOG_LEVEL: "warn",
      PORTICO_SKIP_WEB_BUILD: "1",
      NODE_ENV: "production",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let output = "";
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  exited.then(() => live.delete(child));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let ready = false;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`Portico exited with ${child.exitCode} before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Portico was not ready within 60 s:\n${output}`);
    }
    try {
      const r = await fetch(`${baseUrl}/readyz`);
      ready = r.status === 200;
    } catch {}
    if (!ready) await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}
