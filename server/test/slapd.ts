import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "ldapts";

export const SLAPD = "/usr/sbin/slapd";
export const hasSlapd = existsSync(SLAPD);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/**
 * A throwaway OpenLDAP server (Debian's slapd) on a free loopback port: its own config and MDB
 * database in a temp folder, suffix dc=example,dc=test, root cn=admin with password "secret".
 */
export async function startSlapd() {
  const dir = await mkdtemp(path.join(tmpdir(), "portico-slapd-"));
  await mkdir(path.join(dir, "db"));
  const port = await freePort();
  const suffix = "dc=example,dc=test";
  const rootDn = `cn=admin,${suffix}`;
  const rootPassword = "secret";
  const conf = [
    ...["core", "cosine", "inetorgperson", "nis"].map((s) => `include /etc/ldap/schema/${s}.schema`),
    `pidfile ${dir}/slapd.pid`,
    "modulepath /usr/lib/ldap",
    "moduleload back_mdb",
    "database mdb",
    `suffix "${suffix}"`,
    `rootdn "${rootDn}"`,
    `rootpw ${rootPassword}`,
    `directory ${dir}/db`,
    "maxsize 16777216",
    // People may bind as themselves; nobody but the root reads passwords.
    "access to attrs=userPassword by self write by anonymous auth by * none",
    "access to * by * read",
  ].join("\n");
  await writeFile(path.join(dir, "slapd.conf"), `${conf}\n`);
  const url = `ldap://127.0.0.1:${port}`;
  // -d keeps slapd in the foreground (so it dies with the test) with almost no logging.
  const proc: ChildProcess = spawn(SLAPD, ["-f", path.join(dir, "slapd.conf"), "-h", `${url}/`, "-d", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr?.on("data", (b) => {
    stderr += String(b);
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`slapd exited: ${stderr}`);
    const c = new Client({ url, connectTimeout: 500 });
    try {
      await c.bind(rootDn, rootPassword);
      await c.unbind();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`slapd did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** Runs fn with a client bound as the root (to seed and change entries). */
  async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = new Client({ url });
    await c.bind(rootDn, rootPassword);
    try {
      return await fn(c);
    } finally {
      await c.unbind();
    }
  }
  await admin(async (c) => {
    await c.add(suffix, { objectClass: ["top", "dcObject", "organization"], dc: "example", o: "Example" });
  });
  return {
    url,
    suffix,
    rootDn,
    rootPassword,
    admin,
    async stop() {
      proc.kill("SIGTERM");
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once("exit", r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
