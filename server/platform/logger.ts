import pino, { type Logger } from "pino";

/** Creates the process logger: structured JSON lines, secrets redacted. */
export function createLogger(level: string, name = "portico"): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", 'req.headers["x-csrf-token"]', "password", "*.password"],
      censor: "[redacted]",
    },
  });
}

export type { Logger };
