import { z } from "zod";

/** The second sign-in step: sent instead of a session when the password was right but a second factor is due. */
export const ZMfaChallenge = z.object({
  /** `verify`: enter a code from the authenticator app (or a recovery code); `enrol`: the organization requires MFA and this person must set it up first. */
  mfa: z.enum(["verify", "enrol"]).describe("verify = enter a code; enrol = set up an authenticator first"),
  /** Opaque, short-lived (5 minutes) token for the second step; not a session. */
  challengeToken: z.string().describe("Short-lived token for the second step; not a session"),
  expiresAt: z.string().describe("When the second step must be done by"),
});
export type TMfaChallenge = z.infer<typeof ZMfaChallenge>;

export const ZMfaVerifyRequest = z
  .object({
    challengeToken: z.string().min(10).max(200).describe("From the first sign-in step"),
    /** Six digits from the authenticator app. */
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, "six digits")
      .optional()
      .describe("Six digits from the authenticator app"),
    /** One of the person's single-use recovery codes (instead of `code`). */
    recoveryCode: z.string().trim().min(8).max(20).optional().describe("A single-use recovery code, instead of code"),
  })
  .refine((v) => Boolean(v.code) !== Boolean(v.recoveryCode), { message: "Send either code or recoveryCode", path: ["code"] });
export type TMfaVerifyRequest = z.infer<typeof ZMfaVerifyRequest>;

export const ZMfaChallengeToken = z.object({ challengeToken: z.string().min(10).max(200).describe("From the first sign-in step") });

/** A new, not yet confirmed authenticator secret. */
export const ZMfaSetup = z.object({
  /** Base32 secret, for typing into the app by hand. */
  secret: z.string().describe("Base32 secret, for typing into the app by hand"),
  /** otpauth:// URI (what the QR code encodes). */
  otpauthUri: z.string().describe("otpauth:// URI, encoded in the QR code"),
});

export const ZMfaCode = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "six digits")
    .describe("Six digits from the authenticator app"),
});

export const ZMfaCodeOrRecovery = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, "six digits")
      .optional()
      .describe("Six digits from the authenticator app"),
    recoveryCode: z.string().trim().min(8).max(20).optional().describe("A recovery code, instead of code"),
  })
  .refine((v) => Boolean(v.code) !== Boolean(v.recoveryCode), { message: "Send either code or recoveryCode", path: ["code"] });

/** Shown once: store them somewhere safe; each works once. */
export const ZRecoveryCodes = z.object({ recoveryCodes: z.array(z.string()).describe("Single-use codes, shown once") });

export const ZMfaStatus = z.object({
  enabled: z.boolean(),
  /** True when an authenticator was set up but not yet confirmed with a code. */
  pending: z.boolean(),
  recoveryCodesLeft: z.number().int(),
  /** The organization requires MFA for this person's role. */
  required: z.boolean(),
});

export const ZIdentityPolicy = z.object({
  /** Agents and admins must use a second factor when signing in with a password. */
  requireMfaForStaff: z.boolean().describe("Agents and admins must use a second factor with passwords"),
  /** Off: people sign in through single sign-on (OIDC/LDAP); admins keep password + MFA as the break-glass path. */
  localLoginEnabled: z.boolean().describe("Off: SSO only; admins keep password sign-in as break-glass"),
  /** Role given to people SCIM creates. */
  scimDefaultRole: z.enum(["requester", "agent"]).describe("Role given to people SCIM creates"),
  scimToken: z.object({ prefix: z.string(), createdAt: z.string() }).nullable().describe("The SCIM token in use, if any"),
});
export const ZUpdateIdentityPolicy = z.object({
  requireMfaForStaff: z.boolean().optional(),
  localLoginEnabled: z.boolean().optional(),
  scimDefaultRole: z.enum(["requester", "agent"]).optional(),
});
export const ZCreatedScimToken = z.object({ token: z.string().describe("Bearer token for the identity provider: shown once"), prefix: z.string() });

const ZSlug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes");

/** How the provider's ID-token / userinfo claims map onto a Portico person. */
export const ZClaimMapping = z.object({
  /** Claim holding the email address (default `email`). */
  email: z.string().max(100).optional().describe("Claim with the email address (default email)"),
  /** Claim holding the display name (default `name`). */
  name: z.string().max(100).optional().describe("Claim with the display name (default name)"),
  /** Claim listing the person's groups; when set, staff join the Portico groups of those names and leave the others. */
  groups: z.string().max(100).optional().describe("Claim listing groups; when set, group membership follows it"),
  /** Claim holding role values (besides the groups claim). */
  role: z.string().max(100).optional().describe("Claim with role values"),
  /** Role or group values that make the person an admin. */
  adminValues: z.array(z.string().max(200)).max(50).optional().describe("Role/group values that make an admin"),
  /** Role or group values that make the person an agent. */
  agentValues: z.array(z.string().max(200)).max(50).optional().describe("Role/group values that make an agent"),
  /** Claim that must equal `organizationValue` (e.g. a tenant id), so people of another tenant are refused. */
  organizationClaim: z.string().max(100).optional().describe("Claim that must equal organizationValue (tenant check)"),
  organizationValue: z.string().max(200).optional(),
});

export const ZOidcProvider = z.object({
  id: z.uuid(),
  slug: z.string().describe("Used in the sign-in URL"),
  name: z.string().describe("Shown on the button: Sign in with …"),
  issuer: z.string(),
  clientId: z.string(),
  /** Whether a client secret is stored; the secret itself is never returned. */
  hasClientSecret: z.boolean().describe("A client secret is stored (never returned)"),
  scopes: z.string(),
  claimMapping: ZClaimMapping,
  defaultRole: z.enum(["requester", "agent", "admin"]),
  jitCreate: z.boolean().describe("Create people on their first sign-in"),
  enabled: z.boolean(),
  /** Register this redirect URI at the provider. */
  redirectUri: z.string().describe("Register this redirect URI at the provider"),
  createdAt: z.string(),
});

export const ZCreateOidcProvider = z.object({
  slug: ZSlug.describe("Used in the sign-in URL, e.g. entra"),
  name: z.string().trim().min(1).max(100).describe("Shown on the button: Sign in with …"),
  issuer: z.url().max(500).describe("The provider's issuer URL (its discovery document lives below it)"),
  clientId: z.string().trim().min(1).max(500),
  clientSecret: z.string().min(1).max(2000).optional().describe("Stored, never returned"),
  scopes: z
    .string()
    .trim()
    .max(500)
    .regex(/(^|\s)openid(\s|$)/, "must include openid")
    .default("openid email profile"),
  claimMapping: ZClaimMapping.default({}),
  defaultRole: z.enum(["requester", "agent", "admin"]).default("requester").describe("Role of people created on first sign-in"),
  jitCreate: z.boolean().default(true),
  enabled: z.boolean().default(true),
});
export const ZUpdateOidcProvider = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  issuer: z.url().max(500).optional(),
  clientId: z.string().trim().min(1).max(500).optional(),
  /** A new secret; null removes the stored one; omitted keeps it. */
  clientSecret: z.string().min(1).max(2000).nullable().optional().describe("New secret; null removes it; omit to keep"),
  scopes: z
    .string()
    .trim()
    .max(500)
    .regex(/(^|\s)openid(\s|$)/, "must include openid")
    .optional(),
  claimMapping: ZClaimMapping.optional(),
  defaultRole: z.enum(["requester", "agent", "admin"]).optional(),
  jitCreate: z.boolean().optional(),
  enabled: z.boolean().optional(),
});

/** A "Sign in with …" button on the sign-in page. */
export const ZSignInOption = z.object({ slug: z.string(), name: z.string(), startUrl: z.string() });

export const ZOidcStartQuery = z.object({
  returnTo: z
    .string()
    .max(2000)
    .regex(/^\/(?![/\\])/, "a path on this site")
    .optional()
    .describe("Where to go after signing in (a path on this site)"),
});

export const ZOidcCallbackQuery = z.object({
  code: z.string().max(4000).optional(),
  state: z.string().max(500).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
  iss: z.string().max(500).optional(),
});

/** Machine codes the sign-in page receives as `?ssoError=` when an OpenID sign-in is refused. */
export const SSO_ERRORS = [
  "state_invalid",
  "state_mismatch",
  "provider_error",
  "provider_unreachable",
  "token_rejected",
  "claim_missing",
  "email_unverified",
  "wrong_organization",
  "no_account",
  "account_disabled",
] as const;
export type SsoError = (typeof SSO_ERRORS)[number];

/** Which directory attribute holds which person field (defaults suit OpenLDAP's inetOrgPerson). */
export const ZLdapAttributeMap = z.object({
  login: z.string().max(100).optional().describe("Login attribute (default uid; sAMAccountName for AD)"),
  email: z.string().max(100).optional().describe("default mail"),
  name: z.string().max(100).optional().describe("default cn (displayName for AD)"),
  department: z.string().max(100).optional().describe("default departmentNumber (department for AD)"),
  phone: z.string().max(100).optional().describe("default telephoneNumber"),
  manager: z.string().max(100).optional().describe("Attribute with the manager's DN (default manager)"),
  groupName: z.string().max(100).optional().describe("Group name attribute (default cn)"),
  groupMember: z.string().max(100).optional().describe("Group member attribute holding DNs (default member)"),
});

const ZLdapUrl = z
  .string()
  .trim()
  .max(500)
  .regex(/^ldaps?:\/\/[^\s/]+\/?$/, "ldap://host:port or ldaps://host:port");
const ZFilter = z
  .string()
  .trim()
  .max(1000)
  .regex(/^\(.*\)$/s, "an LDAP filter in parentheses");

export const ZLdapDirectory = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  bindDn: z.string(),
  /** Whether a bind password is stored; it is never returned. */
  hasBindPassword: z.boolean().describe("A bind password is stored (never returned)"),
  baseDn: z.string(),
  userFilter: z.string(),
  groupBaseDn: z.string().nullable(),
  groupFilter: z.string(),
  disabledFilter: z.string().nullable(),
  attributeMap: ZLdapAttributeMap,
  defaultRole: z.enum(["requester", "agent", "admin"]),
  loginEnabled: z.boolean(),
  syncEnabled: z.boolean(),
  lastSyncAt: z.string().nullable(),
  lastSyncResult: z.record(z.string(), z.unknown()).nullable(),
});

export const ZCreateLdapDirectory = z.object({
  name: z.string().trim().min(1).max(100),
  url: ZLdapUrl.describe("ldap://host:port or ldaps://host:port"),
  bindDn: z.string().trim().max(500).default("").describe("Service account DN used to search (empty: anonymous)"),
  bindPassword: z.string().max(500).optional().describe("Stored, never returned"),
  baseDn: z.string().trim().min(1).max(500).describe("Where people are searched"),
  userFilter: ZFilter.default("(objectClass=inetOrgPerson)").describe("Which entries are people"),
  groupBaseDn: z.string().trim().max(500).nullable().default(null).describe("Where groups are searched; empty: no group sync"),
  groupFilter: ZFilter.default("(objectClass=groupOfNames)"),
  /** Entries matching (people filter AND this) are deactivated; AD's userAccountControl disabled bit is always honoured. */
  disabledFilter: ZFilter.nullable().default(null).describe("People matching it are deactivated (AD's disabled bit always counts)"),
  attributeMap: ZLdapAttributeMap.default({}),
  defaultRole: z.enum(["requester", "agent", "admin"]).default("requester"),
  loginEnabled: z.boolean().default(true).describe("Check synced people's passwords against the directory"),
  syncEnabled: z.boolean().default(true).describe("Synchronise on the schedule (every 15 minutes)"),
});
export const ZUpdateLdapDirectory = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  url: ZLdapUrl.optional(),
  bindDn: z.string().trim().max(500).optional(),
  bindPassword: z.string().max(500).nullable().optional().describe("New password; null removes it; omit to keep"),
  baseDn: z.string().trim().min(1).max(500).optional(),
  userFilter: ZFilter.optional(),
  groupBaseDn: z.string().trim().max(500).nullable().optional(),
  groupFilter: ZFilter.optional(),
  disabledFilter: ZFilter.nullable().optional(),
  attributeMap: ZLdapAttributeMap.optional(),
  defaultRole: z.enum(["requester", "agent", "admin"]).optional(),
  loginEnabled: z.boolean().optional(),
  syncEnabled: z.boolean().optional(),
});

export const ZLdapTestResult = z.object({ ok: z.boolean(), people: z.number().int(), message: z.string() });
export const ZLdapSyncResult = z.object({
  seen: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  deactivated: z.number().int(),
  reactivated: z.number().int(),
  managers: z.number().int(),
  groups: z.number().int(),
  skipped: z.array(z.object({ dn: z.string(), reason: z.string() })),
});
