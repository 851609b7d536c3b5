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
  PORTICO_DATA_DIR: z.string().default(path.resolve(process.cwd(), "data")),
  PORTICO_DB_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  PORTICO_PUBLIC_URL: z.string().optional(),
  PORTICO_ADMIN_EMAIL: z.string().email().optional(),
  PORTICO_ADMIN_PASSWORD: z.string().min(8).optional(),
  PORTICO_AUTO_MIGRATE: ZBool.optional(),
  PORTICO_SECURE_COOKIES: ZBool.optional(),
  PORTICO_SESSION_HOURS: z.coerce.number().positive().default(12),
  PORTICO_ATTACHMENT_MAX_MB: z.coerce.number().positive().default(25),
  PORTICO_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PORTICO_TRUST_PROXY: ZBool.optional(),
  PORTICO_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  PORTICO_LOGIN_LOCK_MINUTES: z.coerce.number().positive().default(15),
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
