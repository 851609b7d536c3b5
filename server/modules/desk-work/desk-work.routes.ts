import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZBulkRequest, ZBulkResult, ZLinkTree, ZMergeRequest, ZMergeResult, ZSplitRequest, ZSplitResult } from "../../../contracts/desk-work";
import { ZIncidentIdParam } from "../../../contracts/incidents";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import { bulkUpdateIncidents } from "./bulk.service";
import { mergeIncidents, splitComment } from "./merge.service";
import { getLinkTree } from "./tree.service";

/** Any work item's reference: a UUID or a number of any practice (INC…, PRB…, CHG…, CTASK…). */
export const ZWorkItemIdParam = z.object({
  id: z
    .string()
    .regex(/^([0-9a-fA-F-]{36}|[A-Za-z]{2,6}\d{1,12})$/, "must be a UUID or a number like INC0000042")
    .describe("UUID or number, e.g. INC0000042 or PRB0000007"),
});

/** Bulk work, merge and split, and the link tree. */
export function registerDeskWorkRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    "/api/v1/incidents/bulk",
    {
      schema: {
        tags: ["incidents"],
        summary: "Change many incidents at once: one transaction and one result per ticket",
        body: ZBulkRequest,
        response: { 200: ZBulkResult, ...errorResponses },
      },
    },
    async (req) => bulkUpdateIncidents(deps, actorOf(req), req.body),
  );
  r.post(
    "/api/v1/incidents/:id/merge",
    {
      schema: {
        tags: ["incidents"],
        summary: "Merge duplicates into this incident (the survivor)",
        params: ZIncidentIdParam,
        body: ZMergeRequest,
        response: { 200: ZMergeResult, ...errorResponses },
      },
    },
    async (req) => mergeIncidents(deps, actorOf(req), req.params.id, req.body),
  );
  r.post(
    "/api/v1/incidents/:id/split",
    {
      schema: {
        tags: ["incidents"],
        summary: "Split a comment into a new incident, related to this one",
        params: ZIncidentIdParam,
        body: ZSplitRequest,
        response: { 201: ZSplitResult, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await splitComment(deps, actorOf(req), req.params.id, req.body)),
  );
  r.get(
    "/api/v1/work-items/:id/link-tree",
    {
      schema: {
        tags: ["work-items"],
        summary: "The linked work items around one record (parents, children, duplicates, problems, changes…)",
        params: ZWorkItemIdParam,
        response: { 200: ZLinkTree, ...errorResponses },
      },
    },
    async (req) => getLinkTree(deps, actorOf(req), req.params.id),
  );
}
