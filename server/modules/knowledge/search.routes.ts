import type { FastifyInstance } from "fastify";
import { ZOk } from "../../../contracts/common";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { ZDeflectionEventRequest, ZDeflectionReport, ZDeflectionReportQuery, ZSuggestions, ZSuggestionsQuery } from "../../../contracts/knowledge";
import { ZSearchQuery, ZSearchResult } from "../../../contracts/search";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as deflection from "./deflection.service";
import { searchEverywhere } from "./search.service";

/** Search everywhere, article suggestions while typing, and the deflection counters and report. */
export function registerSearchRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/v1/search",
    {
      schema: {
        tags: ["search"],
        summary: "Search everywhere: work items, comments, articles, people — ranked, highlighted, permission-aware",
        querystring: ZSearchQuery,
        response: { 200: ZSearchResult, ...errorResponses },
      },
    },
    async (req) => searchEverywhere(deps, actorOf(req), req.query),
  );
  r.get(
    "/api/v1/knowledge/suggestions",
    {
      schema: {
        tags: ["knowledge"],
        summary: "Published public articles for what a requester is typing (deflection)",
        querystring: ZSuggestionsQuery,
        response: { 200: ZSuggestions, ...errorResponses },
      },
    },
    async (req) => deflection.suggest(deps, actorOf(req), req.query.q, req.query.language, req.query.limit),
  );
  r.post(
    "/api/v1/knowledge/deflection-events",
    {
      schema: {
        tags: ["knowledge"],
        summary: "Record a step of a new-ticket visit (suggested, viewed, solved, ticket_created)",
        body: ZDeflectionEventRequest,
        response: { 200: ZOk, ...errorResponses },
      },
    },
    async (req) => {
      await deflection.recordDeflectionEvent(deps, actorOf(req), req.body);
      return { ok: true as const };
    },
  );
  r.get(
    "/api/v1/knowledge/reports/deflection",
    {
      schema: {
        tags: ["knowledge"],
        summary: "Deflection report: visits that ended with an answer instead of a ticket (agents)",
        querystring: ZDeflectionReportQuery,
        response: { 200: ZDeflectionReport, ...errorResponses },
      },
    },
    async (req) => deflection.deflectionReport(deps, actorOf(req), req.query),
  );
}
