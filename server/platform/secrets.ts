import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type Kysely, sql } from "kysely";

/**
 * Secrets Portico must be able to read back (OIDC client secrets, LDAP bind and IMAP passwords, TOTP
 * seeds, webhook signing secrets) are stored sealed with AES-256-GCM, never in clear. The key comes from
 * PORTICO_SECRET_KEY (32 bytes, base64 or hex) or, when unset, from `secret.key` in the data folder,
 * created on first use (mode 0600). A stolen database dump alone then reveals none of them.
 */
const PREFIX = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

let key: Buffer | null = null;

/** Parses a configured key: 32 bytes as base64(url) or 64 hex characters. */
export function parseSecretKey(text: string): Buffer {
  const t = text.trim();
  const k = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, "hex") : Buffer.from(t, "base64");
  if (k.length !== 32) throw new Error("PORTICO_SECRET_KEY must be 32 bytes, written as base64 or 64 hex characters");
  return k;
}

/** Reads the key file in the data folder, creating it atomically when missing (several processes may race). */
function keyFromDataDir(dir: string): Buffer {
  const file = path.join(dir, "secret.key");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    fs.writeFileSync(tmp, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
    try {
      fs.linkSync(tmp, file); // atomic: the first process wins, the others read its key
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  return parseSecretKey(fs.readFileSync(file, "utf8"));
}

/** Sets the key explicitly (from validated configuration); later calls replace it. */
export function configureSecrets(opts: { key?: string; dataDir: string }): void {
  key = opts.key ? parseSecretKey(opts.key) : keyFromDataDir(opts.dataDir);
}

function currentKey(): Buffer {
  if (!key) {
    const env = process.env.PORTICO_SECRET_KEY;
    key = env ? parseSecretKey(env) : keyFromDataDir(process.env.PORTICO_DATA_DIR ?? path.resolve(process.cwd(), "data"));
  }
  return key;
}

/** True when a stored value is already sealed. */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** Seals a secret for storage. */
export function sealSecret(plain: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", currentKey(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

/** Seals a nullable secret (null stays null). */
export function sealNullable(plain: string | null | undefined): string | null | undefined {
  return plain == null ? plain : sealSecret(plain);
}

/**
 * Opens a stored secret. Values written before sealing existed are returned as they are (and sealed by
 * `sealLegacySecrets` on the next start); a value sealed with another key is an error naming the cause.
 */
export function openSecret(stored: string): string {
  if (!isSealed(stored)) return stored;
  const raw = Buffer.from(stored.slice(PREFIX.length), "base64");
  const iv = raw.subarray(0, IV_BYTES);
  const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", currentKey(), iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("a stored secret cannot be opened with this PORTICO_SECRET_KEY (was the key changed?)");
  }
}

/** Every column holding a readable secret: table, key column, secret column. */
// biome-ignore format: one entry per line, so practices built side by side merge cleanly
export const SEALED_COLUMNS: { table: string; key: string; column: string }[] = [
  { table: "user_mfa", key: "user_id", column: "secret" },
  { table: "oidc_providers", key: "id", column: "client_secret" },
  { table: "ldap_directories", key: "id", column: "bind_password" },
  { table: "mailboxes", key: "id", column: "imap_password" },
  { table: "webhook_subscriptions", key: "id", column: "secret" },
  { table: "webhook_deliveries", key: "id", column: "signing_secret" },
];

/** Seals values stored before sealing existed (run after migrations; idempotent). Returns how many. */
export async function sealLegacySecrets(db: Kysely<any>): Promise<number> {
  let n = 0;
  for (const c of SEALED_COLUMNS) {
    const rows = await sql<{ k: string; v: string }>`
      select ${sql.ref(c.key)}::text as k, ${sql.ref(c.column)} as v from ${sql.table(c.table)}
      where ${sql.ref(c.column)} is not null and ${sql.ref(c.column)} not like 'enc:v1:%'`.execute(db);
    for (const r of rows.rows) {
      await sql`update ${sql.table(c.table)} set ${sql.ref(c.column)} = ${sealSecret(r.v)}
        where ${sql.ref(c.key)}::text = ${r.k} and ${sql.ref(c.column)} = ${r.v}`.execute(db);
      n++;
    }
  }
  return n;
}
