import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ZCsatResponse,
  ZCsatSurvey,
  ZDrillQuery,
  ZDrillResult,
  ZReportDefinition,
  ZReportRun,
  ZSavedReport,
  ZSavedReportInput,
  ZWidget,
  ZWidgetQuery,
  ZWidgetResult,
} from "../../../contracts/reporting";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as csat from "./csat.service";
import * as custom from "./custom-report.service";
import * as reports from "./report.service";

const ZId = z.object({ id: z.uuid() });
const ZToken = z.object({
  token: z
    .string()
    .min(20)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, "a survey token"),
});
const csvName = (name: string) => `${name.replace(/[^\w.-]+/g, "_").slice(0, 80) || "report"}.csv`;

/** Dashboards (widgets + drill-down), custom reports (run, save, share, export, schedule) and CSAT surveys. */
export function registerReportingRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["reporting"];

  r.get(
    "/api/v1/reports/widgets/:widget",
    {
      schema: {
        tags,
        summary: "One dashboard widget's figures (staff; read-only, on the reporting replica when configured)",
        params: z.object({ widget: ZWidget }),
        querystring: ZWidgetQuery,
        response: { 200: ZWidgetResult, ...errorResponses },
      },
    },
    async (req) => reports.widget(deps, actorOf(req), req.params.widget, req.query),
  );
  r.get(
    "/api/v1/reports/drill",
    {
      schema: {
        tags,
        summary: "The work items behind one bar, slice or figure of a widget",
        querystring: ZDrillQuery,
        response: { 200: ZDrillResult, ...errorResponses },
      },
    },
    async (req) => reports.drill(deps, actorOf(req), req.query),
  );
  r.post(
    "/api/v1/reports/run",
    { schema: { tags, summary: "Run a report definition without saving it", body: ZReportDefinition, response: { 200: ZReportRun, ...errorResponses } } },
    async (req) => custom.runReport(deps, actorOf(req), req.body),
  );
  r.post(
    "/api/v1/reports/run.csv",
    {
      schema: {
        tags,
        summary: "Run a report definition and download it as CSV (formula-like cells escaped)",
        body: ZReportDefinition,
        produces: ["text/csv"],
        response: { 200: z.string(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const run = await custom.runReport(deps, actorOf(req), req.body);
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="report.csv"')
        .send(custom.reportCsv(run));
    },
  );
  r.get(
    "/api/v1/reports/saved",
    {
      schema: {
        tags,
        summary: "Saved reports: yours and the ones shared in your organization",
        response: { 200: z.object({ items: z.array(ZSavedReport) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await custom.listSavedReports(deps, actorOf(req)) }),
  );
  r.post(
    "/api/v1/reports/saved",
    {
      schema: {
        tags,
        summary: "Save a report (private or shared; optional e-mail schedule)",
        body: ZSavedReportInput,
        response: { 201: ZSavedReport, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await custom.createSavedReport(deps, actorOf(req), req.body)),
  );
  r.get(
    "/api/v1/reports/saved/:id",
    { schema: { tags, summary: "One saved report", params: ZId, response: { 200: ZSavedReport, ...errorResponses } } },
    async (req) => custom.getSavedReport(deps, actorOf(req), req.params.id),
  );
  r.put(
    "/api/v1/reports/saved/:id",
    {
      schema: {
        tags,
        summary: "Replace a saved report (owner or admin)",
        params: ZId,
        body: ZSavedReportInput,
        response: { 200: ZSavedReport, ...errorResponses },
      },
    },
    async (req) => custom.updateSavedReport(deps, actorOf(req), req.params.id, req.body),
  );
  r.delete(
    "/api/v1/reports/saved/:id",
    { schema: { tags, summary: "Delete a saved report (owner or admin)", params: ZId, response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      await custom.deleteSavedReport(deps, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  r.get(
    "/api/v1/reports/saved/:id/run",
    { schema: { tags, summary: "Run a saved report now", params: ZId, response: { 200: ZReportRun.extend({ name: z.string() }), ...errorResponses } } },
    async (req) => custom.runSavedReport(deps, actorOf(req), req.params.id),
  );
  r.get(
    "/api/v1/reports/saved/:id/export.csv",
    { schema: { tags, summary: "A saved report as CSV", params: ZId, produces: ["text/csv"], response: { 200: z.string(), ...errorResponses } } },
    async (req, reply) => {
      const run = await custom.runSavedReport(deps, actorOf(req), req.params.id);
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${csvName(run.name)}"`)
        .send(custom.reportCsv(run));
    },
  );

  // ── CSAT ──
  const publicRoute = { auth: false, rateLimit: { max: 60, timeWindow: "1 minute" } };
  r.get(
    "/api/v1/csat/surveys/:token",
    {
      config: publicRoute,
      schema: { tags, summary: "A satisfaction survey by its mailed link (no sign-in)", params: ZToken, response: { 200: ZCsatSurvey, ...errorResponses } },
    },
    async (req) => csat.surveyByToken(deps, req.params.token),
  );
  r.post(
    "/api/v1/csat/surveys/:token/response",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "Answer a survey by its mailed link: score 1–5 and an optional comment (no sign-in)",
        params: ZToken,
        body: ZCsatResponse,
        response: { 200: ZCsatSurvey, ...errorResponses },
      },
    },
    async (req) => csat.answerByToken(deps, req.params.token, req.body),
  );
  r.get(
    "/api/v1/me/csat-surveys",
    {
      schema: { tags, summary: "Your surveys waiting for an answer (portal)", response: { 200: z.object({ items: z.array(ZCsatSurvey) }), ...errorResponses } },
    },
    async (req) => ({ items: await csat.pendingSurveys(deps, actorOf(req)) }),
  );
  r.post(
    "/api/v1/me/csat-surveys/:id/response",
    { schema: { tags, summary: "Answer one of your surveys (portal)", params: ZId, body: ZCsatResponse, response: { 200: ZCsatSurvey, ...errorResponses } } },
    async (req) => csat.answerAsRequester(deps, actorOf(req), req.params.id, req.body),
  );
  const ZCsatSettings = z.object({ enabled: z.boolean().describe("Offer a survey to the requester when an incident or request is resolved") });
  r.get(
    "/api/v1/admin/csat-settings",
    { schema: { tags, summary: "Satisfaction survey settings (admins)", response: { 200: ZCsatSettings, ...errorResponses } } },
    async (req) => csat.getCsatSettings(deps, actorOf(req)),
  );
  r.put(
    "/api/v1/admin/csat-settings",
    { schema: { tags, summary: "Turn satisfaction surveys on or off (admins)", body: ZCsatSettings, response: { 200: ZCsatSettings, ...errorResponses } } },
    async (req) => csat.putCsatSettings(deps, actorOf(req), req.body),
  );
}
