import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ZContractReport,
  ZContractReportQuery,
  ZCreateSupportContractRequest,
  ZCreateTimeEntryRequest,
  ZStopTimerRequest,
  ZSupportContract,
  ZTimeEntryCreated,
  ZTimeSheet,
} from "../../../contracts/time-tracking";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import { ZWorkItemIdParam } from "../desk-work/desk-work.routes";
import * as time from "./time.service";

/** Time entries and timers on any work item; support contracts and their report. */
export function registerTimeRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["time-tracking"];
  const params = ZWorkItemIdParam;
  r.get(
    "/api/v1/work-items/:id/time-entries",
    {
      schema: {
        tags,
        summary: "Time logged on a work item, with the caller's timer and the contract budget",
        params,
        response: { 200: ZTimeSheet, ...errorResponses },
      },
    },
    async (req) => time.getTimeSheet(deps, actorOf(req), req.params.id),
  );
  r.post(
    "/api/v1/work-items/:id/time-entries",
    {
      schema: {
        tags,
        summary: "Log time (billable time draws down the support contract)",
        params,
        body: ZCreateTimeEntryRequest,
        response: { 201: ZTimeEntryCreated, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await time.logTime(deps, actorOf(req), req.params.id, req.body)),
  );
  r.delete(
    "/api/v1/work-items/:id/time-entries/:entryId",
    {
      schema: {
        tags,
        summary: "Delete a time entry (one's own; admins any)",
        params: params.extend({ entryId: z.uuid() }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await time.deleteTimeEntry(deps, actorOf(req), req.params.id, req.params.entryId);
      return reply.status(204).send(null);
    },
  );
  r.post(
    "/api/v1/work-items/:id/timer",
    { schema: { tags, summary: "Start your timer on a work item", params, response: { 200: ZTimeSheet, ...errorResponses } } },
    async (req) => time.startTimer(deps, actorOf(req), req.params.id),
  );
  r.post(
    "/api/v1/work-items/:id/timer/stop",
    { schema: { tags, summary: "Stop your timer and log the time", params, body: ZStopTimerRequest, response: { 201: ZTimeEntryCreated, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await time.stopTimer(deps, actorOf(req), req.params.id, req.body)),
  );
  r.delete(
    "/api/v1/work-items/:id/timer",
    { schema: { tags, summary: "Discard your running timer", params, response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      await time.discardTimer(deps, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  r.get(
    "/api/v1/support-contracts",
    {
      schema: {
        tags,
        summary: "Support contracts with this month's usage",
        response: { 200: z.object({ items: z.array(ZSupportContract) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await time.listSupportContracts(deps, actorOf(req)) }),
  );
  r.post(
    "/api/v1/support-contracts",
    {
      schema: {
        tags,
        summary: "Add a support contract with a monthly hour budget (admins)",
        body: ZCreateSupportContractRequest,
        response: { 201: ZSupportContract, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await time.createSupportContract(deps, actorOf(req), req.body)),
  );
  r.get(
    "/api/v1/support-contracts/report",
    {
      schema: {
        tags,
        summary: "Billable vs included hours per organization and month",
        querystring: ZContractReportQuery,
        response: { 200: ZContractReport, ...errorResponses },
      },
    },
    async (req) => time.supportContractReport(deps, actorOf(req), req.query),
  );
}
