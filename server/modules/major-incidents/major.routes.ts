import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { ZIncidentIdParam } from "../../../contracts/incidents";
import {
  ZAttachChildrenRequest,
  ZDeclareMajorIncidentRequest,
  ZMajorIncident,
  ZMajorIncidentContext,
  ZResolveMajorIncidentRequest,
  ZReviewPatch,
  ZStatusUpdateRequest,
} from "../../../contracts/major-incidents";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as major from "./major.service";

/** Major incidents: declare, attach, status updates, resolve with children, post-incident review. */
export function registerMajorIncidentRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["major-incidents"];
  const params = ZIncidentIdParam;
  r.post(
    "/api/v1/major-incidents",
    {
      schema: {
        tags,
        summary: "Declare a major incident from an incident (or a new one) and attach others",
        body: ZDeclareMajorIncidentRequest,
        response: { 201: ZMajorIncident, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await major.declareMajorIncident(deps, actorOf(req), req.body)),
  );
  r.get(
    "/api/v1/incidents/:id/major-incident",
    { schema: { tags, summary: "The major incident this incident is, or belongs to", params, response: { 200: ZMajorIncidentContext, ...errorResponses } } },
    async (req) => major.majorContext(deps, actorOf(req), req.params.id),
  );
  r.post(
    "/api/v1/major-incidents/:id/children",
    { schema: { tags, summary: "Attach incidents as children", params, body: ZAttachChildrenRequest, response: { 200: ZMajorIncident, ...errorResponses } } },
    async (req) => major.attachChildren(deps, actorOf(req), req.params.id, req.body.children),
  );
  r.post(
    "/api/v1/major-incidents/:id/updates",
    {
      schema: {
        tags,
        summary: "Post a status update to the major incident and its open children (public)",
        params,
        body: ZStatusUpdateRequest,
        response: { 200: ZMajorIncident, ...errorResponses },
      },
    },
    async (req) => major.postStatusUpdate(deps, actorOf(req), req.params.id, req.body.body),
  );
  r.post(
    "/api/v1/major-incidents/:id/resolve",
    {
      schema: {
        tags,
        summary: "Resolve the major incident with all its open children; opens the review",
        params,
        body: ZResolveMajorIncidentRequest,
        response: { 200: ZMajorIncident, ...errorResponses },
      },
    },
    async (req) => major.resolveMajorIncident(deps, actorOf(req), req.params.id, req.body),
  );
  r.patch(
    "/api/v1/major-incidents/:id/review",
    { schema: { tags, summary: "Edit the post-incident review", params, body: ZReviewPatch, response: { 200: ZMajorIncident, ...errorResponses } } },
    async (req) => major.updateReview(deps, actorOf(req), req.params.id, req.body),
  );
}
