import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ZDeliveryPage,
  ZLanguage,
  ZListDeliveriesQuery,
  ZMailSettings,
  ZNotificationPreferences,
  ZNotificationRule,
  ZNotificationTemplate,
  ZPreviewTemplateRequest,
  ZPutPreferencesRequest,
  ZPutTemplateRequest,
  ZRenderedMessage,
  ZTemplateParams,
  ZUpdateNotificationRulesRequest,
} from "../../../contracts/notifications";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as svc from "./notification.service";

const ZRules = z.object({ items: z.array(ZNotificationRule) }).meta({ id: "NotificationRules" });
const ZTemplates = z.object({ languages: z.array(z.string()), items: z.array(ZNotificationTemplate) }).meta({ id: "NotificationTemplates" });
const ZMailSettingsView = ZMailSettings.extend({
  /** The From header actually used (organization or server default). */
  effectiveFrom: z.string(),
  /** Where replies go: the desk's mailbox, the configured reply address, or the sender. */
  effectiveReplyTo: z.string(),
}).meta({ id: "MailSettingsView" });

/** Notification rules, templates (with preview), sender, delivery log (admins) and personal preferences. */
export function registerNotificationRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["notifications"];

  r.get(
    "/api/v1/admin/notifications/rules",
    { schema: { tags, summary: "Who is mailed for which event (admins)", response: { 200: ZRules, ...errorResponses } } },
    async (req) => ({ items: await svc.listRules(deps, actorOf(req)) }),
  );
  r.patch(
    "/api/v1/admin/notifications/rules",
    {
      schema: {
        tags,
        summary: "Turn audiences on or off per event (admins)",
        body: ZUpdateNotificationRulesRequest,
        response: { 200: ZRules, ...errorResponses },
      },
    },
    async (req) => ({ items: await svc.updateRules(deps, actorOf(req), req.body.rules) }),
  );
  r.get(
    "/api/v1/admin/notifications/templates",
    {
      schema: {
        tags,
        summary: "Every event's template in a language (admins)",
        querystring: z.object({ language: ZLanguage.default("en") }),
        response: { 200: ZTemplates, ...errorResponses },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return { languages: await svc.templateLanguages(deps, actor), items: await svc.listTemplates(deps, actor, req.query.language) };
    },
  );
  r.put(
    "/api/v1/admin/notifications/templates/:event/:language",
    {
      schema: {
        tags,
        summary: "Save the organization's template for an event and language (admins)",
        params: ZTemplateParams,
        body: ZPutTemplateRequest,
        response: { 200: ZNotificationTemplate, ...errorResponses },
      },
    },
    async (req) => svc.putTemplate(deps, actorOf(req), req.params.event, req.params.language, req.body),
  );
  r.delete(
    "/api/v1/admin/notifications/templates/:event/:language",
    { schema: { tags, summary: "Go back to the built-in template (admins)", params: ZTemplateParams, response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      await svc.resetTemplate(deps, actorOf(req), req.params.event, req.params.language);
      return reply.status(204).send(null);
    },
  );
  r.post(
    "/api/v1/admin/notifications/templates/preview",
    {
      schema: {
        tags,
        summary: "Render a draft template without sending (admins)",
        body: ZPreviewTemplateRequest,
        response: { 200: ZRenderedMessage, ...errorResponses },
      },
    },
    async (req) => svc.previewTemplate(deps, actorOf(req), req.body),
  );
  r.get(
    "/api/v1/admin/mail-settings",
    { schema: { tags, summary: "The organization's sender (admins)", response: { 200: ZMailSettingsView, ...errorResponses } } },
    async (req) => svc.getMailSettings(deps, actorOf(req)),
  );
  r.put(
    "/api/v1/admin/mail-settings",
    { schema: { tags, summary: "Change the organization's sender (admins)", body: ZMailSettings, response: { 200: ZMailSettingsView, ...errorResponses } } },
    async (req) => svc.putMailSettings(deps, actorOf(req), req.body),
  );
  r.get(
    "/api/v1/admin/mail-deliveries",
    {
      schema: {
        tags,
        summary: "The outgoing mail log, newest first (admins)",
        querystring: ZListDeliveriesQuery,
        response: { 200: ZDeliveryPage, ...errorResponses },
      },
    },
    async (req) => svc.listDeliveries(deps, actorOf(req), req.query),
  );
  r.get(
    "/api/v1/me/notification-preferences",
    { schema: { tags, summary: "Which events mail me", response: { 200: ZNotificationPreferences, ...errorResponses } } },
    async (req) => svc.getPreferences(deps, actorOf(req)),
  );
  r.put(
    "/api/v1/me/notification-preferences",
    { schema: { tags, summary: "Choose which events mail me", body: ZPutPreferencesRequest, response: { 200: ZNotificationPreferences, ...errorResponses } } },
    async (req) => svc.putPreferences(deps, actorOf(req), req.body.items),
  );
}
