import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZErrorEnvelope, ZOk } from "../../../contracts/common";
import { ZCreateLdapDirectory, ZLdapDirectory, ZLdapSyncResult, ZLdapTestResult, ZUpdateLdapDirectory } from "../../../contracts/sso";
import type { Deps } from "../../deps";
import { principalOf, requireRole } from "../../platform/http/auth";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as ldap from "./ldap.admin";

const ZId = z.object({ id: z.uuid() });

/** LDAP / Active Directory connections: administration, connection test and sync on demand. */
export function registerLdapRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = (req: Parameters<typeof principalOf>[0]) => {
    requireRole(principalOf(req), "admin");
    return actorOf(req);
  };

  r.get(
    "/api/v1/admin/directories",
    {
      schema: {
        tags: ["admin"],
        summary: "LDAP / Active Directory connections",
        response: { 200: z.object({ items: z.array(ZLdapDirectory) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await ldap.listDirectories(deps, admin(req)) }),
  );

  r.post(
    "/api/v1/admin/directories",
    {
      schema: {
        tags: ["admin"],
        summary: "Add an LDAP / Active Directory connection",
        body: ZCreateLdapDirectory,
        response: { 201: ZLdapDirectory, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await ldap.createDirectory(deps, admin(req), req.body)),
  );

  r.patch(
    "/api/v1/admin/directories/:id",
    {
      schema: {
        tags: ["admin"],
        summary: "Change a directory connection",
        params: ZId,
        body: ZUpdateLdapDirectory,
        response: { 200: ZLdapDirectory, ...errorResponses },
      },
    },
    async (req) => ldap.updateDirectory(deps, admin(req), req.params.id, req.body),
  );

  r.delete(
    "/api/v1/admin/directories/:id",
    { schema: { tags: ["admin"], summary: "Remove a directory connection (people stay)", params: ZId, response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      await ldap.deleteDirectory(deps, admin(req), req.params.id);
      return { ok: true as const };
    },
  );

  r.post(
    "/api/v1/admin/directories/:id/test",
    { schema: { tags: ["admin"], summary: "Bind and count matching people", params: ZId, response: { 200: ZLdapTestResult, ...errorResponses } } },
    async (req) => ldap.testDirectoryConnection(deps, admin(req), req.params.id),
  );

  r.post(
    "/api/v1/admin/directories/:id/sync",
    {
      schema: {
        tags: ["admin"],
        summary: "Synchronise people and groups now",
        params: ZId,
        response: { 200: ZLdapSyncResult, ...errorResponses, 503: ZErrorEnvelope },
      },
    },
    async (req) => ldap.syncDirectoryNow(deps, admin(req), req.params.id),
  );
}
