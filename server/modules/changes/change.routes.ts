import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ZChange,
  ZChangePage,
  ZChangeTask,
  ZChangeTaskTransition,
  ZChangeTransitionRequest,
  ZCreateChangeRequest,
  ZCreateChangeTaskRequest,
  ZListChangesQuery,
  ZRiskRequest,
  ZUpdateChangeRequest,
} from "../../../contracts/changes";
import { ZIncidentIdParam } from "../../../contracts/incidents";
import type { Deps } from "../../deps";
import { actorOf, errorResponses, ifMatchVersion } from "../../platform/http/route-helpers";
import { registerWorkItemChildRoutes } from "../work-items/work-item.routes";
import * as tasks from "./change-task.service";
import * as changes from "./change.service";

const params = ZIncidentIdParam;
const ZTaskParam = z.object({
  id: z
    .string()
    .regex(/^([0-9a-fA-F-]{36}|CTASK\d{1,12})$/i, "must be a UUID or a number like CTASK0000042")
    .describe("UUID or number, e.g. CTASK0000042"),
});

/** If-Match: "3" / W/"3" / 3 → 3. */

/** Change requests over HTTP: create, read, edit, workflow, risk, freeze override and change tasks. */
export function registerChangeRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["changes"];

  r.post(
    "/api/v1/changes",
    {
      schema: {
        tags,
        summary: "Raise a change (standard from a template, normal, emergency)",
        body: ZCreateChangeRequest,
        response: { 201: ZChange, ...errorResponses },
      },
    },
    async (req, reply) => {
      const k = req.headers["idempotency-key"];
      const res = await changes.createChange(deps, actorOf(req), req.body, { idempotencyKey: typeof k === "string" ? k : undefined });
      if (res.replayed) reply.header("idempotent-replayed", "true");
      const body = res.body as { id: string };
      return reply
        .status(res.status as 201)
        .header("location", `/api/v1/changes/${body.id}`)
        .send(res.body as never);
    },
  );
  r.get(
    "/api/v1/changes",
    {
      schema: {
        tags,
        summary: "Changes, newest first: filter, cursor pages",
        querystring: ZListChangesQuery,
        response: { 200: ZChangePage, ...errorResponses },
      },
    },
    async (req) => changes.listChanges(deps, actorOf(req), req.query),
  );
  r.get(
    "/api/v1/changes/:id",
    { schema: { tags, summary: "One change by UUID or number, with conflicts, approvals and tasks", params, response: { 200: ZChange, ...errorResponses } } },
    async (req, reply) => {
      const c = await changes.getChange(deps, actorOf(req), req.params.id);
      return reply.header("etag", `"${c.version}"`).send(c);
    },
  );
  r.patch(
    "/api/v1/changes/:id",
    {
      schema: {
        tags,
        summary: "Edit a change; moving a committed normal change into a freeze window needs a change manager's override",
        params,
        body: ZUpdateChangeRequest,
        response: { 200: ZChange, ...errorResponses },
      },
    },
    async (req, reply) => {
      const c = await changes.updateChange(deps, actorOf(req), req.params.id, req.body, ifMatchVersion(req));
      return reply.header("etag", `"${c.version}"`).send(c);
    },
  );
  r.post(
    "/api/v1/changes/:id/transitions",
    {
      schema: {
        tags,
        summary: "Run a workflow action: submit, request_approval, schedule, implement, review, close, cancel",
        params,
        body: ZChangeTransitionRequest,
        response: { 200: ZChange, ...errorResponses },
      },
    },
    async (req, reply) => {
      const c = await changes.transitionChange(deps, actorOf(req), req.params.id, req.body, ifMatchVersion(req));
      return reply.header("etag", `"${c.version}"`).send(c);
    },
  );
  r.post(
    "/api/v1/changes/:id/risk",
    {
      schema: {
        tags,
        summary: "Answer the risk questionnaire (the score also weighs history and blast radius)",
        params,
        body: ZRiskRequest,
        response: { 200: ZChange, ...errorResponses },
      },
    },
    async (req) => changes.assessChangeRisk(deps, actorOf(req), req.params.id, req.body.answers),
  );
  r.post(
    "/api/v1/changes/:id/freeze-override",
    {
      schema: {
        tags,
        summary: "Change managers: allow the change's current window despite freeze windows",
        params,
        body: z.object({ reason: z.string().trim().min(1).max(5_000).describe("Why the change may run in the freeze") }),
        response: { 200: ZChange, ...errorResponses },
      },
    },
    async (req) => changes.overrideFreeze(deps, actorOf(req), req.params.id, req.body.reason),
  );
  r.get(
    "/api/v1/changes/:id/tasks",
    { schema: { tags, summary: "The change's tasks", params, response: { 200: z.object({ items: z.array(ZChangeTask) }), ...errorResponses } } },
    async (req) => ({ items: (await changes.getChange(deps, actorOf(req), req.params.id)).tasks }),
  );
  r.post(
    "/api/v1/changes/:id/tasks",
    { schema: { tags, summary: "Add a change task (CTASK)", params, body: ZCreateChangeTaskRequest, response: { 201: ZChangeTask, ...errorResponses } } },
    async (req, reply) => reply.status(201).send((await tasks.createChangeTask(deps, actorOf(req), req.params.id, req.body)) as never),
  );
  r.post(
    "/api/v1/change-tasks/:id/transitions",
    {
      schema: {
        tags,
        summary: "Start, complete or cancel a change task",
        params: ZTaskParam,
        body: ZChangeTaskTransition,
        response: { 200: ZChangeTask.extend({ parentId: z.uuid().nullable() }), ...errorResponses },
      },
    },
    async (req) => tasks.moveChangeTask(deps, actorOf(req), req.params.id, req.body.action),
  );
  registerWorkItemChildRoutes(app, deps, { prefix: "/api/v1/changes", type: "change", tag: "changes" });
}
