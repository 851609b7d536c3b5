import type { z } from "zod";
import {
  SCIM_ENTERPRISE,
  SCIM_GROUP,
  SCIM_LIST,
  SCIM_USER,
  type TScimGroup,
  type TScimPatch,
  type TScimUser,
  type ZScimListQuery,
} from "../../../contracts/scim";
import type { Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import * as repo from "./identity.repo";
import { findOrgByScimToken } from "./mfa.repo";
import { parseScimFilter, ScimFilterError } from "./scim.filter";
import * as scimRepo from "./scim.repo";
import * as sso from "./sso.repo";
import { hashSecret } from "./tokens";

/** A SCIM failure: HTTP status, SCIM error type and a human detail (RFC 7644 §3.12). */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: string | undefined,
    detail: string,
  ) {
    super(detail);
    this.name = "ScimError";
  }
}

/** Who is provisioning: the organization whose SCIM token was presented. */
export interface ScimCaller {
  organizationId: string;
  defaultRole: "requester" | "agent";
  ip: string | null;
  base: string;
}

/** Resolves a SCIM bearer token to its organization (null when unknown or revoked). */
export async function scimCallerFor(deps: Deps, token: string) {
  if (!token.startsWith("pscim_") || token.length > 200) return null;
  return (await findOrgByScimToken(deps.db, hashSecret(token))) ?? null;
}

const isEmail = (s: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s);

function presentUser(u: scimRepo.ScimUserRow, base: string) {
  return {
    schemas: [SCIM_USER, SCIM_ENTERPRISE],
    id: u.id,
    ...(u.external_id ? { externalId: u.external_id } : {}),
    userName: u.email,
    name: { formatted: u.name },
    displayName: u.name,
    active: u.active,
    emails: [{ value: u.email, type: "work", primary: true }],
    ...(u.phone ? { phoneNumbers: [{ value: u.phone, type: "work" }] } : {}),
    [SCIM_ENTERPRISE]: { ...(u.department ? { department: u.department } : {}), ...(u.manager_id ? { manager: { value: u.manager_id } } : {}) },
    meta: {
      resourceType: "User",
      created: new Date(u.created_at).toISOString(),
      lastModified: new Date(u.updated_at).toISOString(),
      location: `${base}/Users/${u.id}`,
      version: `W/"${new Date(u.updated_at).getTime()}"`,
    },
  };
}

function presentGroup(g: scimRepo.ScimGroupRow, base: string) {
  return {
    schemas: [SCIM_GROUP],
    id: g.id,
    ...(g.external_id ? { externalId: g.external_id } : {}),
    displayName: g.name,
    members: g.members.map((m) => ({ value: m.id, display: m.name, $ref: `${base}/Users/${m.id}`, type: "User" })),
    meta: {
      resourceType: "Group",
      created: new Date(g.created_at).toISOString(),
      lastModified: new Date(g.updated_at).toISOString(),
      location: `${base}/Groups/${g.id}`,
      version: `W/"${new Date(g.updated_at).getTime()}"`,
    },
  };
}

function parseFilter(filter: string | undefined) {
  if (!filter) return null;
  try {
    return parseScimFilter(filter);
  } catch (err) {
    if (err instanceof ScimFilterError) throw new ScimError(400, "invalidFilter", `Invalid filter: ${err.message}`);
    throw err;
  }
}

async function listWith<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof scimRepo.ScimFilterTargetError) throw new ScimError(400, "invalidFilter", err.message);
    throw err;
  }
}

/** Lists people with a SCIM filter and 1-based pagination. */
export async function listUsers(deps: Deps, c: ScimCaller, q: z.infer<typeof ZScimListQuery>) {
  const filter = parseFilter(q.filter);
  const { total, rows } = await listWith(() => scimRepo.listScimUsers(deps.db, c.organizationId, filter, q.startIndex - 1, q.count));
  return { schemas: [SCIM_LIST], totalResults: total, startIndex: q.startIndex, itemsPerPage: rows.length, Resources: rows.map((u) => presentUser(u, c.base)) };
}

/** Lists groups with a SCIM filter and 1-based pagination (members left out when asked). */
export async function listGroups(deps: Deps, c: ScimCaller, q: z.infer<typeof ZScimListQuery>, withMembers: boolean) {
  const filter = parseFilter(q.filter);
  const { total, rows } = await listWith(() => scimRepo.listScimGroups(deps.db, c.organizationId, filter, q.startIndex - 1, q.count, withMembers));
  return {
    schemas: [SCIM_LIST],
    totalResults: total,
    startIndex: q.startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((g) => presentGroup(g, c.base)),
  };
}

const notFound = (what: string, id: string) => new ScimError(404, undefined, `${what} ${id} not found`);

/** One person. */
export async function getUser(deps: Deps, c: ScimCaller, id: string) {
  const u = await scimRepo.findScimUser(deps.db, c.organizationId, id);
  if (!u) throw notFound("User", id);
  return presentUser(u, c.base);
}

/** One group with its members. */
export async function getGroup(deps: Deps, c: ScimCaller, id: string) {
  const g = await scimRepo.findScimGroup(deps.db, c.organizationId, id);
  if (!g) throw notFound("Group", id);
  return presentGroup(g, c.base);
}

/** The person's fields Portico keeps, as SCIM attributes change them. */
interface UserDraft {
  email: string;
  name: string;
  externalId: string | null;
  active: boolean;
  department: string | null;
  phone: string | null;
  managerId: string | null;
  given?: string | null;
  family?: string | null;
}

function pick(list: { value?: string; type?: string; primary?: boolean }[] | null | undefined): string | null {
  if (!list?.length) return null;
  return (list.find((e) => e.primary) ?? list.find((e) => e.type === "work") ?? list[0]).value ?? null;
}

function draftFromResource(body: TScimUser, prev: UserDraft | null): UserDraft {
  const email = pick(body.emails) ?? body.userName;
  const given = body.name?.givenName ?? null;
  const family = body.name?.familyName ?? null;
  const name = body.displayName || body.name?.formatted || [given, family].filter(Boolean).join(" ") || prev?.name || email;
  const ent = body[SCIM_ENTERPRISE];
  const manager = ent?.manager;
  return {
    email,
    name,
    externalId: body.externalId ?? null,
    active: body.active ?? prev?.active ?? true,
    department: ent?.department ?? null,
    phone: pick(body.phoneNumbers),
    managerId: manager ? (typeof manager === "string" ? manager : (manager.value ?? null)) : null,
  };
}

async function checkDraft(tx: DbOrTx, orgId: string, d: UserDraft, selfId: string | null) {
  if (!isEmail(d.email)) throw new ScimError(400, "invalidValue", "userName (or a primary email) must be an email address: Portico signs people in by email");
  const byEmail = await sso.findUserByEmail(tx, d.email);
  if (byEmail && byEmail.id !== selfId) throw new ScimError(409, "uniqueness", `A person with the email ${d.email} already exists`);
  if (d.externalId) {
    const clash = await tx.selectFrom("users").select("id").where("organization_id", "=", orgId).where("external_id", "=", d.externalId).executeTakeFirst();
    if (clash && clash.id !== selfId) throw new ScimError(409, "uniqueness", `externalId ${d.externalId} is already in use`);
  }
  if (d.managerId) {
    const [m] = await scimRepo.findPeople(tx, orgId, [d.managerId]);
    if (!m || d.managerId === selfId) throw new ScimError(400, "invalidValue", `manager ${d.managerId} is not a person of this organization`);
  }
}

async function auditUser(tx: DbOrTx, c: ScimCaller, action: string, userId: string, data: Record<string, unknown> = {}) {
  await repo.insertAudit(tx, {
    organizationId: c.organizationId,
    actorId: null,
    action,
    entityType: "user",
    entityId: userId,
    data: { source: "scim", ...data },
    ip: c.ip,
  });
}

/** Writes a draft onto a person; deactivation ends their sessions at once. */
async function writeUser(tx: DbOrTx, c: ScimCaller, u: scimRepo.ScimUserRow, d: UserDraft) {
  if (d.given !== undefined || d.family !== undefined) {
    const parts = u.name.split(" ");
    d.name =
      [d.given ?? (parts.length > 1 ? parts.slice(0, -1).join(" ") : parts[0]), d.family ?? (parts.length > 1 ? parts.at(-1) : "")].filter(Boolean).join(" ") ||
      d.name;
  }
  await checkDraft(tx, c.organizationId, d, u.id);
  await sso.updateProvisionedUser(tx, c.organizationId, u.id, {
    email: d.email,
    name: d.name.slice(0, 200),
    external_id: d.externalId,
    active: d.active,
    department: d.department,
    phone: d.phone,
    manager_id: d.managerId,
  });
  if (u.active && !d.active) {
    await repo.deleteSessionsOfUser(tx, u.id);
    await auditUser(tx, c, "user.deprovisioned", u.id, { reason: "active=false" });
  } else if (!u.active && d.active) await auditUser(tx, c, "user.reprovisioned", u.id);
  const changed = Object.entries({
    email: d.email !== u.email,
    name: d.name !== u.name,
    externalId: d.externalId !== u.external_id,
    department: d.department !== u.department,
    phone: d.phone !== u.phone,
    manager: d.managerId !== u.manager_id,
  })
    .filter(([, v]) => v)
    .map(([k]) => k);
  if (changed.length) await auditUser(tx, c, "user.synced", u.id, { changed });
  const fresh = await scimRepo.findScimUser(tx, c.organizationId, u.id);
  if (!fresh) throw new Error("person vanished");
  return presentUser(fresh, c.base);
}

/** Creates a person (role from the organization's SCIM default); a person deleted through SCIM before comes back. */
export async function createUser(deps: Deps, c: ScimCaller, body: TScimUser) {
  return withTx(deps.db, async (tx) => {
    const d = draftFromResource(body, null);
    const revived = isEmail(d.email) ? await scimRepo.findDeprovisionedByEmail(tx, c.organizationId, d.email) : undefined;
    if (revived) {
      await tx.updateTable("users").set({ deprovisioned_at: null }).where("id", "=", revived.id).execute();
      const u = await scimRepo.findScimUser(tx, c.organizationId, revived.id, true);
      if (!u) throw new Error("person vanished");
      return writeUser(tx, c, { ...u, active: false }, d);
    }
    await checkDraft(tx, c.organizationId, d, null);
    const u = await sso.insertProvisionedUser(tx, {
      organizationId: c.organizationId,
      email: d.email,
      name: d.name.slice(0, 200),
      role: c.defaultRole,
      externalId: d.externalId,
      department: d.department,
      phone: d.phone,
      active: d.active,
    });
    if (d.managerId) await sso.updateProvisionedUser(tx, c.organizationId, u.id, { manager_id: d.managerId });
    await auditUser(tx, c, "user.provisioned", u.id, { email: d.email, role: u.role, active: d.active });
    const fresh = await scimRepo.findScimUser(tx, c.organizationId, u.id);
    if (!fresh) throw new Error("person vanished");
    return presentUser(fresh, c.base);
  });
}

/** Replaces a person's provisioned fields (PUT). */
export async function replaceUser(deps: Deps, c: ScimCaller, id: string, body: TScimUser) {
  return withTx(deps.db, async (tx) => {
    const u = await scimRepo.findScimUser(tx, c.organizationId, id, true);
    if (!u) throw notFound("User", id);
    return writeUser(tx, c, u, draftFromResource(body, current(u)));
  });
}

function current(u: scimRepo.ScimUserRow): UserDraft {
  return { email: u.email, name: u.name, externalId: u.external_id, active: u.active, department: u.department, phone: u.phone, managerId: u.manager_id };
}

const str = (v: unknown, path: string): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "object" && v && "value" in v) return str((v as { value: unknown }).value, path);
  if (Array.isArray(v)) return str(v[0], path);
  throw new ScimError(400, "invalidValue", `${path} must be a string`);
};
const bool = (v: unknown, path: string): boolean => {
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  throw new ScimError(400, "invalidValue", `${path} must be true or false`);
};

/** Applies one attribute of a PATCH to the draft; attributes Portico does not keep are ignored, as SCIM allows. */
function applyUserAttr(d: UserDraft, rawPath: string, value: unknown, remove: boolean): void {
  let path = rawPath.trim();
  const lower = path.toLowerCase();
  if (lower.startsWith(`${SCIM_USER.toLowerCase()}:`)) path = path.slice(SCIM_USER.length + 1);
  else if (lower.startsWith(`${SCIM_ENTERPRISE.toLowerCase()}:`)) path = `enterprise.${path.slice(SCIM_ENTERPRISE.length + 1)}`;
  else if (lower === SCIM_ENTERPRISE.toLowerCase()) {
    for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) applyUserAttr(d, `enterprise.${k}`, v, remove);
    return;
  }
  const p = path.toLowerCase().replace(/\[[^\]]*\]/g, (m) => (/type eq "work"|primary eq true/i.test(m) ? "" : m));
  if (/\[|\]/.test(p) && !/^(emails|phonenumbers|addresses|ims|photos|entitlements|roles|x509certificates)\[/.test(p))
    throw new ScimError(400, "invalidPath", `Unsupported path ${rawPath}`);
  switch (p) {
    case "active":
      if (remove) throw new ScimError(400, "mutability", "active cannot be removed");
      d.active = bool(value, "active");
      return;
    case "username":
      if (remove) throw new ScimError(400, "mutability", "userName cannot be removed");
      d.email = str(value, "userName") ?? d.email;
      return;
    case "emails":
    case "emails.value": {
      const v = Array.isArray(value) ? pick(value as { value?: string; primary?: boolean; type?: string }[]) : str(value, "emails");
      if (v && !remove) d.email = v;
      return;
    }
    case "displayname":
    case "name.formatted":
      if (!remove && str(value, path)) d.name = str(value, path) as string;
      return;
    case "name":
      if (value && typeof value === "object") for (const [k, v] of Object.entries(value as Record<string, unknown>)) applyUserAttr(d, `name.${k}`, v, remove);
      return;
    case "name.givenname":
      d.given = remove ? null : str(value, path);
      return;
    case "name.familyname":
      d.family = remove ? null : str(value, path);
      return;
    case "externalid":
      d.externalId = remove ? null : str(value, path);
      return;
    case "phonenumbers":
    case "phonenumbers.value":
      d.phone = remove ? null : Array.isArray(value) ? pick(value as { value?: string }[]) : str(value, path);
      return;
    case "enterprise.department":
      d.department = remove ? null : str(value, path);
      return;
    case "enterprise.manager":
    case "enterprise.manager.value":
      d.managerId = remove ? null : str(value, path);
      return;
    default:
      return;
  }
}

/** PATCH on a person: add / replace / remove operations (active=false deactivates and ends sessions). */
export async function patchUser(deps: Deps, c: ScimCaller, id: string, body: TScimPatch) {
  return withTx(deps.db, async (tx) => {
    const u = await scimRepo.findScimUser(tx, c.organizationId, id, true);
    if (!u) throw notFound("User", id);
    const d = current(u);
    for (const op of body.Operations) {
      if (op.path) applyUserAttr(d, op.path, op.value, op.op === "remove");
      else if (op.op === "remove") throw new ScimError(400, "noTarget", "remove needs a path");
      else if (op.value && typeof op.value === "object" && !Array.isArray(op.value)) {
        for (const [k, v] of Object.entries(op.value as Record<string, unknown>)) applyUserAttr(d, k, v, false);
      } else throw new ScimError(400, "invalidValue", "An operation without a path needs an object value");
    }
    return writeUser(tx, c, u, d);
  });
}

/** DELETE: the person is deactivated at once (sessions ended, out of their groups) and disappears from SCIM; their tickets keep their name. */
export async function deleteUser(deps: Deps, c: ScimCaller, id: string): Promise<void> {
  await withTx(deps.db, async (tx) => {
    const u = await scimRepo.findScimUser(tx, c.organizationId, id, true);
    if (!u) throw notFound("User", id);
    await scimRepo.markDeprovisioned(tx, c.organizationId, id);
    await repo.deleteSessionsOfUser(tx, id);
    await repo.removeFromAllGroups(tx, id);
    await auditUser(tx, c, "user.deprovisioned", id, { reason: "deleted", email: u.email });
  });
}

/** Members must be active staff: Portico's groups are assignment groups. */
async function checkMembers(tx: DbOrTx, orgId: string, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const people = await scimRepo.findPeople(tx, orgId, unique);
  const known = new Map(people.map((p) => [p.id, p]));
  const missing = unique.filter((id) => !known.has(id));
  if (missing.length) throw new ScimError(400, "invalidValue", `Unknown members: ${missing.slice(0, 10).join(", ")}`);
  const requesters = people.filter((p) => p.role === "requester");
  if (requesters.length)
    throw new ScimError(
      400,
      "invalidValue",
      `Groups are assignment groups and hold agents and admins only; requesters: ${requesters
        .slice(0, 10)
        .map((p) => p.id)
        .join(", ")}`,
    );
  return unique;
}

async function groupNameFree(tx: DbOrTx, orgId: string, name: string, selfId: string | null) {
  const [clash] = await sso.findGroupsByNames(tx, orgId, [name]);
  if (clash && clash.id !== selfId) throw new ScimError(409, "uniqueness", `A group named ${name} already exists`);
}

async function auditGroup(tx: DbOrTx, c: ScimCaller, action: string, groupId: string, data: Record<string, unknown> = {}) {
  await repo.insertAudit(tx, {
    organizationId: c.organizationId,
    actorId: null,
    action,
    entityType: "group",
    entityId: groupId,
    data: { source: "scim", ...data },
    ip: c.ip,
  });
}

async function reload(tx: DbOrTx, c: ScimCaller, id: string) {
  const g = await scimRepo.findScimGroup(tx, c.organizationId, id);
  if (!g) throw new Error("group vanished");
  return presentGroup(g, c.base);
}

/** Creates a group with its members. */
export async function createGroup(deps: Deps, c: ScimCaller, body: TScimGroup) {
  return withTx(deps.db, async (tx) => {
    await groupNameFree(tx, c.organizationId, body.displayName, null);
    const members = await checkMembers(
      tx,
      c.organizationId,
      (body.members ?? []).map((m) => m.value),
    );
    const g = await scimRepo.insertScimGroup(tx, c.organizationId, body.displayName, body.externalId ?? null);
    await scimRepo.addMembers(tx, c.organizationId, g.id, members);
    await auditGroup(tx, c, "group.provisioned", g.id, { name: body.displayName, memberIds: members });
    return reload(tx, c, g.id);
  });
}

/** Replaces a group's name and members (PUT). */
export async function replaceGroup(deps: Deps, c: ScimCaller, id: string, body: TScimGroup) {
  return withTx(deps.db, async (tx) => {
    const g = await scimRepo.findScimGroup(tx, c.organizationId, id);
    if (!g) throw notFound("Group", id);
    await groupNameFree(tx, c.organizationId, body.displayName, id);
    const members = await checkMembers(
      tx,
      c.organizationId,
      (body.members ?? []).map((m) => m.value),
    );
    await scimRepo.updateGroupFields(tx, c.organizationId, id, { name: body.displayName, external_id: body.externalId ?? null });
    await scimRepo.removeMembers(
      tx,
      id,
      g.members.map((m) => m.id).filter((m) => !members.includes(m)),
    );
    await scimRepo.addMembers(tx, c.organizationId, id, members);
    await auditGroup(tx, c, "group.synced", id, { name: body.displayName, memberIds: members });
    return reload(tx, c, id);
  });
}

const memberIds = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).map((m) => (typeof m === "string" ? m : String((m as { value?: unknown }).value ?? ""))).filter(Boolean);

/** PATCH on a group: members add / remove (by value filter or list) / replace, displayName, externalId. */
export async function patchGroup(deps: Deps, c: ScimCaller, id: string, body: TScimPatch) {
  return withTx(deps.db, async (tx) => {
    const g = await scimRepo.findScimGroup(tx, c.organizationId, id);
    if (!g) throw notFound("Group", id);
    let members = new Set(g.members.map((m) => m.id));
    let name = g.name;
    let externalId = g.external_id;
    for (const op of body.Operations) {
      const path = (op.path ?? "").trim();
      const filtered = /^members\[\s*value\s+eq\s+"([^"]+)"\s*\]$/i.exec(path);
      const lower = path.toLowerCase();
      if (filtered) {
        if (op.op !== "remove") throw new ScimError(400, "invalidPath", "A member filter path is only used with remove");
        members.delete(filtered[1]);
      } else if (lower === "members") {
        const ids = memberIds(op.value);
        if (op.op === "add") for (const m of await checkMembers(tx, c.organizationId, ids)) members.add(m);
        else if (op.op === "replace") members = new Set(await checkMembers(tx, c.organizationId, ids));
        else if (ids.length) for (const m of ids) members.delete(m);
        else members.clear();
      } else if (lower === "displayname") {
        if (op.op === "remove") throw new ScimError(400, "mutability", "displayName cannot be removed");
        name = str(op.value, "displayName") ?? name;
      } else if (lower === "externalid") externalId = op.op === "remove" ? null : str(op.value, "externalId");
      else if (!path && op.op !== "remove" && op.value && typeof op.value === "object") {
        const v = op.value as Record<string, unknown>;
        if (typeof v.displayName === "string") name = v.displayName;
        if ("externalId" in v) externalId = str(v.externalId, "externalId");
        if ("members" in v) for (const m of await checkMembers(tx, c.organizationId, memberIds(v.members))) members.add(m);
      } else if (path.startsWith("members[") || !path) throw new ScimError(400, "invalidPath", `Unsupported path ${path || "(none)"}`);
    }
    if (name !== g.name) await groupNameFree(tx, c.organizationId, name, id);
    const before = new Set(g.members.map((m) => m.id));
    const added = [...members].filter((m) => !before.has(m));
    const removed = [...before].filter((m) => !members.has(m));
    await scimRepo.updateGroupFields(tx, c.organizationId, id, { name: name.slice(0, 120), external_id: externalId });
    await scimRepo.addMembers(tx, c.organizationId, id, added);
    await scimRepo.removeMembers(tx, id, removed);
    await auditGroup(tx, c, "group.synced", id, { ...(name !== g.name ? { name } : {}), added, removed });
    return reload(tx, c, id);
  });
}

/** DELETE: the group is retired (members leave; its tickets keep its name). */
export async function deleteGroup(deps: Deps, c: ScimCaller, id: string): Promise<void> {
  await withTx(deps.db, async (tx) => {
    const g = await scimRepo.findScimGroup(tx, c.organizationId, id);
    if (!g) throw notFound("Group", id);
    await scimRepo.removeMembers(
      tx,
      id,
      g.members.map((m) => m.id),
    );
    // Frees the name for a new group (names are unique per organization, retired ones included).
    await scimRepo.updateGroupFields(tx, c.organizationId, id, {
      active: false,
      external_id: null,
      name: `${g.name.slice(0, 90)} (retired ${id.slice(0, 8)})`,
    });
    await auditGroup(tx, c, "group.deprovisioned", id, { name: g.name });
  });
}
