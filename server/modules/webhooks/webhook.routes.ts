import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ZAddAllowedHostRequest,
  ZAllowedHost,
  ZCreateWebhookRequest,
  ZDelivery,
  ZDeliveryDetail,
  ZDeliveryPage,
  ZListDeliveriesQuery,
  ZUpdateWebhookRequest,
  ZWebhook,
  ZWebhookEventTypes,
  ZWebhookWithSecret,
} from "../../../contracts/webhooks";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as svc from "./webhook.service";

const ZIdParam = z.object({ id: z.uuid() });

/** Outbound webhooks (admins): subscriptions, the delivery log with redelivery, allowed private hosts. */
export function registerWebhookRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["webhooks"];
  const base = "/api/v1/admin/webhooks";

  r.get(
    `${base}/events`,
    {
      schema: {
        tags,
        summary: "Events a webhook can subscribe to, and the body Portico POSTs (WebhookEvent)",
        description:
          "Every delivery is a POST of a WebhookEvent as application/json with headers X-Portico-Event, X-Portico-Delivery (new per redelivery), X-Portico-Timestamp (Unix seconds) and X-Portico-Signature: sha256=<hex HMAC-SHA256 of `<timestamp>.<body>` with the webhook's secret>. Answer 2xx within 10 s; anything else is retried with back-off (10 s, 30 s, 1.5 min … up to 8 attempts).",
        response: { 200: ZWebhookEventTypes, ...errorResponses },
      },
    },
    async () => svc.eventTypes(),
  );
  r.get(
    base,
    { schema: { tags, summary: "The organization's webhooks (admins)", response: { 200: z.object({ items: z.array(ZWebhook) }), ...errorResponses } } },
    async (req) => ({ items: await svc.listWebhooks(deps, actorOf(req)) }),
  );
  r.post(
    base,
    {
      schema: {
        tags,
        summary: "Add a webhook (admins); the answer shows its signing secret once",
        body: ZCreateWebhookRequest,
        response: { 201: ZWebhookWithSecret, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.createWebhook(deps, actorOf(req), req.body)),
  );
  r.get(`${base}/:id`, { schema: { tags, summary: "One webhook (admins)", params: ZIdParam, response: { 200: ZWebhook, ...errorResponses } } }, async (req) =>
    svc.getWebhook(deps, actorOf(req), req.params.id),
  );
  r.patch(
    `${base}/:id`,
    { schema: { tags, summary: "Change a webhook (admins)", params: ZIdParam, body: ZUpdateWebhookRequest, response: { 200: ZWebhook, ...errorResponses } } },
    async (req) => svc.updateWebhook(deps, actorOf(req), req.params.id, req.body),
  );
  r.delete(
    `${base}/:id`,
    {
      schema: { tags, summary: "Remove a webhook (admins); its deliveries stay in the log", params: ZIdParam, response: { 204: z.null(), ...errorResponses } },
    },
    async (req, reply) => {
      await svc.deleteWebhook(deps, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  r.post(
    `${base}/:id/rotate-secret`,
    { schema: { tags, summary: "New signing secret, shown once (admins)", params: ZIdParam, response: { 200: ZWebhookWithSecret, ...errorResponses } } },
    async (req) => svc.rotateWebhookSecret(deps, actorOf(req), req.params.id),
  );
  r.post(
    `${base}/:id/ping`,
    { schema: { tags, summary: "Queue a test delivery (event ping) (admins)", params: ZIdParam, response: { 202: ZDelivery, ...errorResponses } } },
    async (req, reply) => reply.status(202).send(await svc.pingWebhook(deps, actorOf(req), req.params.id)),
  );
  r.get(
    "/api/v1/admin/webhook-deliveries",
    {
      schema: { tags, summary: "Delivery log, newest first (admins)", querystring: ZListDeliveriesQuery, response: { 200: ZDeliveryPage, ...errorResponses } },
    },
    async (req) => svc.listDeliveries(deps, actorOf(req), req.query),
  );
  r.get(
    "/api/v1/admin/webhook-deliveries/:id",
    {
      schema: {
        tags,
        summary: "One delivery with its body and every attempt (admins)",
        params: ZIdParam,
        response: { 200: ZDeliveryDetail, ...errorResponses },
      },
    },
    async (req) => svc.getDelivery(deps, actorOf(req), req.params.id),
  );
  r.post(
    "/api/v1/admin/webhook-deliveries/:id/redeliver",
    {
      schema: {
        tags,
        summary: "Send the same event again as a new delivery (admins)",
        params: ZIdParam,
        response: { 202: ZDelivery, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(202).send(await svc.redeliverDelivery(deps, actorOf(req), req.params.id)),
  );
  r.get(
    "/api/v1/admin/webhook-allowed-hosts",
    {
      schema: {
        tags,
        summary: "Hosts webhooks may reach even on private addresses (admins)",
        response: { 200: z.object({ items: z.array(ZAllowedHost) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await svc.listAllowedHosts(deps, actorOf(req)) }),
  );
  r.post(
    "/api/v1/admin/webhook-allowed-hosts",
    {
      schema: {
        tags,
        summary: "Allow webhooks to reach a host on a private address (admins)",
        body: ZAddAllowedHostRequest,
        response: { 200: z.object({ items: z.array(ZAllowedHost) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await svc.addAllowedHost(deps, actorOf(req), req.body) }),
  );
  r.delete(
    "/api/v1/admin/webhook-allowed-hosts/:host",
    {
      schema: {
        tags,
        summary: "Stop allowing a host (admins)",
        params: z.object({ host: z.string().min(1).max(255) }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await svc.removeAllowedHost(deps, actorOf(req), req.params.host);
      return reply.status(204).send(null);
    },
  );
}
