import { createHash } from "node:crypto";
import type { z } from "zod";
import {
  MAX_ORGANIZATION_DEPTH,
  type TBranding,
  type TEffectiveSettings,
  type TOrganizationDetail,
  type ZUpdateOrganizationRequest,
  type ZUploadLogoRequest,
} from "../../../contracts/organizations";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { publishLive } from "../../platform/live/live";
import { insertAudit } from "../identity/identity.repo";
import { upsertBlob } from "../work-items/work-item.repo";
import * as repo from "./organization.repo";
import { colorIsReadable, logoUrl, resolveSettings, SETTING_DEFAULTS } from "./organization.settings";

/**
 * Who may administer an organization: an admin acting in it or in one of its ancestors (a provider's
 * admin manages its customers and their subsidiaries). Anything else is "not found".
 */
export async function assertAdministers(db: DbOrTx, actor: Actor, orgId: string): Promise<void> {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Administrators only");
  const chain = await repo.orgChain(db, orgId);
  if (!chain.includes(actor.organizationId)) throw notFound("Organization");
}

/** Effective settings of an organization: its own values over its nearest ancestors' over defaults. */
export async function effectiveSettingsOf(db: DbOrTx, orgId: string): Promise<TEffectiveSettings> {
  const [chain, org] = await Promise.all([repo.orgChain(db, orgId), repo.findOrganization(db, orgId)]);
  if (!org) throw notFound("Organization");
  return resolveSettings(chain, await repo.profilesOf(db, chain), org.name);
}

/** The caller's organization and everything below it. */
export async function listOrganizations(deps: Deps, actor: Actor) {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Administrators only");
  const rows = await repo.subtree(deps.db, actor.organizationId);
  return { items: rows.map(presentNode) };
}

function presentNode(r: Awaited<ReturnType<typeof repo.subtree>>[number]) {
  return { id: r.id, name: r.name, slug: r.slug, parentId: r.parent_id, depth: r.depth, memberCount: r.member_count, portalHost: r.portal_host };
}

/** One organization with what it sets itself and what applies after inheritance. */
export async function getOrganization(deps: Deps, actor: Actor, orgId: string, db: DbOrTx = deps.db): Promise<TOrganizationDetail> {
  await assertAdministers(db, actor, orgId);
  const node = (await repo.subtree(db, orgId))[0];
  if (!node) throw notFound("Organization");
  const [p] = await repo.profilesOf(db, [orgId]);
  const depth = (await repo.orgChain(db, orgId)).length - 1;
  return {
    ...presentNode(node),
    depth,
    profile: {
      displayName: p?.display_name ?? null,
      primaryColor: p?.primary_color ?? null,
      portalHost: p?.portal_host ?? null,
      portalLocale: p?.portal_locale ?? null,
      requesterVisibility: p?.requester_visibility ?? null,
      defaultCalendarId: p?.default_calendar_id ?? null,
      logoUrl: logoUrl(p?.logo_sha256 ?? null),
    },
    effective: await effectiveSettingsOf(db, orgId),
  };
}

type ProfileInput = NonNullable<z.infer<typeof ZUpdateOrganizationRequest>["profile"]>;

/** Checks and writes profile values (colour contrast, unique host) in the caller's transaction. */
export async function writeProfile(tx: DbOrTx, orgId: string, p: ProfileInput): Promise<void> {
  if (p.primaryColor && !colorIsReadable(p.primaryColor))
    throw invalidField("body.profile.primaryColor", "too light: white text on it would be hard to read (contrast below 4.5:1)");
  if (p.portalHost) {
    const owner = await repo.findOrgByHost(tx, p.portalHost);
    if (owner && owner !== orgId)
      throw new AppError("CONFLICT", "Another organization uses this portal host name", [{ field: "body.profile.portalHost", message: "taken" }]);
  }
  const set: repo.ProfileColumns = {};
  if (p.displayName !== undefined) set.display_name = p.displayName;
  if (p.primaryColor !== undefined) set.primary_color = p.primaryColor;
  if (p.portalHost !== undefined) set.portal_host = p.portalHost;
  if (p.portalLocale !== undefined) set.portal_locale = p.portalLocale;
  if (p.requesterVisibility !== undefined) set.requester_visibility = p.requesterVisibility;
  if (p.defaultCalendarId !== undefined) set.default_calendar_id = p.defaultCalendarId;
  if (Object.keys(set).length) await repo.upsertProfile(tx, orgId, set);
}

/** Refuses a parent that would make a cycle or a tree deeper than the limit. */
export async function assertParent(db: DbOrTx, actor: Actor, orgId: string | null, parentId: string): Promise<void> {
  await assertAdministers(db, actor, parentId);
  const chain = await repo.orgChain(db, parentId);
  if (orgId && chain.includes(orgId)) throw invalidField("body.parentId", "an organization cannot sit below itself");
  const below = orgId ? await repo.heightBelow(db, orgId) : 0;
  if (chain.length + below + 1 > MAX_ORGANIZATION_DEPTH)
    throw invalidField("body.parentId", `organizations nest at most ${MAX_ORGANIZATION_DEPTH} levels deep`);
}

/** Renames, moves or re-brands an organization the caller administers. */
export async function updateOrganization(deps: Deps, actor: Actor, orgId: string, input: z.infer<typeof ZUpdateOrganizationRequest>) {
  await assertAdministers(deps.db, actor, orgId);
  return withTx(deps.db, async (tx) => {
    if (input.parentId !== undefined) {
      if (orgId === actor.organizationId) throw invalidField("body.parentId", "you cannot move the organization you act in");
      await assertParent(tx, actor, orgId, input.parentId);
    }
    if (input.name !== undefined || input.parentId !== undefined) await repo.updateOrganization(tx, orgId, { name: input.name, parent_id: input.parentId });
    if (input.profile) await writeProfile(tx, orgId, input.profile);
    // Requesters' live streams were opened under the old sharing rule: end them here and below (inherited).
    if (input.profile?.requesterVisibility !== undefined)
      for (const o of await repo.subtree(tx, orgId)) await publishLive(tx, { type: "organization.sharing_changed", organizationId: o.id, id: o.id });
    await insertAudit(tx, {
      organizationId: orgId,
      actorId: actor.userId,
      action: "organization.updated",
      entityType: "organization",
      entityId: orgId,
      data: { ...input, by_organization: actor.organizationId },
      ip: actor.ip,
    });
    return getOrganization(deps, actor, orgId, tx);
  });
}

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  "image/png": (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/webp": (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
};

/** Stores a logo image (content-addressed like attachments) as the organization's. */
export async function uploadLogo(deps: Deps, actor: Actor, orgId: string, input: z.infer<typeof ZUploadLogoRequest>) {
  await assertAdministers(deps.db, actor, orgId);
  const bytes = Buffer.from(input.dataBase64, "base64");
  if (bytes.length === 0 || bytes.length > 256 * 1024) throw new AppError("PAYLOAD_TOO_LARGE", "A logo may be at most 256 KiB");
  if (!MAGIC[input.contentType](bytes)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", `That file is not a ${input.contentType} image`);
  const sha = createHash("sha256").update(bytes).digest("hex");
  return withTx(deps.db, async (tx) => {
    await upsertBlob(tx, sha, bytes);
    await repo.upsertProfile(tx, orgId, { logo_sha256: sha, logo_content_type: input.contentType });
    await insertAudit(tx, {
      organizationId: orgId,
      actorId: actor.userId,
      action: "organization.logo_changed",
      entityType: "organization",
      entityId: orgId,
      data: { sha256: sha, size: bytes.length },
      ip: actor.ip,
    });
    return getOrganization(deps, actor, orgId, tx);
  });
}

/**
 * The portal's look: the organization owning the request's host name, else the signed-in person's
 * active organization, else the built-in look. Public (the sign-in page needs it).
 */
export async function brandingFor(deps: Deps, host: string | undefined, activeOrgId: string | null): Promise<TBranding> {
  // The host as sent (name:port), else the bare name: a portal host may be stored either way.
  const h = host?.toLowerCase();
  const hostOrg = h ? ((await repo.findOrgByHost(deps.db, h)) ?? (await repo.findOrgByHost(deps.db, h.replace(/:\d+$/, "")))) : undefined;
  const orgId = activeOrgId ?? hostOrg ?? null;
  if (!orgId)
    return { organizationId: null, displayName: "Portico", primaryColor: SETTING_DEFAULTS.primaryColor, logoUrl: null, locale: SETTING_DEFAULTS.portalLocale };
  const s = await effectiveSettingsOf(deps.db, orgId);
  return { organizationId: orgId, displayName: s.displayName, primaryColor: s.primaryColor, logoUrl: s.logoUrl, locale: s.portalLocale };
}

/** A logo image by its hash, only if some organization uses it as its logo (never any other blob). */
export async function logoBytes(deps: Deps, sha: string) {
  const r = await repo.findLogo(deps.db, sha);
  if (!r) throw notFound("Logo");
  return { content: r.content, contentType: r.logo_content_type ?? "application/octet-stream" };
}
