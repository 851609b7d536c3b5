import type { FastifyInstance } from "fastify";
import { isStaff, principalOf } from "../http/auth";
import type { Metrics } from "../metrics";
import type { LiveHub } from "./live";

/** Server-sent events: each browser hears changes of its organization that it may see. */
export function registerLiveRoutes(app: FastifyInstance, hub: LiveHub, metrics: Metrics): void {
  const open = new Set<import("node:http").ServerResponse>();
  // Streams never finish on their own: end them first so a graceful shutdown is quick.
  app.addHook("preClose", async () => {
    for (const res of open) res.end();
  });
  app.get("/api/v1/events", { schema: { tags: ["live"], summary: "Live updates (text/event-stream)" } }, async (req, reply) => {
    const p = principalOf(req);
    const staff = isStaff(p);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      "x-request-id": req.id,
    });
    res.write(`retry: 3000\nevent: ready\ndata: {}\n\n`);
    metrics.liveClients.inc();
    open.add(res);
    const unsubscribe = hub.subscribe((e) => {
      // The stream belongs to the organization the session acted in when it opened: a switch of this
      // session, or a change of this person's membership there, ends it and the browser reconnects
      // (and is resolved afresh). These control events never reach a browser themselves.
      if (e.type === "session.switched" || e.type === "membership.changed" || e.type === "organization.sharing_changed") {
        const mine =
          e.type === "session.switched"
            ? e.id === p.sessionId
            : e.type === "membership.changed"
              ? e.id === p.userId && e.organizationId === p.organizationId
              : !staff && e.organizationId === p.organizationId;
        if (mine) {
          res.write(`event: ${e.type}\ndata: {}\n\n`);
          res.end();
          close();
        }
        return;
      }
      if (e.organizationId !== p.organizationId) return;
      if (!staff && p.requesterScope !== "organization" && !(e.audience ?? []).includes(p.userId)) return;
      const { audience: _a, ...payload } = e;
      res.write(`event: ${e.type}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(": ping\n\n"), 25_000);
    function close() {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(res);
    }
    req.raw.on("close", close);
    res.on("error", close);
  });
}
