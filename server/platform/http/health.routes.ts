import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { Db } from "../db/db";
import type { Metrics } from "../metrics";

/** Liveness, readiness (database reachable) and Prometheus metrics. */
export function registerHealthRoutes(app: FastifyInstance, db: Db, metrics: Metrics, isShuttingDown: () => boolean): void {
  app.get("/healthz", { config: { auth: false }, schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { config: { auth: false }, schema: { hide: true } }, async (_req, reply) => {
    if (isShuttingDown()) return reply.status(503).header("retry-after", "5").send({ status: "shutting_down" });
    try {
      await Promise.race([sql`select 1`.execute(db), new Promise((_, rej) => setTimeout(() => rej(new Error("timeout")), 2000))]);
      return { status: "ready" };
    } catch {
      return reply.status(503).header("retry-after", "5").send({ status: "database_unavailable" });
    }
  });
  app.get("/metrics", { config: { auth: false }, schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
