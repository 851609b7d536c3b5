import { randomUUID } from "node:crypto";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { inject } from "vitest";
import { buildApp } from "../app";
import type { Actor, Deps } from "../deps";
import { loadConfig } from "../platform/config";
import { APP_ROLE, createDb } from "../platform/db/db";
import type { App } from "../platform/http/app";
import { LiveHub } from "../platform/live/live";
import { createLogger } from "../platform/logger";
import { createMetrics } from "../platform/metrics";

let shared: { deps: Deps; app: App } | null = null;

/** Deps on the run's test database (one pool per test file). */
export function testDeps(): Deps {
  return getShared().deps;
}

function getShared() {
  if (shared) return shared;
  const url = inject("databaseUrl");
  const config = loadConfig({ ...process.env, DATABASE_URL: url, PORTICO_LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? "silent") as never });
  const log = createLogger(config.PORTICO_LOG_LEVEL);
  const { db } = createDb(url, 5, { role: APP_ROLE });
  shared = { deps: { db, config, log, metrics: createMetrics(), live: null }, app: null as unknown as App };
  return shared;
}

/** The HTTP app, in-process (fastify.inject), built once per test file. */
export async function testApp(opts: { live?: boolean } = {}): Promise<App> {
  const s = getShared();
  if (!s.app) {
    if (opts.live) {
      s.deps.live = new LiveHub(inject("databaseUrl"), s.deps.log);
      await s.deps.live.start();
    }
    s.app = await buildApp(s.deps, { webDist: null });
  }
  return s.app;
}

/** Closes the file's app and pool (afterAll). */
export async function closeTestApp(): Promise<void> {
  if (!shared) return;
  if (shared.app) await shared.app.close();
  if (shared.deps.live) await shared.deps.live.stop();
  await shared.deps.db.destroy();
  shared = null;
}

export interface Caller {
  actor: Actor;
  token: string;
  email: string;
}

/** A small HTTP client over inject: JSON in, parsed JSON out, with a bearer token or none. */
export function http(app: App, who?: Caller | { cookie: string; csrf?: string }) {
  const headers = (extra?: Record<string, string>) => {
    const h: Record<string, string> = { ...(extra ?? {}) };
    if (who && "token" in who) h.authorization = `Bearer ${who.token}`;
    if (who && "cookie" in who) {
      h.cookie = who.cookie;
      if (who.csrf) h["x-csrf-token"] = who.csrf;
    }
    return h;
  };
  const call = async (method: InjectOptions["method"], url: string, body?: unknown, extra?: Record<string, string>) => {
    const res: LightMyRequestResponse = await app.inject({
      method,
      url,
      headers: headers({ ...(body !== undefined ? { "content-type": "application/json" } : {}), ...extra }),
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    let json: any = null;
    try {
      json = res.json();
    } catch {}
    return { status: res.statusCode, body: json, headers: res.headers, raw: res };
  };
  return {
    get: (url: string, extra?: Record<string, string>) => call("GET", url, undefined, extra),
    post: (url: string, body?: unknown, extra?: Record<string, string>) => call("POST", url, body ?? {}, extra),
    patch: (url: string, body?: unknown, extra?: Record<string, string>) => call("PATCH", url, body ?? {}, extra),
    put: (url: string, body?: unknown, extra?: Record<string, string>) => call("PUT", url, body ?? {}, extra),
    delete: (url: string, extra?: Record<string, string>) => call("DELETE", url, undefined, extra),
  };
}

export const uniq = () => randomUUID().slice(0, 8);
