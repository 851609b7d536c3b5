import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZErrorEnvelope } from "../../../contracts/common";
import { ZIncidentIdParam } from "../../../contracts/incidents";
import {
  ZAttachment,
  ZComment,
  ZCreateCommentRequest,
  ZCreateLinkRequest,
  ZCreateWorkNoteRequest,
  ZLink,
  ZTimelinePage,
  ZWatcher,
  ZWatcherRequest,
} from "../../../contracts/work-items";
import type { Deps } from "../../deps";
import { AppError } from "../../platform/http/errors";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as items from "./work-item.service";

const idempotencyKey = (req: FastifyRequest) => {
  const k = req.headers["idempotency-key"];
  return typeof k === "string" ? k : undefined;
};
const sendOnce = (reply: FastifyReply, r: { status: number; body: unknown; replayed: boolean }) => {
  if (r.replayed) reply.header("idempotent-replayed", "true");
  return reply.status(r.status as 201).send(r.body as never);
};

const watcherList = (rows: Array<{ id: string; name: string; email: string; created_at: Date }>) => ({
  items: rows.map((w) => ({ id: w.id, name: w.name, email: w.email, since: new Date(w.created_at).toISOString() })),
});

/** Comments, work notes, attachments, watchers, links and timeline under one practice's path. */
export function registerWorkItemChildRoutes(app: FastifyInstance, deps: Deps, opts: { prefix: string; type: string; tag: string }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { prefix, type, tag } = opts;
  const params = ZIncidentIdParam;

  r.get(
    `${prefix}/:id/comments`,
    {
      schema: {
        tags: [tag],
        summary: "Comments and (for agents) work notes, oldest first",
        params,
        response: { 200: z.object({ items: z.array(ZComment) }), ...errorResponses },
      },
    },
    async (req) => ({
      items: await items.listComments(deps, actorOf(req), req.params.id, type),
    }),
  );
  r.post(
    `${prefix}/:id/comments`,
    {
      schema: {
        tags: [tag],
        summary: "Add a public comment (or an internal work note with visibility=internal)",
        params,
        body: ZCreateCommentRequest,
        response: { 201: ZComment, ...errorResponses },
      },
    },
    async (req, reply) =>
      sendOnce(reply, await items.addCommentOnce(deps, actorOf(req), req.params.id, type, req.body.body, req.body.visibility, idempotencyKey(req))),
  );
  r.get(
    `${prefix}/:id/work-notes`,
    { schema: { tags: [tag], summary: "Internal work notes (agents)", params, response: { 200: z.object({ items: z.array(ZComment) }), ...errorResponses } } },
    async (req) => ({
      items: await items.listComments(deps, actorOf(req), req.params.id, type, "internal"),
    }),
  );
  r.post(
    `${prefix}/:id/work-notes`,
    {
      schema: {
        tags: [tag],
        summary: "Add an internal work note (agents)",
        params,
        body: ZCreateWorkNoteRequest,
        response: { 201: ZComment, ...errorResponses },
      },
    },
    async (req, reply) => sendOnce(reply, await items.addCommentOnce(deps, actorOf(req), req.params.id, type, req.body.body, "internal", idempotencyKey(req))),
  );

  r.get(
    `${prefix}/:id/attachments`,
    { schema: { tags: [tag], summary: "Attachments", params, response: { 200: z.object({ items: z.array(ZAttachment) }), ...errorResponses } } },
    async (req) => ({
      items: await items.listAttachments(deps, actorOf(req), req.params.id, type),
    }),
  );
  r.post(
    `${prefix}/:id/attachments`,
    {
      schema: {
        tags: [tag],
        summary: "Upload an attachment (multipart/form-data, field 'file')",
        params,
        consumes: ["multipart/form-data"],
        response: { 201: ZAttachment, 413: ZErrorEnvelope, 415: ZErrorEnvelope, ...errorResponses },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the file as multipart/form-data in a field named 'file'");
      const file = await req.file();
      if (!file) throw new AppError("VALIDATION_FAILED", "No file in the request", [{ field: "body.file", message: "required" }]);
      const content = await file.toBuffer();
      if (content.length === 0) throw new AppError("VALIDATION_FAILED", "The file is empty", [{ field: "body.file", message: "empty" }]);
      return reply
        .status(201)
        .send(await items.addAttachment(deps, actorOf(req), req.params.id, type, { filename: file.filename, contentType: file.mimetype, content }));
    },
  );

  r.get(
    `${prefix}/:id/watchers`,
    { schema: { tags: [tag], summary: "Watchers", params, response: { 200: z.object({ items: z.array(ZWatcher) }), ...errorResponses } } },
    async (req) => watcherList(await items.listWatchers(deps, actorOf(req), req.params.id, type)),
  );
  r.post(
    `${prefix}/:id/watchers`,
    {
      schema: {
        tags: [tag],
        summary: "Add a watcher",
        params,
        body: ZWatcherRequest,
        response: { 200: z.object({ items: z.array(ZWatcher) }), ...errorResponses },
      },
    },
    async (req) => watcherList(await items.addWatcher(deps, actorOf(req), req.params.id, type, req.body.userId)),
  );
  r.delete(
    `${prefix}/:id/watchers/:userId`,
    {
      schema: {
        tags: [tag],
        summary: "Remove a watcher",
        params: params.extend({ userId: z.uuid() }),
        response: { 200: z.object({ items: z.array(ZWatcher) }), ...errorResponses },
      },
    },
    async (req) => watcherList(await items.removeWatcher(deps, actorOf(req), req.params.id, type, req.params.userId)),
  );

  r.get(
    `${prefix}/:id/links`,
    { schema: { tags: [tag], summary: "Links to other work items", params, response: { 200: z.object({ items: z.array(ZLink) }), ...errorResponses } } },
    async (req) => ({
      items: await items.listLinks(deps, actorOf(req), req.params.id, type),
    }),
  );
  r.post(
    `${prefix}/:id/links`,
    {
      schema: {
        tags: [tag],
        summary: "Link to another work item (parent/child, duplicate, related)",
        params,
        body: ZCreateLinkRequest,
        response: { 201: z.object({ items: z.array(ZLink) }), ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send({ items: await items.addLink(deps, actorOf(req), req.params.id, type, req.body.kind, req.body.target) }),
  );
  r.delete(
    `${prefix}/:id/links/:linkId`,
    {
      schema: {
        tags: [tag],
        summary: "Remove a link",
        params: params.extend({ linkId: z.uuid() }),
        response: { 200: z.object({ items: z.array(ZLink) }), ...errorResponses },
      },
    },
    async (req) => ({
      items: await items.removeLink(deps, actorOf(req), req.params.id, type, req.params.linkId),
    }),
  );

  r.get(
    `${prefix}/:id/timeline`,
    {
      schema: {
        tags: [tag],
        summary: "The append-only timeline: every change with actor, time, before/after",
        params,
        querystring: z.object({
          cursor: z
            .string()
            .regex(/^\d{1,18}$/)
            .optional(),
          limit: z.coerce.number().int().min(1).max(500).default(200),
        }),
        response: { 200: ZTimelinePage, ...errorResponses },
      },
    },
    async (req) => items.getTimeline(deps, actorOf(req), req.params.id, type, req.query.cursor, req.query.limit),
  );
}

/** Attachment download with headers that keep browsers from running what people upload. */
export function registerAttachmentRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/v1/attachments/:id/content",
    { schema: { tags: ["attachments"], summary: "Download an attachment", params: z.object({ id: z.uuid() }) } },
    async (req, reply) => {
      const a = await items.downloadAttachment(deps, actorOf(req), req.params.id);
      const ascii = a.filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
      return reply
        .header("content-type", a.inline ? a.contentType : "application/octet-stream")
        .header("content-disposition", `${a.inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "private, no-store")
        .send(a.content);
    },
  );
}
