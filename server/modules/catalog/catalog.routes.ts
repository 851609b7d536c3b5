import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZApprovalChain } from "../../../contracts/approvals";
import {
  ZCatalogIdParam,
  ZCatalogItem,
  ZCatalogItemSummary,
  ZCatalogItemVersion,
  ZCatalogVersionParam,
  ZCreateCatalogItemRequest,
  ZFulfilmentTask,
  ZListCatalogQuery,
  ZUpdateCatalogItemRequest,
} from "../../../contracts/catalog";
import { ZCatalogForm } from "../../../contracts/catalog-form";
import type { Deps } from "../../deps";
import { principalOf, requireRole } from "../../platform/http/auth";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as catalog from "./catalog.service";

const ZVersionDetail = z.object({
  id: z.uuid(),
  version: z.number().int(),
  name: z.string(),
  summary: z.string(),
  description: z.string(),
  icon: z.string(),
  form: ZCatalogForm,
  approvals: ZApprovalChain,
  fulfilment: z.array(ZFulfilmentTask),
  createdAt: z.string(),
});

/** The service catalog: everyone browses what they may order; admins define items (each change a new version). */
export function registerCatalogRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["catalog"];

  r.get(
    "/api/v1/catalog/items",
    {
      schema: {
        tags,
        summary: "Catalog items I may order (per desk, category or words)",
        querystring: ZListCatalogQuery,
        response: { 200: z.object({ items: z.array(ZCatalogItemSummary) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await catalog.listCatalog(deps, actorOf(req), req.query) }),
  );
  r.get(
    "/api/v1/catalog/items/:id",
    { schema: { tags, summary: "One item's current version with its form", params: ZCatalogIdParam, response: { 200: ZCatalogItem, ...errorResponses } } },
    async (req) => catalog.getCatalogItem(deps, actorOf(req), req.params.id),
  );
  r.post(
    "/api/v1/catalog/items",
    { schema: { tags, summary: "Define an item (admins)", body: ZCreateCatalogItemRequest, response: { 201: ZCatalogItem, ...errorResponses } } },
    async (req, reply) => {
      requireRole(principalOf(req), "admin");
      return reply.status(201).send(await catalog.createCatalogItem(deps, actorOf(req), req.body));
    },
  );
  r.patch(
    "/api/v1/catalog/items/:id",
    {
      schema: {
        tags,
        summary: "Change an item (admins); a new definition becomes a new version",
        params: ZCatalogIdParam,
        body: ZUpdateCatalogItemRequest,
        response: { 200: ZCatalogItem, ...errorResponses },
      },
    },
    async (req) => {
      requireRole(principalOf(req), "admin");
      return catalog.updateCatalogItem(deps, actorOf(req), req.params.id, req.body);
    },
  );
  r.get(
    "/api/v1/catalog/items/:id/versions",
    {
      schema: {
        tags,
        summary: "An item's versions, newest first (staff)",
        params: ZCatalogIdParam,
        response: { 200: z.object({ items: z.array(ZCatalogItemVersion) }), ...errorResponses },
      },
    },
    async (req) => {
      requireRole(principalOf(req), "agent");
      return { items: await catalog.listCatalogVersions(deps, actorOf(req), req.params.id) };
    },
  );
  r.get(
    "/api/v1/catalog/items/:id/versions/:version",
    { schema: { tags, summary: "One version in full (staff)", params: ZCatalogVersionParam, response: { 200: ZVersionDetail, ...errorResponses } } },
    async (req) => {
      requireRole(principalOf(req), "agent");
      return catalog.getCatalogVersion(deps, actorOf(req), req.params.id, req.params.version);
    },
  );
}
