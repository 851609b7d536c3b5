import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZErrorEnvelope } from "../../../contracts/common";
import { ZIncidentIdParam } from "../../../contracts/incidents";
import {
  ZApplyKnownErrorRequest,
  ZApplyKnownErrorResponse,
  ZBulkResponse,
  ZCandidateQuery,
  ZCandidatesResponse,
  ZCreateProblemRequest,
  ZKnownErrorSummary,
  ZLinkedIncident,
  ZLinkIncidentsRequest,
  ZListKnownErrorsQuery,
  ZListProblemsQuery,
  ZProblem,
  ZProblemPage,
  ZProblemState,
  ZProblemTransitionRequest,
  ZRecordKnownErrorRequest,
  ZResolveIncidentsRequest,
  ZUpdateKnownErrorRequest,
  ZUpdateProblemRequest,
} from "../../../contracts/problems";
import type { Deps } from "../../deps";
import { actorOf, errorResponses, ifMatchVersion } from "../../platform/http/route-helpers";
import { registerWorkItemChildRoutes } from "../work-items/work-item.routes";
import * as ke from "./known-error.service";
import * as links from "./problem-incidents.service";
import * as problems from "./problem.service";

const params = ZIncidentIdParam;
const ZKnownErrorParam = z.object({ id: z.string().regex(/^([0-9a-fA-F-]{36}|KE\d{1,12})$/i, "must be a UUID or a number like KE0000042") });

/** If-Match: "3" / W/"3" / 3 → 3. */

/** Problem management over HTTP: problems, their incidents, candidate clusters and known errors. */
export function registerProblemRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["problems"];

  r.post(
    "/api/v1/problems",
    {
      schema: {
        tags,
        summary: "Raise a problem (optionally linking incidents at once)",
        body: ZCreateProblemRequest,
        response: { 201: ZProblem, ...errorResponses },
      },
    },
    async (req, reply) => {
      const k = req.headers["idempotency-key"];
      const res = await problems.createProblem(deps, actorOf(req), req.body, { idempotencyKey: typeof k === "string" ? k : undefined });
      if (res.replayed) reply.header("idempotent-replayed", "true");
      const body = res.body as { id: string };
      return reply
        .status(res.status as 201)
        .header("location", `/api/v1/problems/${body.id}`)
        .send(res.body as never);
    },
  );
  r.get(
    "/api/v1/problems",
    { schema: { tags, summary: "Problems: filter, sort, cursor pages", querystring: ZListProblemsQuery, response: { 200: ZProblemPage, ...errorResponses } } },
    async (req) => problems.listProblems(deps, actorOf(req), req.query),
  );
  r.get(
    "/api/v1/problems/candidates",
    {
      schema: {
        tags,
        summary: "Candidate problems: clusters of similar recent incidents on the same service",
        querystring: ZCandidateQuery,
        response: { 200: ZCandidatesResponse, ...errorResponses },
      },
    },
    async (req) => ({ clusters: await links.candidateClusters(deps, actorOf(req), req.query) }),
  );
  r.get(
    "/api/v1/problems/:id",
    { schema: { tags, summary: "One problem by UUID or number", params, response: { 200: ZProblem, ...errorResponses } } },
    async (req, reply) => {
      const p = await problems.getProblem(deps, actorOf(req), req.params.id);
      return reply.header("etag", `"${p.version}"`).send(p);
    },
  );
  r.patch(
    "/api/v1/problems/:id",
    {
      schema: {
        tags,
        summary: "Edit fields: root cause, workaround, fix, routing; stale version → 409",
        params,
        body: ZUpdateProblemRequest,
        response: { 200: ZProblem, ...errorResponses },
      },
    },
    async (req, reply) => {
      const p = await problems.updateProblem(deps, actorOf(req), req.params.id, req.body, ifMatchVersion(req));
      return reply.header("etag", `"${p.version}"`).send(p);
    },
  );
  r.post(
    "/api/v1/problems/:id/transitions",
    {
      schema: {
        tags,
        summary: "Run a workflow action: assess, investigate, start_fix, resolve, close, cancel, reopen",
        params,
        body: ZProblemTransitionRequest,
        response: { 200: ZProblem, ...errorResponses },
      },
    },
    async (req, reply) => {
      const p = await problems.transitionProblem(deps, actorOf(req), req.params.id, req.body, ifMatchVersion(req));
      return reply.header("etag", `"${p.version}"`).send(p);
    },
  );
  r.get(
    "/api/v1/problems/:id/incidents",
    {
      schema: { tags, summary: "Incidents linked to the problem", params, response: { 200: z.object({ items: z.array(ZLinkedIncident) }), ...errorResponses } },
    },
    async (req) => ({ items: await links.listLinkedIncidents(deps, actorOf(req), req.params.id) }),
  );
  r.post(
    "/api/v1/problems/:id/incidents",
    {
      schema: {
        tags,
        summary: "Link incidents to the problem in bulk (per-item results)",
        params,
        body: ZLinkIncidentsRequest,
        response: { 200: ZBulkResponse, ...errorResponses },
      },
    },
    async (req) => ({ results: await links.linkIncidents(deps, actorOf(req), req.params.id, req.body.incidents) }),
  );
  r.delete(
    "/api/v1/problems/:id/incidents/:incidentId",
    {
      schema: {
        tags,
        summary: "Unlink an incident from the problem",
        params: params.extend({ incidentId: ZIncidentIdParam.shape.id }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await links.unlinkIncident(deps, actorOf(req), req.params.id, req.params.incidentId);
      return reply.status(204).send(null);
    },
  );
  r.post(
    "/api/v1/problems/:id/resolve-incidents",
    {
      schema: {
        tags,
        summary: "Resolve chosen open incidents of a resolved problem together (per-item results)",
        params,
        body: ZResolveIncidentsRequest,
        response: { 200: ZBulkResponse, ...errorResponses },
      },
    },
    async (req) => ({ results: await links.resolveLinkedIncidents(deps, actorOf(req), req.params.id, req.body) }),
  );
  r.post(
    "/api/v1/problems/:id/known-error",
    {
      schema: {
        tags,
        summary: "Record the problem's known error (KE number) with its workaround",
        params,
        body: ZRecordKnownErrorRequest,
        response: { 201: ZKnownErrorSummary, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await ke.recordKnownError(deps, actorOf(req), req.params.id, req.body)),
  );
  r.get(
    "/api/v1/incidents/:id/problems",
    {
      schema: {
        tags,
        summary: "Problems the incident is linked to",
        params,
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.uuid(), number: z.string(), title: z.string(), state: ZProblemState, knownErrorId: z.uuid().nullable() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => ({
      items: (await links.problemsOfIncident(deps, actorOf(req), req.params.id)).map((p) => ({
        id: p.id,
        number: p.number,
        title: p.title,
        state: p.state,
        knownErrorId: p.known_error_id,
      })),
    }),
  );

  const keTags = ["known errors"];
  r.get(
    "/api/v1/known-errors",
    {
      schema: {
        tags: keTags,
        summary: "Known errors (requesters: published ones, for self-help)",
        querystring: ZListKnownErrorsQuery,
        response: { 200: z.object({ items: z.array(ZKnownErrorSummary) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await ke.listKnownErrors(deps, actorOf(req), req.query) }),
  );
  r.get(
    "/api/v1/known-errors/:id",
    {
      schema: {
        tags: keTags,
        summary: "One known error by UUID or KE number",
        params: ZKnownErrorParam,
        response: { 200: ZKnownErrorSummary, ...errorResponses },
      },
    },
    async (req) => ke.getKnownError(deps, actorOf(req), req.params.id),
  );
  r.patch(
    "/api/v1/known-errors/:id",
    {
      schema: {
        tags: keTags,
        summary: "Edit, publish, retire or restore a known error",
        params: ZKnownErrorParam,
        body: ZUpdateKnownErrorRequest,
        response: { 200: ZKnownErrorSummary, ...errorResponses },
      },
    },
    async (req) => ke.updateKnownError(deps, actorOf(req), req.params.id, req.body),
  );
  r.post(
    "/api/v1/known-errors/:id/apply",
    {
      schema: {
        tags: keTags,
        summary: "Apply the workaround to an incident in one step (comment or resolution) and link it to the problem",
        params: ZKnownErrorParam,
        body: ZApplyKnownErrorRequest,
        response: { 200: ZApplyKnownErrorResponse, 422: ZErrorEnvelope, ...errorResponses },
      },
    },
    async (req) => ke.applyKnownError(deps, actorOf(req), req.params.id, req.body),
  );

  registerWorkItemChildRoutes(app, deps, { prefix: "/api/v1/problems", type: "problem", tag: "problems" });
}
