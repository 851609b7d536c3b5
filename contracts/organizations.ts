import { z } from "zod";
import { ZMe, ZRole } from "./identity";
import { ZMailSettings } from "./notifications";

/** Deepest allowed organization tree (root = depth 0). */
export const MAX_ORGANIZATION_DEPTH = 5;

export const ZSwitchOrganizationRequest = z.object({
  organizationId: z.uuid().describe("An organization you are a member of"),
});
export const ZSwitchOrganizationResponse = z.object({
  user: ZMe,
  csrfToken: z.string(),
});

/** Per-organization counts to decide where to switch next (counts only, never the items). */
export const ZOrganizationSummary = z.object({
  items: z.array(
    z.object({
      organization: z.object({ id: z.uuid(), name: z.string(), slug: z.string() }),
      role: ZRole,
      active: z.boolean().describe("The organization this session acts in"),
      /** Open work items assigned to me there (staff). */
      assignedToMe: z.number().int(),
      /** Open work items of my groups there that nobody has taken yet (staff). */
      unassignedInMyGroups: z.number().int(),
      /** Open work items there that nobody is assigned to (staff). */
      unassigned: z.number().int(),
      /** Open work items I requested there. */
      requestedByMe: z.number().int(),
    }),
  ),
});

const hex = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^#[0-9a-f]{6}$/, "a colour like #1a5fb4");
const host = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?$/, "a host name like help.example.com");

/** What an organization sets for itself; null = inherit from the nearest ancestor that sets it. */
export const ZOrganizationProfile = z.object({
  /** Name shown on the portal and in mail (defaults to the organization's name). */
  displayName: z.string().trim().min(1).max(200).nullable(),
  /** Main colour of the portal; must keep white text readable (contrast ≥ 4.5:1). */
  primaryColor: hex.nullable(),
  /** Host name of this organization's portal, e.g. help.acme.example; unique. Not inherited. */
  portalHost: host.nullable(),
  /** Language of the portal and of mail to people without their own. */
  portalLocale: z.string().trim().min(2).max(20).nullable(),
  /** own = requesters see their own tickets; organization = every requester sees all of the organization's. */
  requesterVisibility: z.enum(["own", "organization"]).nullable(),
  /** Business calendar used by default (SLA policies of the organization). */
  defaultCalendarId: z.uuid().nullable(),
});
export type TOrganizationProfile = z.infer<typeof ZOrganizationProfile>;

/** Effective values after inheritance, each with the organization it came from. */
export const ZEffectiveSettings = z.object({
  displayName: z.string(),
  primaryColor: z.string(),
  logoUrl: z.string().nullable(),
  portalLocale: z.string(),
  requesterVisibility: z.enum(["own", "organization"]),
  defaultCalendarId: z.uuid().nullable(),
  /** Setting name → id of the organization whose value applies (absent = built-in default). */
  inheritedFrom: z.record(z.string(), z.uuid()),
});
export type TEffectiveSettings = z.infer<typeof ZEffectiveSettings>;

export const ZOrganizationNode = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  parentId: z.uuid().nullable(),
  depth: z.number().int(),
  memberCount: z.number().int(),
  portalHost: z.string().nullable(),
});
export const ZOrganizationList = z.object({ items: z.array(ZOrganizationNode) });

export const ZOrganizationDetail = ZOrganizationNode.extend({
  profile: ZOrganizationProfile.extend({ logoUrl: z.string().nullable() }),
  effective: ZEffectiveSettings,
});
export type TOrganizationDetail = z.infer<typeof ZOrganizationDetail>;

export const ZUpdateOrganizationRequest = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  /** Move under another organization you administer (no cycles, depth limit). */
  parentId: z.uuid().optional(),
  profile: ZOrganizationProfile.partial().optional(),
});

export const ZUploadLogoRequest = z.object({
  contentType: z.enum(["image/png", "image/jpeg", "image/webp"]),
  /** The image, base64-encoded; at most 256 KiB. */
  dataBase64: z.string().min(4).max(350_000),
});

export const ZMember = z.object({
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: ZRole,
  organizationManager: z.boolean(),
  source: z.enum(["home", "direct", "derived"]),
  active: z.boolean(),
});
export const ZMemberList = z.object({ items: z.array(ZMember) });

export const ZPutMemberRequest = z.object({
  /** An existing person is added; an unknown address creates a person whose home is this organization. */
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200).optional().describe("Needed when the person is new"),
  role: ZRole,
  organizationManager: z.boolean().default(false),
  /** Initial password for a new person (at least 10 characters); omit to let them use SSO or a reset. */
  password: z.string().min(10).max(1024).optional(),
});

export const ZServedOrganizations = z.object({
  /** Organizations whose tickets this group's agents work on (they get agent membership there). */
  organizationIds: z.array(z.uuid()).max(500),
});

/** Public look of a portal: by the request's host name, else the signed-in person's organization. */
export const ZBranding = z.object({
  organizationId: z.uuid().nullable(),
  displayName: z.string(),
  primaryColor: z.string(),
  logoUrl: z.string().nullable(),
  locale: z.string(),
});
export type TBranding = z.infer<typeof ZBranding>;

const ZCopyableConfig = z.enum(["categories", "services", "priorityMatrix", "calendars", "slaPolicies", "groups"]);

/** Onboarding a customer organization in one call. */
export const ZOnboardOrganizationRequest = z.object({
  name: z.string().trim().min(1).max(200),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes"),
  /** Defaults to the organization you act in. */
  parentId: z.uuid().optional(),
  profile: ZOrganizationProfile.partial().optional(),
  /** Sender of the organization's outbound mail (else inherited from the parent). */
  mail: ZMailSettings.optional(),
  /** An inbound mailbox for this organization (SMTP intake address). */
  mailbox: z.object({ address: z.email().max(320), name: z.string().trim().min(1).max(200).optional() }).optional(),
  /** First people: each gets a home membership here (or, if their address exists, a direct membership). */
  users: z.array(ZPutMemberRequest).max(50).default([]),
  /** Copy these parts of the parent's configuration. */
  copyFromParent: z.array(ZCopyableConfig).max(6).default([]),
  /**
   * Configuration as code (YAML as GET /api/v1/config/export gives it: groups, services, categories, desks,
   * calendars, SLA policies, CI classes, catalog items, templates — by name), applied to the new
   * organization in the same transaction, after anything copied from the parent.
   */
  configuration: z.string().max(1_000_000).optional(),
  /** Provider groups (of your organization) that serve the new customer. */
  servingGroupIds: z.array(z.uuid()).max(50).default([]),
});
export type TOnboardOrganizationRequest = z.infer<typeof ZOnboardOrganizationRequest>;

export const ZOnboardOrganizationResponse = z.object({
  organization: ZOrganizationDetail,
  users: z.array(ZMember),
  mailboxId: z.uuid().nullable(),
  copied: z.record(z.string(), z.number().int()),
});

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hexColor: string): number {
  const n = Number.parseInt(hexColor.slice(1), 16);
  const c = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/** WCAG contrast ratio of a colour against white (text on a coloured header or button). */
export function contrastWithWhite(hexColor: string): number {
  return 1.05 / (luminance(hexColor) + 0.05);
}
