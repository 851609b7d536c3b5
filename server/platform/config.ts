import path from "node:path";
import { z } from "zod";

const ZBool = z.enum(["1", "0", "true", "false", "yes", "no", ""]).transform((v) => v === "1" || v === "true" || v === "yes");

const ZEnv = z.object({
  NODE_ENV: z.string().default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** When set, Portico uses this PostgreSQL instead of the embedded one. */
  DATABASE_URL: z.string().optional(),
  /** Optional read replica for reporting reads; defaults to DATABASE_URL. */
  DATABASE_REPLICA_URL: z.string().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  /** The role application connections act as (row-level security, append-only audit); "off" = the connecting user's own rights. */
  PORTICO_DB_APP_ROLE: z.enum(["portico_app", "off"]).default("portico_app"),
  PORTICO_DATA_DIR: z.string().default(path.resolve(process.cwd(), "data")),
  PORTICO_DB_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  PORTICO_PUBLIC_URL: z.string().optional(),
  PORTICO_ADMIN_EMAIL: z.string().email().optional(),
  PORTICO_ADMIN_PASSWORD: z.string().min(8).optional(),
  PORTICO_AUTO_MIGRATE: ZBool.optional(),
  PORTICO_SECURE_COOKIES: ZBool.optional(),
  /** Key sealing stored secrets (32 bytes, base64 or hex); unset: `secret.key` in the data folder, created once. */
  PORTICO_SECRET_KEY: z.string().optional(),
  PORTICO_SESSION_HOURS: z.coerce.number().positive().default(12),
  PORTICO_ATTACHMENT_MAX_MB: z.coerce.number().positive().default(25),
  PORTICO_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PORTICO_TRUST_PROXY: ZBool.optional(),
  PORTICO_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  PORTICO_LOGIN_LOCK_MINUTES: z.coerce.number().positive().default(15),
  /** Outgoing mail server, e.g. smtp://user:pass@mail.example.com:587 (unset: notifications are logged, not sent). */
  PORTICO_SMTP_URL: z.string().optional(),
  /** Default sender when an organization has none, e.g. "Portico <help@example.com>". */
  PORTICO_MAIL_FROM: z.string().default("Portico <portico@localhost>"),
  /** Built-in SMTP intake (worker role): port to listen on; unset keeps it off. */
  PORTICO_SMTP_INTAKE_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PORTICO_SMTP_INTAKE_HOST: z.string().default("127.0.0.1"),
  /** Largest inbound message accepted; bigger ones are refused (SMTP) or quarantined (IMAP). */
  PORTICO_MAIL_MAX_MB: z.coerce.number().positive().default(25),
  /** Messages one sender may turn into tickets or comments per hour before the rest are quarantined. */
  PORTICO_MAIL_SENDER_LIMIT_PER_HOUR: z.coerce.number().int().positive().default(60),
  /** Hosts (comma-separated, exact) that webhooks may reach even on private/loopback addresses, for every organization. */
  PORTICO_WEBHOOK_ALLOWED_HOSTS: z.string().default(""),
});

export type Config = z.infer<typeof ZEnv>;

/** Reads configuration from the environment once; exits with a readable message when it is invalid. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ZEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
