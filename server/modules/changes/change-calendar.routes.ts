import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ZCalendarFeed,
  ZCalendarQuery,
  ZCalendarResponse,
  ZChangeSettings,
  ZChangeTemplate,
  ZChangeTemplateInput,
  ZConflict,
  ZConflictsQuery,
  ZCreateFeedRequest,
  ZFreezeWindow,
  ZFreezeWindowInput,
} from "../../../contracts/changes";
import { ZErrorEnvelope } from "../../../contracts/common";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as admin from "./change-admin.service";
import * as cal from "./change-calendar.service";

const ZId = z.object({ id: z.uuid() });

/** Where people reach Portico: the configured public URL, else the request's own origin. */
function baseUrl(deps: Deps, req: FastifyRequest): string {
  return deps.config.PORTICO_PUBLIC_URL ?? `${req.protocol}://${req.host}`;
}

/** The change calendar, freeze windows, collision checks, iCalendar feeds, CAB settings and templates. */
export function registerChangeCalendarRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["change calendar"];

  r.get(
    "/api/v1/change-calendar",
    {
      schema: {
        tags,
        summary: "Changes and freeze windows in a range (month/week views)",
        querystring: ZCalendarQuery,
        response: { 200: ZCalendarResponse, ...errorResponses },
      },
    },
    async (req) => cal.changeCalendar(deps, actorOf(req), req.query),
  );
  r.get(
    "/api/v1/change-conflicts",
    {
      schema: {
        tags,
        summary: "Collisions for a planned window: changes on shared services, freeze windows",
        querystring: ZConflictsQuery,
        response: { 200: z.object({ items: z.array(ZConflict) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await cal.checkConflicts(deps, actorOf(req), req.query) }),
  );
  r.get(
    "/api/v1/freeze-windows",
    {
      schema: {
        tags,
        summary: "Freeze (blackout) windows",
        querystring: z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }),
        response: { 200: z.object({ items: z.array(ZFreezeWindow) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await cal.listFreezeWindows(deps, actorOf(req), req.query) }),
  );
  r.post(
    "/api/v1/freeze-windows",
    { schema: { tags, summary: "Add a freeze window (change managers)", body: ZFreezeWindowInput, response: { 201: ZFreezeWindow, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await cal.createFreezeWindow(deps, actorOf(req), req.body)),
  );
  r.delete(
    "/api/v1/freeze-windows/:id",
    { schema: { tags, summary: "Remove a freeze window (change managers)", params: ZId, response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      await cal.deleteFreezeWindow(deps, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  r.get(
    "/api/v1/calendar/feeds",
    { schema: { tags, summary: "Your iCalendar subscription feeds", response: { 200: z.object({ items: z.array(ZCalendarFeed) }), ...errorResponses } } },
    async (req) => ({ items: await cal.listFeeds(deps, actorOf(req)) }),
  );
  r.post(
    "/api/v1/calendar/feeds",
    {
      schema: {
        tags,
        summary: "Create an iCalendar feed; the answer holds its secret URL, once",
        body: ZCreateFeedRequest,
        response: { 201: ZCalendarFeed, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await cal.createFeed(deps, actorOf(req), req.body, baseUrl(deps, req))),
  );
  r.delete(
    "/api/v1/calendar/feeds/:id",
    { schema: { tags, summary: "Revoke a feed: its URL stops working", params: ZId, response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      await cal.revokeFeed(deps, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  r.get(
    "/api/v1/calendar/feeds/:token.ics",
    {
      config: { auth: false, rateLimit: { max: 120, timeWindow: "1 minute" } },
      schema: {
        tags,
        summary: "The feed as iCalendar (RFC 5545) for calendar clients; the secret token in the URL is the key",
        params: z.object({ token: z.string().max(100) }),
        response: { 200: z.string(), 404: ZErrorEnvelope },
      },
    },
    async (req, reply) => {
      const body = await cal.renderFeed(deps, req.params.token, baseUrl(deps, req));
      return reply.header("content-type", "text/calendar; charset=utf-8").header("cache-control", "private, max-age=300").send(body);
    },
  );
  r.get(
    "/api/v1/change-settings",
    { schema: { tags, summary: "Who the CAB and the change managers are", response: { 200: ZChangeSettings, ...errorResponses } } },
    async (req) => admin.getChangeSettings(deps, actorOf(req)),
  );
  r.put(
    "/api/v1/change-settings",
    {
      schema: {
        tags,
        summary: "Set the CAB (group, all or quorum) and the change manager group (admins)",
        body: ZChangeSettings,
        response: { 200: ZChangeSettings, ...errorResponses },
      },
    },
    async (req) => admin.setChangeSettings(deps, actorOf(req), req.body),
  );
  r.get(
    "/api/v1/change-templates",
    {
      schema: {
        tags,
        summary: "Pre-approved standard change templates with their success rate",
        response: { 200: z.object({ items: z.array(ZChangeTemplate) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await admin.listChangeTemplates(deps, actorOf(req)) }),
  );
  r.post(
    "/api/v1/change-templates",
    {
      schema: {
        tags,
        summary: "Add a standard change template (change managers)",
        body: ZChangeTemplateInput,
        response: { 201: ZChangeTemplate, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await admin.createChangeTemplate(deps, actorOf(req), req.body)),
  );
}
