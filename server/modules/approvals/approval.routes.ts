import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZDecideApprovalRequest, ZDecisionResult, ZListMyApprovalsQuery, ZMyApproval } from "../../../contracts/approvals";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as approvals from "./approval.service";

const ZApprovalIdParam = z.object({ id: z.uuid().describe("The approval's id") });

/** Approvals of any work item: what waits for me, and deciding it. */
export function registerApprovalRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["approvals"];

  r.get(
    "/api/v1/approvals",
    {
      schema: {
        tags,
        summary: "Approvals waiting for me (or the ones I decided)",
        querystring: ZListMyApprovalsQuery,
        response: { 200: z.object({ items: z.array(ZMyApproval) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await approvals.listPendingForApprover(deps, actorOf(req), req.query.state, req.query.limit) }),
  );

  r.get(
    "/api/v1/approvals/:id",
    { schema: { tags, summary: "One approval with its item's summary", params: ZApprovalIdParam, response: { 200: ZMyApproval, ...errorResponses } } },
    async (req) => approvals.getApproval(deps, actorOf(req), req.params.id),
  );

  r.post(
    "/api/v1/approvals/:id/decision",
    {
      schema: {
        tags,
        summary: "Approve or reject (a rejection needs a comment); decided or foreign approvals get 409/403",
        params: ZApprovalIdParam,
        body: ZDecideApprovalRequest,
        response: { 200: ZDecisionResult, ...errorResponses },
      },
    },
    async (req) => approvals.decideApproval(deps, actorOf(req), req.params.id, req.body),
  );
}
