import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZCreateMailboxRequest, ZInboundPage, ZListInboundQuery, ZMailbox, ZRetryResult, ZUpdateMailboxRequest } from "../../../contracts/mail";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as svc from "./email-in.service";

const ZIdParam = z.object({ id: z.uuid() });

/** Mailboxes (SMTP intake / IMAP) and the received-mail log with its quarantine (admins). */
export function registerEmailInRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["mail"];

  r.get(
    "/api/v1/admin/mailboxes",
    { schema: { tags, summary: "The organization's mailboxes (admins)", response: { 200: z.object({ items: z.array(ZMailbox) }), ...errorResponses } } },
    async (req) => ({ items: await svc.listMailboxes(deps, actorOf(req)) }),
  );
  r.post(
    "/api/v1/admin/mailboxes",
    { schema: { tags, summary: "Add a mailbox (admins)", body: ZCreateMailboxRequest, response: { 201: ZMailbox, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await svc.createMailbox(deps, actorOf(req), req.body)),
  );
  r.patch(
    "/api/v1/admin/mailboxes/:id",
    { schema: { tags, summary: "Change a mailbox (admins)", params: ZIdParam, body: ZUpdateMailboxRequest, response: { 200: ZMailbox, ...errorResponses } } },
    async (req) => svc.updateMailbox(deps, actorOf(req), req.params.id, req.body),
  );
  r.delete(
    "/api/v1/admin/mailboxes/:id",
    { schema: { tags, summary: "Remove a mailbox (admins)", params: ZIdParam, response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      await svc.deleteMailbox(deps, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  r.post(
    "/api/v1/admin/mailboxes/:id/poll",
    {
      schema: { tags, summary: "Poll an IMAP mailbox now (admins)", params: ZIdParam, response: { 202: z.object({ queued: z.boolean() }), ...errorResponses } },
    },
    async (req, reply) => {
      await svc.pollNow(deps, actorOf(req), req.params.id);
      return reply.status(202).send({ queued: true });
    },
  );
  r.get(
    "/api/v1/admin/inbound-messages",
    {
      schema: {
        tags,
        summary: "Received mail and what became of it; the quarantine (admins)",
        querystring: ZListInboundQuery,
        response: { 200: ZInboundPage, ...errorResponses },
      },
    },
    async (req) => svc.listInbound(deps, actorOf(req), req.query),
  );
  r.get(
    "/api/v1/admin/inbound-messages/:id/raw",
    { schema: { tags, summary: "The raw message as received, message/rfc822 (admins)", params: ZIdParam } },
    async (req, reply) => {
      const raw = await svc.rawMessage(deps, actorOf(req), req.params.id);
      return reply
        .header("content-type", "message/rfc822")
        .header("content-disposition", `attachment; filename="message-${req.params.id}.eml"`)
        .header("x-content-type-options", "nosniff")
        .send(raw);
    },
  );
  r.post(
    "/api/v1/admin/inbound-messages/:id/retry",
    { schema: { tags, summary: "Process a quarantined message again (admins)", params: ZIdParam, response: { 200: ZRetryResult, ...errorResponses } } },
    async (req) => {
      const res = await svc.retryInbound(deps, actorOf(req), req.params.id);
      return { status: res.status, reason: res.reason ?? null, workItemNumber: res.number ?? null };
    },
  );
}
