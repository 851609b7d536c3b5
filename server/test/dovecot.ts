import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ImapFlow } from "imapflow";

const DOVECOT = ["/usr/sbin/dovecot", "/usr/bin/dovecot"].find((p) => existsSync(p));

/** Is Debian's dovecot installed (the IMAP tests need it)? */
export const hasDovecot = !!DOVECOT;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitForPort(port: number, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, "127.0.0.1", () => {
        c.end();
        resolve(true);
      });
      c.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not listen on ${port}`);
}

/**
 * A real IMAP server for one test file: Debian's dovecot with a throwaway configuration in a temp
 * folder (maildir, plain-text logins on loopback), one user per mailbox the test asks for.
 */
export async function startDovecot(users: Array<{ user: string; password: string }>) {
  if (!DOVECOT) throw new Error("dovecot is not installed (apt-get install dovecot-imapd)");
  const dir = mkdtempSync(path.join(tmpdir(), "portico-dovecot-"));
  chmodSync(dir, 0o755);
  for (const d of ["run", "state", "mail"]) mkdirSync(path.join(dir, d));
  chmodSync(path.join(dir, "mail"), 0o777);
  const port = await freePort();
  writeFileSync(path.join(dir, "passwd"), `${users.map((u) => `${u.user}:{PLAIN}${u.password}`).join("\n")}\n`);
  writeFileSync(
    path.join(dir, "dovecot.conf"),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`,
  );
  const proc: ChildProcess = spawn(DOVECOT, ["-F", "-c", path.join(dir, "dovecot.conf")], { stdio: "ignore" });
  await waitForPort(port, 10_000);

  const client = async (user: string) => {
    const u = users.find((x) => x.user === user);
    const c = new ImapFlow({ host: "127.0.0.1", port, secure: false, auth: { user, pass: u?.password ?? "" }, logger: false });
    await c.connect();
    return c;
  };
  return {
    port,
    /** Delivers a message into a user's INBOX (as an MTA would). */
    async deliver(user: string, raw: string | Buffer) {
      const c = await client(user);
      try {
        await c.append("INBOX", raw);
      } finally {
        await c.logout();
      }
    },
    /** Flags of every message in a user's INBOX, by UID. */
    async flags(user: string): Promise<Map<number, string[]>> {
      const c = await client(user);
      const out = new Map<number, string[]>();
      try {
        await c.mailboxOpen("INBOX");
        for await (const m of c.fetch("1:*", { uid: true, flags: true })) out.set(m.uid, [...(m.flags ?? [])]);
      } catch {
        // An empty folder has no sequence 1.
      } finally {
        await c.logout();
      }
      return out;
    },
    async stop() {
      await new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
