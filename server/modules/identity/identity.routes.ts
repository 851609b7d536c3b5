import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZErrorEnvelope, ZOk } from "../../../contracts/common";
import {
  ZApiToken,
  ZCreatedToken,
  ZCreateGroupRequest,
  ZCreateTokenRequest,
  ZCreateUserRequest,
  ZGroup,
  ZListUsersQuery,
  ZLoginRequest,
  ZLoginResponse,
  ZMe,
  ZSessionResponse,
  ZUpdateGroupRequest,
  ZUpdateUserRequest,
  ZUser,
} from "../../../contracts/identity";
import type { Deps } from "../../deps";
import { principalOf, requireRole, SESSION_COOKIE } from "../../platform/http/auth";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import { ZMfaChallenge } from "../../../contracts/sso";
import * as identity from "./identity.service";
import { setSessionCookie } from "./session.http";

const ZIdParam = z.object({ id: z.uuid() });

/** Sign-in, the caller's profile and tokens, and the people/groups directory. */
export function registerIdentityRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/api/v1/auth/login",
    {
      config: { auth: false, rateLimit: { max: 30, timeWindow: "1 minute" } },
      schema: {
        tags: ["auth"],
        summary: "Sign in with email and password",
        body: ZLoginRequest,
        description: "Opens a session, or answers with a pending second step (`mfa`) when two-step verification is due.",
        response: { 200: z.union([ZLoginResponse, ZMfaChallenge]), 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 429: ZErrorEnvelope },
      },
    },
    async (req, reply) => {
      const s = await identity.login(deps, req.body, req.ip ?? null, req.headers["user-agent"] ?? null);
      if ("mfa" in s) return s;
      setSessionCookie(reply, deps, s);
      return { user: s.me, csrfToken: s.csrfToken };
    },
  );

  r.post("/api/v1/auth/logout", { schema: { tags: ["auth"], summary: "Sign out", response: { 200: ZOk, ...errorResponses } } }, async (req, reply) => {
    await identity.logout(deps, principalOf(req), req.ip ?? null);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return { ok: true as const };
  });

  r.get(
    "/api/v1/auth/session",
    { schema: { tags: ["auth"], summary: "The current browser session and its CSRF token", response: { 200: ZSessionResponse, ...errorResponses } } },
    async (req) => {
      const p = principalOf(req);
      return { user: await identity.getMe(deps, p.userId, p.organizationId), csrfToken: p.csrfToken ?? "" };
    },
  );

  r.get("/api/v1/me", { schema: { tags: ["me"], summary: "Who am I", response: { 200: ZMe, ...errorResponses } } }, async (req) =>
    identity.getMe(deps, principalOf(req).userId, principalOf(req).organizationId),
  );

  r.get(
    "/api/v1/me/tokens",
    { schema: { tags: ["me"], summary: "My personal API tokens", response: { 200: z.object({ items: z.array(ZApiToken) }), ...errorResponses } } },
    async (req) => ({
      items: await identity.listApiTokens(deps, actorOf(req)),
    }),
  );

  r.post(
    "/api/v1/me/tokens",
    {
      schema: {
        tags: ["me"],
        summary: "Create a personal API token (shown once)",
        body: ZCreateTokenRequest,
        response: { 201: ZCreatedToken, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await identity.createApiToken(deps, actorOf(req), req.body)),
  );

  r.delete(
    "/api/v1/me/tokens/:id",
    { schema: { tags: ["me"], summary: "Revoke a token", params: ZIdParam, response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      await identity.revokeApiToken(deps, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  r.get(
    "/api/v1/users",
    {
      schema: {
        tags: ["directory"],
        summary: "People of my organization (staff only)",
        querystring: ZListUsersQuery,
        response: { 200: z.object({ items: z.array(ZUser) }), ...errorResponses },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      requireRole(principalOf(req), "agent");
      return { items: await identity.listUsers(deps, actor, req.query) };
    },
  );

  r.post(
    "/api/v1/users",
    { schema: { tags: ["directory"], summary: "Create a person (admins)", body: ZCreateUserRequest, response: { 201: ZUser, ...errorResponses } } },
    async (req, reply) => {
      requireRole(principalOf(req), "admin");
      return reply.status(201).send(await identity.createUser(deps, actorOf(req), req.body));
    },
  );

  r.patch(
    "/api/v1/users/:id",
    {
      schema: {
        tags: ["directory"],
        summary: "Change a person (admins)",
        params: ZIdParam,
        body: ZUpdateUserRequest,
        response: { 200: ZUser, ...errorResponses },
      },
    },
    async (req) => {
      requireRole(principalOf(req), "admin");
      return identity.updateUser(deps, actorOf(req), req.params.id, req.body);
    },
  );

  r.get(
    "/api/v1/groups",
    { schema: { tags: ["directory"], summary: "Assignment groups", response: { 200: z.object({ items: z.array(ZGroup) }), ...errorResponses } } },
    async (req) => {
      requireRole(principalOf(req), "agent");
      return { items: await identity.listGroups(deps, actorOf(req)) };
    },
  );

  r.post(
    "/api/v1/groups",
    { schema: { tags: ["directory"], summary: "Create a group (admins)", body: ZCreateGroupRequest, response: { 201: ZGroup, ...errorResponses } } },
    async (req, reply) => {
      requireRole(principalOf(req), "admin");
      return reply.status(201).send(await identity.createGroup(deps, actorOf(req), req.body));
    },
  );

  r.patch(
    "/api/v1/groups/:id",
    {
      schema: {
        tags: ["directory"],
        summary: "Change a group (admins)",
        params: ZIdParam,
        body: ZUpdateGroupRequest,
        response: { 200: ZGroup, ...errorResponses },
      },
    },
    async (req) => {
      requireRole(principalOf(req), "admin");
      return identity.updateGroup(deps, actorOf(req), req.params.id, req.body);
    },
  );
}
