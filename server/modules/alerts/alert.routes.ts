import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ZAlertIntegration,
  ZAlertIntegrationWithSecret,
  ZAlertRecord,
  ZAlertRequest,
  ZAlertResponse,
  ZCreateAlertIntegrationRequest,
  ZUpdateAlertIntegrationRequest,
} from "../../../contracts/alerts";
import { ZErrorEnvelope } from "../../../contracts/common";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as svc from "./alert.service";

const ZIdParam = z.object({ id: z.uuid() });

/** Inbound alert integrations: the monitors' endpoint and its administration. */
export function registerAlertRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["alerts"];
  const base = "/api/v1/admin/alert-integrations";

  r.post(
    "/api/v1/integrations/alerts/:id",
    {
      config: {
        auth: false,
        ownBearer: true,
        // Per integration: a monitor in a loop cannot flood Portico (a storm is still one incident).
        rateLimit: { max: 600, timeWindow: "1 minute", keyGenerator: (req) => `alerts:${(req.params as { id?: string }).id ?? req.ip}` },
      },
      bodyLimit: 1024 * 1024,
      schema: {
        tags,
        summary: "Receive an alert from a monitoring system (bearer: the integration's secret)",
        description:
          "Send one alert in Portico's shape (key, status, title, description, severity, service, source, url) or a Prometheus Alertmanager webhook body. The same key while its incident is open is counted on that incident instead of opening another; status resolved clears it.",
        security: [{ bearer: [] }],
        params: ZIdParam,
        body: ZAlertRequest,
        response: { 200: ZAlertResponse, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 409: ZErrorEnvelope, 429: ZErrorEnvelope },
      },
    },
    async (req) => {
      const integration = await svc.authenticateIntake(deps, req.params.id, req.headers.authorization);
      const alerts = "alerts" in req.body ? svc.fromAlertmanager(req.body) : [req.body];
      const results = [];
      for (const a of alerts) results.push(await svc.ingestAlert(deps, integration, a));
      return { results };
    },
  );

  r.get(
    base,
    {
      schema: { tags, summary: "Alert integrations (admins)", response: { 200: z.object({ items: z.array(ZAlertIntegration) }), ...errorResponses } },
    },
    async (req) => ({ items: await svc.listIntegrations(deps, actorOf(req)) }),
  );
  r.post(
    base,
    {
      schema: {
        tags,
        summary: "Add an alert integration (admins); the answer shows its secret once",
        body: ZCreateAlertIntegrationRequest,
        response: { 201: ZAlertIntegrationWithSecret, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.createIntegration(deps, actorOf(req), req.body)),
  );
  r.patch(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: "Change an alert integration (admins)",
        params: ZIdParam,
        body: ZUpdateAlertIntegrationRequest,
        response: { 200: ZAlertIntegration, ...errorResponses },
      },
    },
    async (req) => svc.updateIntegration(deps, actorOf(req), req.params.id, req.body),
  );
  r.delete(
    `${base}/:id`,
    { schema: { tags, summary: "Remove an alert integration (admins)", params: ZIdParam, response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      await svc.deleteIntegration(deps, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  r.post(
    `${base}/:id/rotate-secret`,
    {
      schema: { tags, summary: "New secret, shown once (admins)", params: ZIdParam, response: { 200: ZAlertIntegrationWithSecret, ...errorResponses } },
    },
    async (req) => svc.rotateIntegrationSecret(deps, actorOf(req), req.params.id),
  );
  r.get(
    `${base}/:id/alerts`,
    {
      schema: {
        tags,
        summary: "Recent alerts of an integration with their counts (admins)",
        params: ZIdParam,
        response: { 200: z.object({ items: z.array(ZAlertRecord) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await svc.listAlerts(deps, actorOf(req), req.params.id) }),
  );
}
