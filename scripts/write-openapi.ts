// Writes docs/openapi.json from the live route schemas (the contracts). A test fails when it drifts.
import fs from "node:fs";
import path from "node:path";
import { buildApp } from "../server/app";
import { loadConfig } from "../server/platform/config";
import { createDb } from "../server/platform/db/db";
import { createLogger } from "../server/platform/logger";
import { createMetrics } from "../server/platform/metrics";

/** The OpenAPI document as the server would serve it (no database connection needed). */
export async function generateOpenApi(): Promise<string> {
  const config = loadConfig({ ...process.env, DATABASE_URL: "postgres://unused@127.0.0.1:1/unused" });
  const { db } = createDb(config.DATABASE_URL as string, 1);
  const app = await buildApp({ db, config, log: createLogger("silent"), metrics: createMetrics(), live: null }, { webDist: null });
  try {
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
    await db.destroy();
  }
}

export const OPENAPI_PATH = path.resolve(import.meta.dirname, "../docs/openapi.json");

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  fs.writeFileSync(OPENAPI_PATH, await generateOpenApi());
  console.log(`wrote ${path.relative(process.cwd(), OPENAPI_PATH)}`);
}
