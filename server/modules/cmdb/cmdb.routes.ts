import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ZAsOfQuery,
  ZCi,
  ZCiClass,
  ZCiHistoryPage,
  ZCiPage,
  ZCiRef,
  ZCiWorkItem,
  ZCreateCiClassRequest,
  ZCreateCiRequest,
  ZCreateRelationshipRequest,
  ZCreateRelationshipTypeRequest,
  ZIdParam,
  ZImpactQuery,
  ZImpactRequest,
  ZImpactResult,
  ZLinkCiRequest,
  ZListCisQuery,
  ZMapQuery,
  ZRelationship,
  ZRelationshipType,
  ZSearchCisQuery,
  ZServiceMap,
  ZUnlinkCiParams,
  ZUnlinkCiQuery,
  ZUpdateCiClassRequest,
  ZUpdateCiRequest,
  ZWorkItemCi,
  ZWorkItemRefParam,
} from "../../../contracts/cmdb";
import { ZCursor } from "../../../contracts/common";
import type { Deps } from "../../deps";
import { actorOf, errorResponses, ifMatchVersion } from "../../platform/http/route-helpers";
import * as cmdb from "./cmdb.service";
import * as graph from "./cmdb-graph.service";
import * as io from "./cmdb-import.service";
import { ZCmdbExportQuery, ZCmdbImportRequest, ZCmdbImportResult } from "../../../contracts/cmdb-import";

/** If-Match: "3" / W/"3" / 3 → 3. */

/** The CMDB over HTTP: classes, relationship types, CIs, relationships, history, impact, map, work-item links. */
export function registerCmdbRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["cmdb"];
  const base = "/api/v1/cmdb";

  r.get(
    `${base}/classes`,
    {
      schema: {
        tags,
        summary: "CI classes (built-in and the organization's own) with their attribute schemas",
        response: { 200: z.object({ items: z.array(ZCiClass) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await cmdb.listClasses(deps, actorOf(req)) }),
  );
  r.post(
    `${base}/classes`,
    { schema: { tags, summary: "Add a CI class (admins)", body: ZCreateCiClassRequest, response: { 201: ZCiClass, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await cmdb.createClass(deps, actorOf(req), req.body)),
  );
  r.patch(
    `${base}/classes/:id`,
    {
      schema: {
        tags,
        summary: "Change an organization's own CI class (admins)",
        params: ZIdParam,
        body: ZUpdateCiClassRequest,
        response: { 200: ZCiClass, ...errorResponses },
      },
    },
    async (req) => cmdb.updateClass(deps, actorOf(req), req.params.id, req.body),
  );

  r.get(
    `${base}/relationship-types`,
    { schema: { tags, summary: "Relationship types", response: { 200: z.object({ items: z.array(ZRelationshipType) }), ...errorResponses } } },
    async (req) => ({ items: await cmdb.listRelationshipTypes(deps, actorOf(req)) }),
  );
  r.post(
    `${base}/relationship-types`,
    {
      schema: {
        tags,
        summary: "Add a relationship type (admins)",
        body: ZCreateRelationshipTypeRequest,
        response: { 201: ZRelationshipType, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await cmdb.createRelationshipType(deps, actorOf(req), req.body)),
  );

  r.get(
    `${base}/cis`,
    {
      schema: {
        tags,
        summary: "The CMDB list: filter by class, status, group, text; cursor pages",
        querystring: ZListCisQuery,
        response: { 200: ZCiPage, ...errorResponses },
      },
    },
    async (req) => cmdb.listCis(deps, actorOf(req), req.query),
  );
  r.get(
    `${base}/cis/search`,
    {
      schema: {
        tags,
        summary: "Typeahead: CIs by name (contains), serial number or asset tag",
        querystring: ZSearchCisQuery,
        response: { 200: z.object({ items: z.array(ZCiRef) }), ...errorResponses },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      cmdb.requireStaff(actor);
      return { items: await cmdb.searchCis(deps.db, actor.organizationId, req.query.q, { classKeys: req.query.class, limit: req.query.limit }) };
    },
  );
  r.post(
    `${base}/cis`,
    { schema: { tags, summary: "Create a CI; attributes are validated against its class", body: ZCreateCiRequest, response: { 201: ZCi, ...errorResponses } } },
    async (req, reply) => {
      const ci = await cmdb.createCi(deps, actorOf(req), req.body);
      return reply.status(201).header("location", `${base}/cis/${ci.id}`).header("etag", `"${ci.version}"`).send(ci);
    },
  );
  r.get(`${base}/cis/:id`, { schema: { tags, summary: "One CI", params: ZIdParam, response: { 200: ZCi, ...errorResponses } } }, async (req, reply) => {
    const ci = await cmdb.getCi(deps, actorOf(req), req.params.id);
    return reply.header("etag", `"${ci.version}"`).send(ci);
  });
  r.patch(
    `${base}/cis/:id`,
    {
      schema: {
        tags,
        summary: "Change a CI; a stale version (If-Match or body.version) gets 409",
        params: ZIdParam,
        headers: z.object({ "if-match": z.string().optional().describe('The version you read, e.g. "3"') }),
        body: ZUpdateCiRequest,
        response: { 200: ZCi, ...errorResponses },
      },
    },
    async (req, reply) => {
      const ci = await cmdb.updateCi(deps, actorOf(req), req.params.id, req.body, ifMatchVersion(req));
      return reply.header("etag", `"${ci.version}"`).send(ci);
    },
  );
  r.get(
    `${base}/cis/:id/history`,
    {
      schema: {
        tags,
        summary: "Every change of the CI and its relationships, newest first",
        params: ZIdParam,
        querystring: z.object({ cursor: ZCursor, limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: ZCiHistoryPage, ...errorResponses },
      },
    },
    async (req) => cmdb.getHistory(deps, actorOf(req), req.params.id, req.query.cursor, req.query.limit),
  );
  r.get(
    `${base}/cis/:id/relationships`,
    {
      schema: {
        tags,
        summary: "Relationships of a CI: current, as of an instant (asOf), or all ever (all=true)",
        params: ZIdParam,
        querystring: ZAsOfQuery.extend({ all: z.enum(["true", "false"]).optional().describe("Include ended relationships") }),
        response: { 200: z.object({ items: z.array(ZRelationship) }), ...errorResponses },
      },
    },
    async (req) => ({
      items: await graph.listRelationships(
        deps,
        actorOf(req),
        req.params.id,
        req.query.all === "true" ? "all" : req.query.asOf ? new Date(req.query.asOf) : null,
      ),
    }),
  );
  r.get(
    `${base}/cis/:id/impact`,
    {
      schema: {
        tags,
        summary: "Impact analysis: upstream dependants and downstream dependencies",
        params: ZIdParam,
        querystring: ZImpactQuery,
        response: { 200: ZImpactResult, ...errorResponses },
      },
    },
    async (req) => graph.analyseImpact(deps, actorOf(req), [req.params.id], req.query),
  );
  r.get(
    `${base}/cis/:id/map`,
    {
      schema: {
        tags,
        summary: "The service map around a CI (as of an instant)",
        params: ZIdParam,
        querystring: ZMapQuery,
        response: { 200: ZServiceMap, ...errorResponses },
      },
    },
    async (req) => graph.serviceMap(deps, actorOf(req), req.params.id, req.query.depth, req.query.asOf),
  );
  r.get(
    `${base}/cis/:id/work-items`,
    {
      schema: {
        tags,
        summary: "Open incidents, problems and changes linked to the CI",
        params: ZIdParam,
        response: { 200: z.object({ items: z.array(ZCiWorkItem) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await graph.openWorkOfCi(deps, actorOf(req), req.params.id) }),
  );
  r.post(
    `${base}/impact`,
    {
      schema: {
        tags,
        summary: "Impact and affected business services of a set of CIs",
        body: ZImpactRequest,
        response: { 200: ZImpactResult, ...errorResponses },
      },
    },
    async (req) => graph.analyseImpact(deps, actorOf(req), req.body.ciIds, { depth: req.body.depth }),
  );

  r.post(
    `${base}/relationships`,
    {
      schema: {
        tags,
        summary: "Relate two CIs (no duplicates; no cycles for acyclic types)",
        body: ZCreateRelationshipRequest,
        response: { 201: ZRelationship, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await graph.createRelationship(deps, actorOf(req), req.body)),
  );
  r.delete(
    `${base}/relationships/:id`,
    { schema: { tags, summary: "End a relationship (kept for maps as of the past)", params: ZIdParam, response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      await graph.deleteRelationship(deps, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  r.post(
    `${base}/import`,
    {
      bodyLimit: 12 * 1024 * 1024,
      schema: {
        tags,
        summary: "Import CIs or relationships (CSV or JSON): dry-run preview, matching rules, per-row errors; errors change nothing unless partial",
        body: ZCmdbImportRequest,
        response: { 200: ZCmdbImportResult, ...errorResponses },
      },
    },
    async (req) => io.importCmdb(deps, actorOf(req), req.body),
  );
  r.get(
    `${base}/export/cis`,
    {
      schema: {
        tags,
        summary: "Export CIs as CSV (attr.<key> columns) or JSON",
        querystring: ZCmdbExportQuery,
        response: { 200: z.string(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const body = await io.exportCis(deps, actorOf(req), req.query.format, req.query.class?.split(",").filter(Boolean));
      return reply
        .type(req.query.format === "csv" ? "text/csv; charset=utf-8" : "application/json")
        .header("content-disposition", `attachment; filename="cmdb-cis.${req.query.format}"`)
        .send(body);
    },
  );
  r.get(
    `${base}/export/relationships`,
    {
      schema: {
        tags,
        summary: "Export current relationships as CSV or JSON",
        querystring: ZCmdbExportQuery.pick({ format: true }),
        response: { 200: z.string(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const body = await io.exportRelationships(deps, actorOf(req), req.query.format);
      return reply
        .type(req.query.format === "csv" ? "text/csv; charset=utf-8" : "application/json")
        .header("content-disposition", `attachment; filename="cmdb-relationships.${req.query.format}"`)
        .send(body);
    },
  );

  const wiTags = ["cmdb", "work-items"];
  r.get(
    "/api/v1/work-items/:ref/cis",
    {
      schema: {
        tags: wiTags,
        summary: "CIs linked to an incident, problem or change",
        params: ZWorkItemRefParam,
        response: { 200: z.object({ items: z.array(ZWorkItemCi) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await graph.listWorkItemCis(deps, actorOf(req), req.params.ref) }),
  );
  r.post(
    "/api/v1/work-items/:ref/cis",
    {
      schema: {
        tags: wiTags,
        summary: "Link an affected (or causing) CI to a work item",
        params: ZWorkItemRefParam,
        body: ZLinkCiRequest,
        response: { 201: z.object({ items: z.array(ZWorkItemCi) }), ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send({ items: await graph.linkWorkItemCi(deps, actorOf(req), req.params.ref, req.body.ciId, req.body.role) }),
  );
  r.delete(
    "/api/v1/work-items/:ref/cis/:ciId",
    {
      schema: {
        tags: wiTags,
        summary: "Unlink a CI from a work item",
        params: ZUnlinkCiParams,
        querystring: ZUnlinkCiQuery,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await graph.unlinkWorkItemCi(deps, actorOf(req), req.params.ref, req.params.ciId, req.query.role);
      return reply.status(204).send(null);
    },
  );
  r.get(
    "/api/v1/work-items/:ref/impact",
    {
      schema: {
        tags: wiTags,
        summary: "Affected business services and impacted CIs of a work item",
        params: ZWorkItemRefParam,
        response: { 200: ZImpactResult, ...errorResponses },
      },
    },
    async (req) => graph.workItemImpact(deps, actorOf(req), req.params.ref),
  );
}
