import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZOk } from "../../../contracts/common";
import { ZPriorityMatrix } from "../../../contracts/priority";
import { ZCategory, ZCreateCategoryRequest, ZCreateSavedViewRequest, ZCreateServiceRequest, ZSavedView, ZService } from "../../../contracts/reference";
import type { Deps } from "../../deps";
import { principalOf, requireRole } from "../../platform/http/auth";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as admin from "../admin/admin.service";
import * as ref from "./reference.service";

const ZSettings = z.object({ reopenWindowDays: z.number().int().min(0).max(365).describe("Days a resolved incident can be reopened before it closes") });

/** Services, categories, saved views, and the organization's ITSM settings. */
export function registerReferenceRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/services",
    { schema: { tags: ["reference"], summary: "Services", response: { 200: z.object({ items: z.array(ZService) }), ...errorResponses } } },
    async (req) => ({ items: await ref.listServices(deps, actorOf(req)) }),
  );
  r.post(
    "/api/v1/services",
    { schema: { tags: ["reference"], summary: "Create a service (admins)", body: ZCreateServiceRequest, response: { 201: ZService, ...errorResponses } } },
    async (req, reply) => {
      requireRole(principalOf(req), "admin");
      return reply.status(201).send(await ref.createService(deps, actorOf(req), req.body));
    },
  );
  r.get(
    "/api/v1/categories",
    { schema: { tags: ["reference"], summary: "Categories and subcategories", response: { 200: z.object({ items: z.array(ZCategory) }), ...errorResponses } } },
    async (req) => ({ items: await ref.listCategories(deps, actorOf(req)) }),
  );
  r.post(
    "/api/v1/categories",
    {
      schema: {
        tags: ["reference"],
        summary: "Create a category or subcategory (admins)",
        body: ZCreateCategoryRequest,
        response: { 201: ZCategory, ...errorResponses },
      },
    },
    async (req, reply) => {
      requireRole(principalOf(req), "admin");
      return reply.status(201).send(await ref.createCategory(deps, actorOf(req), req.body));
    },
  );

  r.get(
    "/api/v1/views",
    {
      schema: {
        tags: ["views"],
        summary: "Saved queue views (built-in, mine, shared)",
        response: { 200: z.object({ items: z.array(ZSavedView) }), ...errorResponses },
      },
    },
    async (req) => {
      requireRole(principalOf(req), "agent");
      return { items: (await ref.listViews(deps, actorOf(req))) as z.infer<typeof ZSavedView>[] };
    },
  );
  r.post(
    "/api/v1/views",
    { schema: { tags: ["views"], summary: "Save a queue view", body: ZCreateSavedViewRequest, response: { 201: ZSavedView, ...errorResponses } } },
    async (req, reply) => {
      requireRole(principalOf(req), "agent");
      return reply.status(201).send(await ref.createView(deps, actorOf(req), req.body));
    },
  );
  r.delete(
    "/api/v1/views/:id",
    { schema: { tags: ["views"], summary: "Delete a saved view", params: z.object({ id: z.uuid() }), response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      requireRole(principalOf(req), "agent");
      await ref.deleteView(deps, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  r.get(
    "/api/v1/admin/priority-matrix",
    { schema: { tags: ["admin"], summary: "Impact × urgency → priority (1 = P1)", response: { 200: ZPriorityMatrix, ...errorResponses } } },
    async (req) => {
      requireRole(principalOf(req), "agent");
      return admin.getPriorityMatrix(deps.db, actorOf(req).organizationId);
    },
  );
  r.put(
    "/api/v1/admin/priority-matrix",
    {
      schema: {
        tags: ["admin"],
        summary: "Replace the priority matrix (admins)",
        body: ZPriorityMatrix,
        response: { 200: ZPriorityMatrix, ...errorResponses },
      },
    },
    async (req) => {
      requireRole(principalOf(req), "admin");
      return admin.setPriorityMatrix(deps, actorOf(req), req.body as never);
    },
  );
  r.get(
    "/api/v1/admin/settings",
    { schema: { tags: ["admin"], summary: "Organization ITSM settings", response: { 200: ZSettings, ...errorResponses } } },
    async (req) => {
      requireRole(principalOf(req), "agent");
      return admin.effectiveSettings(deps.db, actorOf(req).organizationId);
    },
  );
  r.patch(
    "/api/v1/admin/settings",
    { schema: { tags: ["admin"], summary: "Change settings (admins)", body: ZSettings.partial(), response: { 200: ZSettings, ...errorResponses } } },
    async (req) => {
      requireRole(principalOf(req), "admin");
      return admin.updateSettings(deps, actorOf(req), req.body);
    },
  );
}
