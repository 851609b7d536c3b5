import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ZCancelRequestRequest,
  ZCreateServiceRequest,
  ZListRequestsQuery,
  ZListTasksQuery,
  ZRequestPage,
  ZRequestTask,
  ZServiceRequest,
  ZTaskPage,
  ZTaskTransitionRequest,
  ZUpdateTaskRequest,
} from "../../../contracts/catalog";
import { ZIncidentIdParam } from "../../../contracts/incidents";
import type { Deps } from "../../deps";
import { principalOf } from "../../platform/http/auth";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import { registerWorkItemChildRoutes } from "../work-items/work-item.routes";
import * as tasks from "./request-task.service";
import * as requests from "./request.service";

const ZIdempotencyHeaders = z.object({
  "idempotency-key": z.string().optional().describe("Retry-safe creates: the same key returns the first response"),
});
const params = ZIncidentIdParam;

/** Service requests (REQ) and their fulfilment tasks (TASK) over HTTP. */
export function registerRequestRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["requests"];

  r.post(
    "/api/v1/requests",
    {
      // Attachment answers travel inline (base64): allow the attachment size plus encoding overhead.
      bodyLimit: Math.ceil(deps.config.PORTICO_ATTACHMENT_MAX_MB * 1024 * 1024 * 1.4) + 256 * 1024,
      schema: {
        tags,
        summary: "Order a catalog item; the answers are checked against its form",
        headers: ZIdempotencyHeaders,
        body: ZCreateServiceRequest,
        response: { 201: ZServiceRequest, ...errorResponses },
      },
    },
    async (req, reply) => {
      const result = await requests.createServiceRequest(deps, actorOf(req), req.body, {
        idempotencyKey: req.headers["idempotency-key"],
        via: principalOf(req).via,
      });
      if (result.replayed) reply.header("idempotent-replayed", "true");
      return reply
        .status(result.status as 201)
        .header("location", `/api/v1/requests/${result.body.id}`)
        .send(result.body);
    },
  );
  r.get(
    "/api/v1/requests",
    {
      schema: {
        tags,
        summary: "Requests, newest first (requesters: their own)",
        querystring: ZListRequestsQuery,
        response: { 200: ZRequestPage, ...errorResponses },
      },
    },
    async (req) => requests.listServiceRequests(deps, actorOf(req), req.query),
  );
  r.get(
    "/api/v1/requests/:id",
    { schema: { tags, summary: "One request: answers, approvals and tasks", params, response: { 200: ZServiceRequest, ...errorResponses } } },
    async (req) => requests.getServiceRequest(deps, actorOf(req), req.params.id),
  );
  r.post(
    "/api/v1/requests/:id/cancel",
    {
      schema: {
        tags,
        summary: "Withdraw a request (its requester or an agent)",
        params,
        body: ZCancelRequestRequest,
        response: { 200: ZServiceRequest, ...errorResponses },
      },
    },
    async (req) => requests.cancelServiceRequest(deps, actorOf(req), req.params.id, req.body.reason),
  );
  registerWorkItemChildRoutes(app, deps, { prefix: "/api/v1/requests", type: "request", tag: "requests" });

  const ttags = ["request tasks"];
  r.get(
    "/api/v1/request-tasks",
    {
      schema: { tags: ttags, summary: "Fulfilment tasks, oldest first (staff)", querystring: ZListTasksQuery, response: { 200: ZTaskPage, ...errorResponses } },
    },
    async (req) => tasks.listTasks(deps, actorOf(req), req.query),
  );
  r.get(
    "/api/v1/request-tasks/:id",
    { schema: { tags: ttags, summary: "One task (staff)", params, response: { 200: ZRequestTask, ...errorResponses } } },
    async (req) => tasks.getTask(deps, actorOf(req), req.params.id),
  );
  r.patch(
    "/api/v1/request-tasks/:id",
    {
      schema: { tags: ttags, summary: "Reassign a task (staff)", params, body: ZUpdateTaskRequest, response: { 200: ZRequestTask, ...errorResponses } },
    },
    async (req) => tasks.updateTask(deps, actorOf(req), req.params.id, req.body),
  );
  r.post(
    "/api/v1/request-tasks/:id/transitions",
    {
      schema: {
        tags: ttags,
        summary: "start, complete or cancel a task; the last closed task closes the request",
        params,
        body: ZTaskTransitionRequest,
        response: { 200: ZRequestTask, ...errorResponses },
      },
    },
    async (req) => tasks.transitionTask(deps, actorOf(req), req.params.id, req.body),
  );
  registerWorkItemChildRoutes(app, deps, { prefix: "/api/v1/request-tasks", type: "request_task", tag: "request tasks" });
}
