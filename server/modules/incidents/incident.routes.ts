import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZErrorEnvelope } from "../../../contracts/common";
import {
  ZCreateIncidentRequest,
  ZIncident,
  ZIncidentIdParam,
  ZIncidentPage,
  ZListIncidentsQuery,
  ZTransitionRequest,
  ZUpdateIncidentRequest,
} from "../../../contracts/incidents";
import type { Deps } from "../../deps";
import { principalOf } from "../../platform/http/auth";
import { actorOf, errorResponses, ifMatchVersion } from "../../platform/http/route-helpers";
import { registerWorkItemChildRoutes } from "../work-items/work-item.routes";
import * as incidents from "./incident.service";

const ZIdempotencyHeaders = z.object({
  "idempotency-key": z.string().optional().describe("Retry-safe creates: the same key returns the first response"),
});
const ZIfMatchHeaders = z.object({
  "if-match": z.string().optional().describe('The version you read, e.g. "3" (or send version in the body)'),
});

/** If-Match: "3" / W/"3" / 3 → 3. */

/** Incident management over HTTP: thin — validate, hand to the service, shape the answer. */
export function registerIncidentRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["incidents"];

  r.post(
    "/api/v1/incidents",
    {
      schema: {
        tags,
        summary: "Report an incident",
        headers: ZIdempotencyHeaders,
        body: ZCreateIncidentRequest,
        response: { 201: ZIncident, 422: ZErrorEnvelope, ...errorResponses },
      },
    },
    async (req, reply) => {
      const result = await incidents.createIncident(deps, actorOf(req), req.body, {
        idempotencyKey: req.headers["idempotency-key"],
        via: principalOf(req).via,
      });
      if (result.replayed) reply.header("idempotent-replayed", "true");
      return reply
        .status(result.status as 201)
        .header("location", `/api/v1/incidents/${(result.body as { id: string }).id}`)
        .send(result.body);
    },
  );

  r.get(
    "/api/v1/incidents",
    {
      schema: {
        tags,
        summary: "The incident queue: filter, sort, cursor pages",
        querystring: ZListIncidentsQuery,
        response: { 200: ZIncidentPage, ...errorResponses },
      },
    },
    async (req) => incidents.listIncidents(deps, actorOf(req), req.query),
  );

  r.get(
    "/api/v1/incidents/:id",
    { schema: { tags, summary: "One incident by UUID or number", params: ZIncidentIdParam, response: { 200: ZIncident, ...errorResponses } } },
    async (req, reply) => {
      const inc = await incidents.getIncident(deps, actorOf(req), req.params.id);
      return reply.header("etag", `"${inc.version}"`).send(inc);
    },
  );

  r.patch(
    "/api/v1/incidents/:id",
    {
      schema: {
        tags,
        summary: "Change fields (and optionally the state); a stale version gets 409",
        params: ZIncidentIdParam,
        headers: ZIfMatchHeaders,
        body: ZUpdateIncidentRequest,
        response: { 200: ZIncident, ...errorResponses },
      },
    },
    async (req, reply) => {
      const inc = await incidents.updateIncident(deps, actorOf(req), req.params.id, req.body, ifMatchVersion(req));
      return reply.header("etag", `"${inc.version}"`).send(inc);
    },
  );

  r.post(
    "/api/v1/incidents/:id/transitions",
    {
      schema: {
        tags,
        summary: "Run a workflow action: start, hold, resume, resolve, close, cancel, reopen",
        params: ZIncidentIdParam,
        headers: ZIfMatchHeaders,
        body: ZTransitionRequest,
        response: { 200: ZIncident, ...errorResponses },
      },
    },
    async (req, reply) => {
      const inc = await incidents.transitionIncident(deps, actorOf(req), req.params.id, req.body, ifMatchVersion(req));
      return reply.header("etag", `"${inc.version}"`).send(inc);
    },
  );

  registerWorkItemChildRoutes(app, deps, { prefix: "/api/v1/incidents", type: "incident", tag: "incidents" });
}
