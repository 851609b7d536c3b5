import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZErrorEnvelope, ZOk } from "../../../contracts/common";
import { ZLoginResponse } from "../../../contracts/identity";
import {
  ZCreatedScimToken,
  ZIdentityPolicy,
  ZMfaChallengeToken,
  ZMfaCode,
  ZMfaCodeOrRecovery,
  ZMfaSetup,
  ZMfaStatus,
  ZMfaVerifyRequest,
  ZRecoveryCodes,
  ZUpdateIdentityPolicy,
} from "../../../contracts/sso";
import type { Deps } from "../../deps";
import { principalOf, requireRole } from "../../platform/http/auth";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as mfa from "./mfa.service";
import * as policy from "./policy.service";
import { setSessionCookie } from "./session.http";

const publicErrors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 409: ZErrorEnvelope, 429: ZErrorEnvelope } as const;
const signInLimit = { max: 30, timeWindow: "1 minute" } as const;

/** Two-step verification: the second sign-in step, the person's own authenticator, the organization's policy. */
export function registerMfaRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/api/v1/auth/mfa/verify",
    {
      config: { auth: false, rateLimit: signInLimit },
      schema: {
        tags: ["auth"],
        summary: "Second sign-in step: a code from the authenticator or a recovery code",
        body: ZMfaVerifyRequest,
        response: { 200: ZLoginResponse, ...publicErrors },
      },
    },
    async (req, reply) => {
      const s = await mfa.verifyChallenge(deps, req.body, req.ip ?? null, req.headers["user-agent"] ?? null);
      setSessionCookie(reply, deps, s);
      return { user: s.me, csrfToken: s.csrfToken };
    },
  );

  r.post(
    "/api/v1/auth/mfa/setup",
    {
      config: { auth: false, rateLimit: signInLimit },
      schema: {
        tags: ["auth"],
        summary: "Enrolment required by the organization: a new authenticator secret",
        body: ZMfaChallengeToken,
        response: { 200: ZMfaSetup, ...publicErrors },
      },
    },
    async (req) => mfa.setupMfaDuringSignIn(deps, req.body.challengeToken),
  );

  r.post(
    "/api/v1/auth/mfa/activate",
    {
      config: { auth: false, rateLimit: signInLimit },
      schema: {
        tags: ["auth"],
        summary: "Enrolment required by the organization: confirm the authenticator and sign in",
        body: ZMfaChallengeToken.extend(ZMfaCode.shape),
        response: { 200: ZLoginResponse.extend(ZRecoveryCodes.shape), ...publicErrors },
      },
    },
    async (req, reply) => {
      const { session, recoveryCodes } = await mfa.activateMfaDuringSignIn(deps, req.body, req.ip ?? null, req.headers["user-agent"] ?? null);
      setSessionCookie(reply, deps, session);
      return { user: session.me, csrfToken: session.csrfToken, recoveryCodes };
    },
  );

  r.get("/api/v1/me/mfa", { schema: { tags: ["me"], summary: "My two-step verification", response: { 200: ZMfaStatus, ...errorResponses } } }, async (req) =>
    mfa.getMfaStatus(deps, actorOf(req)),
  );

  r.post(
    "/api/v1/me/mfa/setup",
    { schema: { tags: ["me"], summary: "Start setting up an authenticator app", response: { 200: ZMfaSetup, ...errorResponses } } },
    async (req) => mfa.setupMfa(deps, actorOf(req)),
  );

  r.post(
    "/api/v1/me/mfa/activate",
    {
      schema: {
        tags: ["me"],
        summary: "Confirm the authenticator with a first code; returns recovery codes",
        body: ZMfaCode,
        response: { 200: ZRecoveryCodes, ...errorResponses },
      },
    },
    async (req) => ({ recoveryCodes: await mfa.activateMfa(deps, actorOf(req), req.body.code) }),
  );

  r.post(
    "/api/v1/me/mfa/recovery-codes",
    {
      schema: {
        tags: ["me"],
        summary: "New recovery codes (the old ones stop working)",
        body: ZMfaCodeOrRecovery,
        response: { 200: ZRecoveryCodes, ...errorResponses },
      },
    },
    async (req) => ({ recoveryCodes: await mfa.regenerateRecoveryCodes(deps, actorOf(req), req.body) }),
  );

  r.post(
    "/api/v1/me/mfa/disable",
    { schema: { tags: ["me"], summary: "Turn two-step verification off", body: ZMfaCodeOrRecovery, response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      await mfa.disableMfa(deps, actorOf(req), req.body);
      return { ok: true as const };
    },
  );

  r.post(
    "/api/v1/users/:id/mfa/reset",
    {
      schema: {
        tags: ["directory"],
        summary: "Remove a person's authenticator (admins; lost phone)",
        params: z.object({ id: z.uuid() }),
        response: { 200: ZOk, ...errorResponses },
      },
    },
    async (req) => {
      requireRole(principalOf(req), "admin");
      await mfa.resetMfa(deps, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  r.get(
    "/api/v1/admin/identity-policy",
    { schema: { tags: ["admin"], summary: "Identity policy: MFA for staff, password sign-in, SCIM", response: { 200: ZIdentityPolicy, ...errorResponses } } },
    async (req) => {
      requireRole(principalOf(req), "admin");
      return policy.getIdentityPolicy(deps, actorOf(req));
    },
  );

  r.patch(
    "/api/v1/admin/identity-policy",
    { schema: { tags: ["admin"], summary: "Change the identity policy", body: ZUpdateIdentityPolicy, response: { 200: ZIdentityPolicy, ...errorResponses } } },
    async (req) => {
      requireRole(principalOf(req), "admin");
      return policy.updateIdentityPolicy(deps, actorOf(req), req.body);
    },
  );

  r.post(
    "/api/v1/admin/scim-token",
    {
      schema: {
        tags: ["admin"],
        summary: "Issue a new SCIM bearer token (replaces the old one; shown once)",
        response: { 201: ZCreatedScimToken, ...errorResponses },
      },
    },
    async (req, reply) => {
      requireRole(principalOf(req), "admin");
      return reply.status(201).send(await policy.rotateScimToken(deps, actorOf(req)));
    },
  );

  r.delete(
    "/api/v1/admin/scim-token",
    { schema: { tags: ["admin"], summary: "Revoke the SCIM token", response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      requireRole(principalOf(req), "admin");
      await policy.revokeScimToken(deps, actorOf(req));
      return { ok: true as const };
    },
  );
}
