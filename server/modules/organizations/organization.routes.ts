import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZErrorEnvelope, ZOk } from "../../../contracts/common";
import {
  ZBranding,
  ZMemberList,
  ZMember,
  ZOnboardOrganizationRequest,
  ZOnboardOrganizationResponse,
  ZOrganizationDetail,
  ZOrganizationList,
  ZOrganizationSummary,
  ZPutMemberRequest,
  ZServedOrganizations,
  ZSwitchOrganizationRequest,
  ZSwitchOrganizationResponse,
  ZUpdateOrganizationRequest,
  ZUploadLogoRequest,
} from "../../../contracts/organizations";
import type { Deps } from "../../deps";
import { asSystem } from "../../platform/db/db";
import { principalOf } from "../../platform/http/auth";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as members from "./membership.service";
import { onboardOrganization } from "./onboarding.service";
import * as orgs from "./organization.service";

const ZIdParam = z.object({ id: z.uuid() });

/**
 * Active organization switching, memberships, the organization tree, branding and onboarding. These
 * span organizations by nature (a parent's settings, a person's other memberships, a customer below the
 * provider), so they run in the system database context; every service checks who may do what itself
 * (membership for a switch, administering the organization for the rest).
 */
export function registerOrganizationRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/api/v1/session/organization",
    {
      schema: {
        tags: ["auth"],
        summary: "Switch the organization this browser session acts in",
        description: "Only to an organization you are a member of (404 otherwise). API tokens act in their own organization (403).",
        body: ZSwitchOrganizationRequest,
        response: { 200: ZSwitchOrganizationResponse, ...errorResponses },
      },
    },
    async (req) => asSystem(() => members.switchOrganization(deps, principalOf(req), req.body.organizationId, req.ip ?? null)),
  );

  r.get(
    "/api/v1/me/organizations",
    {
      schema: {
        tags: ["me"],
        summary: "My organizations with counts of open work (assigned to me, my groups' unassigned, requested by me)",
        response: { 200: ZOrganizationSummary, ...errorResponses },
      },
    },
    async (req) => asSystem(() => members.organizationSummary(deps, actorOf(req))),
  );

  r.get(
    "/api/v1/branding",
    {
      config: { auth: false },
      schema: {
        tags: ["organizations"],
        summary: "The portal's look: by host name, else the signed-in person's organization",
        response: { 200: ZBranding, 400: ZErrorEnvelope },
      },
    },
    async (req) => {
      // Signed in: the organization acted in wins (a switch changes the look); else the host's.
      return asSystem(() => orgs.brandingFor(deps, req.headers.host, req.principal?.organizationId ?? null));
    },
  );

  r.get(
    "/api/v1/branding/logo/:sha",
    {
      config: { auth: false },
      schema: { tags: ["organizations"], summary: "An organization's logo image", params: z.object({ sha: z.string().regex(/^[0-9a-f]{64}$/) }) },
    },
    async (req, reply) => {
      const l = await asSystem(() => orgs.logoBytes(deps, req.params.sha));
      return reply
        .header("content-type", l.contentType)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "public, max-age=31536000, immutable")
        .send(l.content);
    },
  );

  r.get(
    "/api/v1/admin/organizations",
    { schema: { tags: ["organizations"], summary: "My organization and those below it (admins)", response: { 200: ZOrganizationList, ...errorResponses } } },
    async (req) => asSystem(() => orgs.listOrganizations(deps, actorOf(req))),
  );

  r.post(
    "/api/v1/admin/organizations",
    {
      schema: {
        tags: ["organizations"],
        summary: "Onboard a customer organization: portal, branding, mailbox, first people, copied configuration — in one transaction",
        body: ZOnboardOrganizationRequest,
        response: { 201: ZOnboardOrganizationResponse, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await asSystem(() => onboardOrganization(deps, actorOf(req), req.body))),
  );

  r.get(
    "/api/v1/admin/organizations/:id",
    {
      schema: {
        tags: ["organizations"],
        summary: "An organization's own and effective settings",
        params: ZIdParam,
        response: { 200: ZOrganizationDetail, ...errorResponses },
      },
    },
    async (req) => asSystem(() => orgs.getOrganization(deps, actorOf(req), req.params.id)),
  );

  r.patch(
    "/api/v1/admin/organizations/:id",
    {
      schema: {
        tags: ["organizations"],
        summary: "Rename, move or re-brand an organization",
        params: ZIdParam,
        body: ZUpdateOrganizationRequest,
        response: { 200: ZOrganizationDetail, ...errorResponses },
      },
    },
    async (req) => asSystem(() => orgs.updateOrganization(deps, actorOf(req), req.params.id, req.body)),
  );

  r.put(
    "/api/v1/admin/organizations/:id/logo",
    {
      bodyLimit: 512 * 1024,
      schema: {
        tags: ["organizations"],
        summary: "Upload the organization's logo (PNG, JPEG or WebP, ≤ 256 KiB)",
        params: ZIdParam,
        body: ZUploadLogoRequest,
        response: { 200: ZOrganizationDetail, 413: ZErrorEnvelope, 415: ZErrorEnvelope, ...errorResponses },
      },
    },
    async (req) => asSystem(() => orgs.uploadLogo(deps, actorOf(req), req.params.id, req.body)),
  );

  r.get(
    "/api/v1/admin/organizations/:id/members",
    {
      schema: {
        tags: ["organizations"],
        summary: "People of an organization with their role there",
        params: ZIdParam,
        response: { 200: ZMemberList, ...errorResponses },
      },
    },
    async (req) => asSystem(() => members.listMembers(deps, actorOf(req), req.params.id)),
  );

  r.put(
    "/api/v1/admin/organizations/:id/members",
    {
      schema: {
        tags: ["organizations"],
        summary: "Add a person to an organization (or change their role or organization-manager flag)",
        params: ZIdParam,
        body: ZPutMemberRequest,
        response: { 200: ZMember, ...errorResponses },
      },
    },
    async (req) => asSystem(() => members.putMember(deps, actorOf(req), req.params.id, req.body)),
  );

  r.delete(
    "/api/v1/admin/organizations/:id/members/:userId",
    {
      schema: {
        tags: ["organizations"],
        summary: "End a person's direct membership",
        params: z.object({ id: z.uuid(), userId: z.uuid() }),
        response: { 200: ZOk, ...errorResponses },
      },
    },
    async (req) => {
      await asSystem(() => members.removeMember(deps, actorOf(req), req.params.id, req.params.userId));
      return { ok: true as const };
    },
  );

  r.get(
    "/api/v1/groups/:id/served-organizations",
    {
      schema: {
        tags: ["organizations"],
        summary: "Organizations a provider group serves",
        params: ZIdParam,
        response: { 200: ZServedOrganizations, ...errorResponses },
      },
    },
    async (req) => asSystem(() => members.getServed(deps, actorOf(req), req.params.id)),
  );

  r.put(
    "/api/v1/groups/:id/served-organizations",
    {
      schema: {
        tags: ["organizations"],
        summary: "Set the organizations a provider group serves (its agents get agent membership there)",
        params: ZIdParam,
        body: ZServedOrganizations,
        response: { 200: ZServedOrganizations, ...errorResponses },
      },
    },
    async (req) => asSystem(() => members.setServed(deps, actorOf(req), req.params.id, req.body.organizationIds)),
  );
}
