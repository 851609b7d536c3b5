import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZOk } from "../../../contracts/common";
import { ZCreateOidcProvider, ZOidcCallbackQuery, ZOidcProvider, ZOidcStartQuery, ZSignInOption, ZUpdateOidcProvider } from "../../../contracts/sso";
import type { Deps } from "../../deps";
import { principalOf, requireRole } from "../../platform/http/auth";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as oidc from "./oidc.service";
import { secureCookies, setSessionCookie } from "./session.http";

const BROWSER_COOKIE = "portico_sso";
const COOKIE_PATH = "/api/v1/auth/oidc";

/** Public base URL of this installation (PORTICO_PUBLIC_URL, else what the request was addressed to). */
function baseUrl(deps: Deps, req: FastifyRequest): string {
  return deps.config.PORTICO_PUBLIC_URL?.replace(/\/$/, "") ?? `${req.protocol}://${req.host}`;
}

/** OpenID Connect sign-in (start, callback), the sign-in page's provider list, and provider administration. */
export function registerOidcRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/auth/sso-providers",
    {
      config: { auth: false },
      schema: {
        tags: ["auth"],
        summary: "Single sign-on options for the sign-in page",
        querystring: z.object({ org: z.string().max(63).optional().describe("Only this organization's (slug)") }),
        response: { 200: z.object({ items: z.array(ZSignInOption) }) },
      },
    },
    async (req) => ({ items: await oidc.listSignInOptions(deps, req.query.org) }),
  );

  r.get(
    "/api/v1/auth/oidc/:slug/start",
    {
      config: { auth: false, rateLimit: { max: 60, timeWindow: "1 minute" } },
      schema: {
        tags: ["auth"],
        summary: "Start signing in with an OpenID provider (redirects to it)",
        params: z.object({ slug: z.string().max(63) }),
        querystring: ZOidcStartQuery,
        response: { 404: errorResponses[404] },
      },
    },
    async (req, reply) => {
      try {
        const s = await oidc.startSignIn(deps, req.params.slug, req.query.returnTo ?? "/", baseUrl(deps, req));
        reply.setCookie(BROWSER_COOKIE, s.browserSecret, { path: COOKIE_PATH, httpOnly: true, sameSite: "lax", secure: secureCookies(deps), maxAge: 600 });
        return reply.redirect(s.url, 302);
      } catch (err) {
        if (err instanceof oidc.SsoFailure) return reply.redirect(`/sign-in?ssoError=${err.code}`, 302);
        throw err;
      }
    },
  );

  r.get(
    "/api/v1/auth/oidc/callback",
    {
      config: { auth: false, rateLimit: { max: 60, timeWindow: "1 minute" } },
      schema: {
        tags: ["auth"],
        summary: "Where OpenID providers send the browser back (redirects to the app, or to /sign-in?ssoError=…)",
        querystring: ZOidcCallbackQuery,
      },
    },
    async (req, reply) => {
      const base = baseUrl(deps, req);
      reply.clearCookie(BROWSER_COOKIE, { path: COOKIE_PATH });
      try {
        const { session, returnTo } = await oidc.finishSignIn(deps, req.query, new URL(req.url, base), req.cookies?.[BROWSER_COOKIE], base, {
          ip: req.ip ?? null,
          userAgent: req.headers["user-agent"] ?? null,
        });
        setSessionCookie(reply, deps, session);
        return reply.redirect(returnTo, 302);
      } catch (err) {
        if (err instanceof oidc.SsoFailure) {
          req.log.info({ code: err.code, reason: err.message }, "OpenID sign-in refused");
          return reply.redirect(`/sign-in?ssoError=${err.code}`, 302);
        }
        throw err;
      }
    },
  );

  r.get(
    "/api/v1/admin/oidc-providers",
    { schema: { tags: ["admin"], summary: "OpenID Connect providers", response: { 200: z.object({ items: z.array(ZOidcProvider) }), ...errorResponses } } },
    async (req) => {
      requireRole(principalOf(req), "admin");
      return { items: await oidc.listProviders(deps, actorOf(req), baseUrl(deps, req)) };
    },
  );

  r.post(
    "/api/v1/admin/oidc-providers",
    { schema: { tags: ["admin"], summary: "Add an OpenID Connect provider", body: ZCreateOidcProvider, response: { 201: ZOidcProvider, ...errorResponses } } },
    async (req, reply) => {
      requireRole(principalOf(req), "admin");
      return reply.status(201).send(await oidc.createProvider(deps, actorOf(req), req.body, baseUrl(deps, req)));
    },
  );

  r.patch(
    "/api/v1/admin/oidc-providers/:id",
    {
      schema: {
        tags: ["admin"],
        summary: "Change an OpenID Connect provider",
        params: z.object({ id: z.uuid() }),
        body: ZUpdateOidcProvider,
        response: { 200: ZOidcProvider, ...errorResponses },
      },
    },
    async (req) => {
      requireRole(principalOf(req), "admin");
      return oidc.updateProvider(deps, actorOf(req), req.params.id, req.body, baseUrl(deps, req));
    },
  );

  r.delete(
    "/api/v1/admin/oidc-providers/:id",
    {
      schema: { tags: ["admin"], summary: "Remove an OpenID Connect provider", params: z.object({ id: z.uuid() }), response: { 200: ZOk, ...errorResponses } },
    },
    async (req) => {
      requireRole(principalOf(req), "admin");
      await oidc.deleteProvider(deps, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  );
}
