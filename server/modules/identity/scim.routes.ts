import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodType } from "zod";
import { SCIM_ENTERPRISE, SCIM_ERROR, SCIM_GROUP, SCIM_LIST, SCIM_USER, ZScimGroup, ZScimListQuery, ZScimPatch, ZScimUser } from "../../../contracts/scim";
import type { Deps } from "../../deps";
import * as scim from "./scim.service";
import { ScimError } from "./scim.service";
import { scimSchemas } from "./scim.schemas";

const SCIM_TYPE = "application/scim+json; charset=utf-8";

declare module "fastify" {
  interface FastifyRequest {
    scimCaller?: scim.ScimCaller;
  }
}

function parse<T>(schema: ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ScimError(400, "invalidValue", `${i.path.join(".") || "body"}: ${i.message}`);
  }
  return r.data;
}

function caller(req: FastifyRequest): scim.ScimCaller {
  if (!req.scimCaller) throw new ScimError(401, undefined, "Authorization required");
  return req.scimCaller;
}

const send = (reply: FastifyReply, status: number, body: unknown) => reply.status(status).type(SCIM_TYPE).send(body);

/**
 * SCIM 2.0 service provider under /scim/v2 for identity providers (Entra ID, Okta, OneLogin…):
 * Users and Groups with filtering, pagination, PUT/PATCH/DELETE, plus the discovery endpoints.
 * Authenticated by the organization's SCIM bearer token; errors in SCIM's own format.
 */
export function registerScimRoutes(app: FastifyInstance, deps: Deps): void {
  app.register(
    async (scope) => {
      scope.addContentTypeParser(["application/scim+json"], { parseAs: "string", bodyLimit: 1024 * 1024 }, (_req, body, done) => {
        try {
          done(null, body ? JSON.parse(body as string) : {});
        } catch {
          done(new ScimError(400, "invalidSyntax", "The body is not valid JSON"), undefined);
        }
      });
      scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
        if (err instanceof ScimError)
          return send(reply, err.status, {
            schemas: [SCIM_ERROR],
            status: String(err.status),
            ...(err.scimType ? { scimType: err.scimType } : {}),
            detail: err.message,
          });
        if (err.statusCode && err.statusCode < 500)
          return send(reply, err.statusCode, {
            schemas: [SCIM_ERROR],
            status: String(err.statusCode),
            ...(err.statusCode === 400 ? { scimType: "invalidSyntax" } : {}),
            detail: err.message,
          });
        req.log.error({ err }, "SCIM request failed");
        return send(reply, 500, { schemas: [SCIM_ERROR], status: "500", detail: "Internal error" });
      });
      scope.setNotFoundHandler((req, reply) =>
        send(reply, 404, { schemas: [SCIM_ERROR], status: "404", detail: `No SCIM endpoint ${req.method} ${req.url.split("?")[0]}` }),
      );
      scope.addHook("onRequest", async (req, reply) => {
        const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
        const org = m ? await scim.scimCallerFor(deps, m[1]) : null;
        if (!org) {
          reply.header("www-authenticate", 'Bearer realm="Portico SCIM"');
          throw new ScimError(401, undefined, m ? "The SCIM token is invalid or revoked" : "Authorization: Bearer <SCIM token> required");
        }
        const base = `${deps.config.PORTICO_PUBLIC_URL?.replace(/\/$/, "") ?? `${req.protocol}://${req.host}`}/scim/v2`;
        req.scimCaller = { organizationId: org.organization_id, defaultRole: org.scim_default_role, ip: req.ip ?? null, base };
      });

      const hide = { schema: { hide: true } };
      const listQuery = (req: FastifyRequest) => parse(ZScimListQuery, req.query);
      const id = (req: FastifyRequest) => (req.params as { id: string }).id;

      scope.get("/Users", hide, async (req, reply) => send(reply, 200, await scim.listUsers(deps, caller(req), listQuery(req))));
      scope.post("/Users", hide, async (req, reply) => {
        const u = await scim.createUser(deps, caller(req), parse(ZScimUser, req.body));
        reply.header("location", u.meta.location);
        return send(reply, 201, u);
      });
      scope.get("/Users/:id", hide, async (req, reply) => send(reply, 200, await scim.getUser(deps, caller(req), id(req))));
      scope.put("/Users/:id", hide, async (req, reply) => send(reply, 200, await scim.replaceUser(deps, caller(req), id(req), parse(ZScimUser, req.body))));
      scope.patch("/Users/:id", hide, async (req, reply) => send(reply, 200, await scim.patchUser(deps, caller(req), id(req), parse(ZScimPatch, req.body))));
      scope.delete("/Users/:id", hide, async (req, reply) => {
        await scim.deleteUser(deps, caller(req), id(req));
        return reply.status(204).send();
      });

      scope.get("/Groups", hide, async (req, reply) => {
        const excluded = String((req.query as Record<string, unknown>).excludedAttributes ?? "").toLowerCase();
        return send(reply, 200, await scim.listGroups(deps, caller(req), listQuery(req), !excluded.split(",").includes("members")));
      });
      scope.post("/Groups", hide, async (req, reply) => {
        const g = await scim.createGroup(deps, caller(req), parse(ZScimGroup, req.body));
        reply.header("location", g.meta.location);
        return send(reply, 201, g);
      });
      scope.get("/Groups/:id", hide, async (req, reply) => send(reply, 200, await scim.getGroup(deps, caller(req), id(req))));
      scope.put("/Groups/:id", hide, async (req, reply) => send(reply, 200, await scim.replaceGroup(deps, caller(req), id(req), parse(ZScimGroup, req.body))));
      scope.patch("/Groups/:id", hide, async (req, reply) => send(reply, 200, await scim.patchGroup(deps, caller(req), id(req), parse(ZScimPatch, req.body))));
      scope.delete("/Groups/:id", hide, async (req, reply) => {
        await scim.deleteGroup(deps, caller(req), id(req));
        return reply.status(204).send();
      });

      scope.get("/ServiceProviderConfig", hide, async (req, reply) =>
        send(reply, 200, {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
          documentationUri: "https://github.com/portico/portico/blob/main/docs/ARCHITECTURE.md",
          patch: { supported: true },
          bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
          filter: { supported: true, maxResults: 200 },
          changePassword: { supported: false },
          sort: { supported: false },
          etag: { supported: false },
          authenticationSchemes: [
            { type: "oauthbearertoken", name: "OAuth Bearer Token", description: "The organization's SCIM token (Admin → Single sign-on)", primary: true },
          ],
          meta: { resourceType: "ServiceProviderConfig", location: `${caller(req).base}/ServiceProviderConfig` },
        }),
      );
      scope.get("/ResourceTypes", hide, async (req, reply) => {
        const base = caller(req).base;
        const types = [
          {
            schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            id: "User",
            name: "User",
            endpoint: "/Users",
            schema: SCIM_USER,
            schemaExtensions: [{ schema: SCIM_ENTERPRISE, required: false }],
            meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` },
          },
          {
            schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            id: "Group",
            name: "Group",
            endpoint: "/Groups",
            schema: SCIM_GROUP,
            meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/Group` },
          },
        ];
        return send(reply, 200, { schemas: [SCIM_LIST], totalResults: types.length, startIndex: 1, itemsPerPage: types.length, Resources: types });
      });
      scope.get("/Schemas", hide, async (req, reply) => {
        const all = scimSchemas(caller(req).base);
        return send(reply, 200, { schemas: [SCIM_LIST], totalResults: all.length, startIndex: 1, itemsPerPage: all.length, Resources: all });
      });
      scope.get("/Schemas/:id", hide, async (req, reply) => {
        const s = scimSchemas(caller(req).base).find((x) => x.id === id(req));
        if (!s) throw new ScimError(404, undefined, `Schema ${id(req)} not found`);
        return send(reply, 200, s);
      });
    },
    { prefix: "/scim/v2" },
  );
}
