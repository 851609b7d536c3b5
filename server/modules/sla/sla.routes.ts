import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZOk } from "../../../contracts/common";
import { ZIncidentIdParam } from "../../../contracts/incidents";
import {
  ZAtRiskList,
  ZAtRiskQuery,
  ZCalendar,
  ZCalendarInput,
  ZComplianceQuery,
  ZComplianceReport,
  ZItemClocks,
  ZPolicy,
  ZPolicyInput,
} from "../../../contracts/sla";
import type { Deps } from "../../deps";
import { principalOf, requireRole } from "../../platform/http/auth";
import { actorOf, errorResponses, ifMatchVersion } from "../../platform/http/route-helpers";
import * as read from "./sla.read";
import * as sla from "./sla.service";

const ZId = z.object({ id: z.uuid() });
const ZIfMatch = z.object({ "if-match": z.string().optional().describe('The version you read, e.g. "3"') });

/** Service levels over HTTP: calendars and policies (admins write), clocks, at-risk list, compliance. */
export function registerSlaRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["sla"];
  const agent = (req: FastifyRequest) => {
    requireRole(principalOf(req), "agent");
    return actorOf(req);
  };
  const admin = (req: FastifyRequest) => {
    requireRole(principalOf(req), "admin");
    return actorOf(req);
  };

  r.get(
    "/api/v1/sla/calendars",
    { schema: { tags, summary: "Business calendars", response: { 200: z.object({ items: z.array(ZCalendar) }), ...errorResponses } } },
    async (req) => ({ items: await sla.listCalendars(deps, agent(req)) }),
  );
  r.post(
    "/api/v1/sla/calendars",
    { schema: { tags, summary: "Create a business calendar (admins)", body: ZCalendarInput, response: { 201: ZCalendar, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await sla.createCalendar(deps, admin(req), req.body)),
  );
  r.get(
    "/api/v1/sla/calendars/:id",
    { schema: { tags, summary: "One business calendar", params: ZId, response: { 200: ZCalendar, ...errorResponses } } },
    async (req) => sla.getCalendar(deps, agent(req), req.params.id),
  );
  r.put(
    "/api/v1/sla/calendars/:id",
    {
      schema: {
        tags,
        summary: "Replace a business calendar (admins); running clocks on it are recomputed",
        params: ZId,
        headers: ZIfMatch,
        body: ZCalendarInput,
        response: { 200: ZCalendar, ...errorResponses },
      },
    },
    async (req) => sla.updateCalendar(deps, admin(req), req.params.id, req.body, ifMatchVersion(req)),
  );
  r.delete(
    "/api/v1/sla/calendars/:id",
    { schema: { tags, summary: "Delete an unused business calendar (admins)", params: ZId, response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      await sla.deleteCalendar(deps, admin(req), req.params.id);
      return { ok: true as const };
    },
  );

  r.get(
    "/api/v1/sla/policies",
    { schema: { tags, summary: "SLA policies in evaluation order", response: { 200: z.object({ items: z.array(ZPolicy) }), ...errorResponses } } },
    async (req) => ({ items: await sla.listPolicies(deps, agent(req)) }),
  );
  r.post(
    "/api/v1/sla/policies",
    { schema: { tags, summary: "Create an SLA policy (admins)", body: ZPolicyInput, response: { 201: ZPolicy, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await sla.createPolicy(deps, admin(req), req.body)),
  );
  r.get("/api/v1/sla/policies/:id", { schema: { tags, summary: "One SLA policy", params: ZId, response: { 200: ZPolicy, ...errorResponses } } }, async (req) =>
    sla.getPolicy(deps, agent(req), req.params.id),
  );
  r.put(
    "/api/v1/sla/policies/:id",
    {
      schema: {
        tags,
        summary: "Replace an SLA policy and its targets (admins); clocks under it are recalculated",
        params: ZId,
        headers: ZIfMatch,
        body: ZPolicyInput,
        response: { 200: ZPolicy, ...errorResponses },
      },
    },
    async (req) => sla.updatePolicy(deps, admin(req), req.params.id, req.body, ifMatchVersion(req)),
  );
  r.delete(
    "/api/v1/sla/policies/:id",
    { schema: { tags, summary: "Delete an SLA policy (admins)", params: ZId, response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      await sla.deletePolicy(deps, admin(req), req.params.id);
      return { ok: true as const };
    },
  );

  r.get(
    "/api/v1/work-items/:id/sla",
    {
      schema: {
        tags,
        summary: "A work item's SLA and OLA clocks with their history (agents)",
        params: ZIncidentIdParam,
        response: { 200: ZItemClocks, ...errorResponses },
      },
    },
    async (req) => read.getItemClocks(deps, actorOf(req), req.params.id),
  );
  r.get(
    "/api/v1/sla/at-risk",
    {
      schema: {
        tags,
        summary: "Running clocks at or past a share of their target",
        querystring: ZAtRiskQuery,
        response: { 200: ZAtRiskList, ...errorResponses },
      },
    },
    async (req) => read.listAtRisk(deps, agent(req), req.query),
  );
  r.get(
    "/api/v1/sla/compliance",
    {
      schema: {
        tags,
        summary: "Compliance (met vs breached) per policy, group, service or metric over a period",
        querystring: ZComplianceQuery,
        response: { 200: ZComplianceReport, ...errorResponses },
      },
    },
    async (req) => read.complianceReport(deps, agent(req), req.query),
  );
}
