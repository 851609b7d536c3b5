import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ZAgentAvailability,
  ZDryRunRequest,
  ZDryRunResult,
  ZGroupAssignment,
  ZReorderRulesRequest,
  ZRule,
  ZRuleInput,
  ZRuleRun,
  ZSchedule,
  ZScheduleInput,
  ZSchedulePreviewRequest,
  ZUpdateAgentAvailability,
  ZUpdateGroupAssignment,
  ZUpdateRuleRequest,
} from "../../../contracts/automation";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as assignment from "./assignment.service";
import * as rules from "./rule.service";
import * as schedules from "./schedule.service";

/** Automation: rules (event or schedule → conditions → actions), assignment strategies, recurring tickets. */
export function registerAutomationRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["automation"];
  const idParam = z.object({ id: z.uuid() });

  r.get(
    "/api/v1/automation/rules",
    { schema: { tags, summary: "Rules in their order", response: { 200: z.object({ items: z.array(ZRule) }), ...errorResponses } } },
    async (req) => ({ items: await rules.listRules(deps, actorOf(req)) }),
  );
  r.post(
    "/api/v1/automation/rules",
    { schema: { tags, summary: "Create a rule (validated completely; added last)", body: ZRuleInput, response: { 201: ZRule, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await rules.createRule(deps, actorOf(req), req.body)),
  );
  r.get("/api/v1/automation/rules/:id", { schema: { tags, summary: "One rule", params: idParam, response: { 200: ZRule, ...errorResponses } } }, async (req) =>
    rules.getRule(deps, actorOf(req), req.params.id),
  );
  r.put(
    "/api/v1/automation/rules/:id",
    { schema: { tags, summary: "Replace a rule's definition", params: idParam, body: ZUpdateRuleRequest, response: { 200: ZRule, ...errorResponses } } },
    async (req) => rules.updateRule(deps, actorOf(req), req.params.id, req.body),
  );
  r.delete(
    "/api/v1/automation/rules/:id",
    { schema: { tags, summary: "Delete a rule", params: idParam, response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      await rules.deleteRule(deps, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  r.post(
    "/api/v1/automation/rules/order",
    {
      schema: {
        tags,
        summary: "Put the rules in a new order",
        body: ZReorderRulesRequest,
        response: { 200: z.object({ items: z.array(ZRule) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await rules.reorderRules(deps, actorOf(req), req.body.ids) }),
  );
  r.post(
    "/api/v1/automation/rules/dry-run",
    {
      schema: {
        tags,
        summary: "Try a rule on an existing ticket: what would change (nothing is saved)",
        body: ZDryRunRequest,
        response: { 200: ZDryRunResult, ...errorResponses },
      },
    },
    async (req) => rules.dryRun(deps, actorOf(req), req.body),
  );
  r.get(
    "/api/v1/automation/runs",
    {
      schema: {
        tags,
        summary: "Latest rule runs (applied, errors, loops stopped)",
        querystring: z.object({ ruleId: z.uuid().optional() }),
        response: { 200: z.object({ items: z.array(ZRuleRun) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await rules.listRuns(deps, actorOf(req), req.query.ruleId) }),
  );

  r.get(
    "/api/v1/automation/assignment/groups",
    {
      schema: {
        tags,
        summary: "Groups with their assignment strategy and members' load",
        response: { 200: z.object({ items: z.array(ZGroupAssignment) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await assignment.listGroupAssignments(deps, actorOf(req)) }),
  );
  r.put(
    "/api/v1/automation/assignment/groups/:id",
    {
      schema: {
        tags,
        summary: "Set a group's assignment strategy",
        params: idParam,
        body: ZUpdateGroupAssignment,
        response: { 200: ZGroupAssignment, ...errorResponses },
      },
    },
    async (req) => assignment.updateGroupAssignment(deps, actorOf(req), req.params.id, req.body) as never,
  );
  r.get(
    "/api/v1/automation/agents",
    {
      schema: {
        tags,
        summary: "Agents' availability, working hours and skills",
        response: { 200: z.object({ items: z.array(ZAgentAvailability) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await assignment.listAgents(deps, actorOf(req)) }),
  );
  r.put(
    "/api/v1/automation/agents/:id",
    {
      schema: {
        tags,
        summary: "Set an agent's away flag, working hours and skills",
        params: idParam,
        body: ZUpdateAgentAvailability,
        response: { 200: ZAgentAvailability, ...errorResponses },
      },
    },
    async (req) => assignment.updateAgent(deps, actorOf(req), req.params.id, req.body),
  );

  r.get(
    "/api/v1/automation/schedules",
    { schema: { tags, summary: "Recurring tickets", response: { 200: z.object({ items: z.array(ZSchedule) }), ...errorResponses } } },
    async (req) => ({ items: await schedules.listSchedules(deps, actorOf(req)) }),
  );
  r.post(
    "/api/v1/automation/schedules",
    {
      schema: {
        tags,
        summary: "Create a recurring ticket (cron or RRULE in a time zone)",
        body: ZScheduleInput,
        response: { 201: ZSchedule, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await schedules.createSchedule(deps, actorOf(req), req.body)),
  );
  r.put(
    "/api/v1/automation/schedules/:id",
    {
      schema: {
        tags,
        summary: "Replace a recurring ticket's definition",
        params: idParam,
        body: ZScheduleInput,
        response: { 200: ZSchedule, ...errorResponses },
      },
    },
    async (req) => schedules.updateSchedule(deps, actorOf(req), req.params.id, req.body),
  );
  r.delete(
    "/api/v1/automation/schedules/:id",
    { schema: { tags, summary: "Delete a recurring ticket schedule", params: idParam, response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      await schedules.deleteSchedule(deps, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  r.get(
    "/api/v1/automation/schedules/:id/occurrences",
    {
      schema: {
        tags,
        summary: "Occurrences created so far (newest first)",
        params: idParam,
        response: { 200: z.object({ items: z.array(z.object({ at: z.string(), workItemNumber: z.string().nullable() })) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await schedules.listScheduleOccurrences(deps, actorOf(req), req.params.id) }),
  );
  r.post(
    "/api/v1/automation/schedules/preview",
    {
      schema: {
        tags,
        summary: "Next occurrences of a cron expression or RRULE in a time zone",
        body: ZSchedulePreviewRequest,
        response: { 200: z.object({ occurrences: z.array(z.string()) }), ...errorResponses },
      },
    },
    async (req) => ({ occurrences: schedules.previewRecurrence(req.body) }),
  );
}
