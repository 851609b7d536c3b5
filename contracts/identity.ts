import { z } from "zod";

export const ROLES = ["requester", "agent", "admin"] as const;
export const ZRole = z.enum(ROLES);
export type Role = (typeof ROLES)[number];

export const ZLoginRequest = z.object({
  email: z.string().trim().min(3).max(320).describe("The person's email address"),
  password: z.string().min(1).max(1024).describe("The person's password"),
});
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

export const ZOrganization = z.object({ id: z.uuid(), name: z.string(), slug: z.string() });

export const ZMembership = z.object({
  organization: ZOrganization,
  /** The person's role in that organization. */
  role: ZRole,
  /** A requester who sees every ticket of that organization (e.g. the customer's IT manager). */
  organizationManager: z.boolean(),
  /** home = the person's own organization; direct = added by an administrator; derived = granted by a serving group. */
  source: z.enum(["home", "direct", "derived"]),
});
export type TMembership = z.infer<typeof ZMembership>;

export const ZMe = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: ZRole,
  locale: z.string(),
  timeZone: z.string(),
  /** The organization this session acts in (switch with POST /api/v1/session/organization). */
  organization: ZOrganization,
  groups: z.array(z.object({ id: z.uuid(), name: z.string() })),
  /** Every organization the person belongs to, with their role there. */
  memberships: z.array(ZMembership),
});
export type TMe = z.infer<typeof ZMe>;

export const ZLoginResponse = z.object({
  user: ZMe,
  /** Send back in the X-CSRF-Token header on every state-changing request made with the session cookie. */
  csrfToken: z.string().describe("Send back in X-CSRF-Token on every state-changing request"),
});

export const ZSessionResponse = ZLoginResponse;

export const ZCreateTokenRequest = z.object({
  name: z.string().trim().min(1).max(100).describe("What the token is for"),
  /** Days until the token stops working; omit for no expiry. */
  expiresInDays: z.number().int().min(1).max(3650).optional().describe("Days until expiry; omit for none"),
});
export type TCreateTokenRequest = z.infer<typeof ZCreateTokenRequest>;

export const ZApiToken = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe("The first characters of the token, to recognise it"),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export const ZCreatedToken = ZApiToken.extend({
  token: z.string().describe("The secret: shown once, store it now"),
});

export const ZUser = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: ZRole,
  active: z.boolean(),
  /** The person's manager (approves "requester's manager" stages), or null. */
  managerId: z.uuid().nullable().describe("The person's manager, or null"),
});
export type TUser = z.infer<typeof ZUser>;

export const ZListUsersQuery = z.object({
  q: z.string().trim().max(200).optional().describe("Matches name or email"),
  role: z.enum(["requester", "agent", "admin", "staff"]).optional().describe("staff = agents and admins"),
  groupId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const ZCreateUserRequest = z.object({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  role: ZRole,
  password: z.string().min(10).max(1024).optional().describe("At least 10 characters; omit for no local login"),
  locale: z.string().max(20).optional(),
  timeZone: z.string().max(64).optional(),
  managerId: z.uuid().nullable().optional().describe("The person's manager (approves as 'requester's manager')"),
});
export const ZUpdateUserRequest = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  role: ZRole.optional(),
  active: z.boolean().optional(),
  password: z.string().min(10).max(1024).optional(),
  locale: z.string().max(20).optional(),
  timeZone: z.string().max(64).optional(),
  managerId: z.uuid().nullable().optional().describe("The person's manager; null clears it"),
});

export const ZGroup = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  email: z.string().nullable(),
  memberIds: z.array(z.uuid()),
});
export const ZCreateGroupRequest = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000).default(""),
  email: z.email().nullable().optional(),
  memberIds: z.array(z.uuid()).max(500).default([]),
});
export const ZUpdateGroupRequest = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  description: z.string().max(2000).optional(),
  email: z.email().nullable().optional(),
  memberIds: z.array(z.uuid()).max(500).optional(),
});
