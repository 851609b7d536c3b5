import { Client, type Entry } from "ldapts";
import type { Role } from "../../../contracts/identity";
import type { Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import * as repo from "./identity.repo";
import * as ldapRepo from "./ldap.repo";
import { verifyPassword } from "./password";
import * as sso from "./sso.repo";
import type { LdapAttributeMap } from "./sso.tables";
import { openSecret } from "../../platform/secrets";

const DEFAULT_MAP: Required<LdapAttributeMap> = {
  login: "uid",
  email: "mail",
  name: "cn",
  department: "departmentNumber",
  phone: "telephoneNumber",
  manager: "manager",
  externalId: "entryUUID",
  groupName: "cn",
  groupMember: "member",
};

type Directory = NonNullable<Awaited<ReturnType<typeof ldapRepo.findDirectory>>>;

/** The directory's attribute map with defaults filled in. */
export function attributeMap(d: { attribute_map: LdapAttributeMap }): Required<LdapAttributeMap> {
  return { ...DEFAULT_MAP, ...Object.fromEntries(Object.entries(d.attribute_map ?? {}).filter(([, v]) => v)) };
}

/** Escapes a value for use inside an LDAP filter (RFC 4515). */
export function escapeFilterValue(v: string): string {
  return v.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function first(e: Entry, attr: string): string | null {
  const key = Object.keys(e).find((k) => k.toLowerCase() === attr.toLowerCase());
  if (!key) return null;
  const v = e[key];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined || one === null) return null;
  const s = Buffer.isBuffer(one) ? one.toString("utf8") : String(one);
  return s.trim() || null;
}

function all(e: Entry, attr: string): string[] {
  const key = Object.keys(e).find((k) => k.toLowerCase() === attr.toLowerCase());
  if (!key) return [];
  const v = e[key];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString("utf8") : String(x)));
}

const normDn = (dn: string) => dn.replace(/\s*,\s*/g, ",").toLowerCase();

async function connect<T>(d: Pick<Directory, "url" | "bind_dn" | "bind_password">, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url: d.url, timeout: 10_000, connectTimeout: 5_000 });
  try {
    if (d.bind_dn) await client.bind(d.bind_dn, d.bind_password ? openSecret(d.bind_password) : "");
    return await fn(client);
  } finally {
    await client.unbind().catch(() => {});
  }
}

export interface PasswordCheck {
  user: Awaited<ReturnType<typeof repo.findUserForLogin>>;
  ok: boolean;
  method: "password" | "ldap";
  reason?: "account_disabled" | "directory_unreachable" | "directory_rejected";
}

/**
 * Checks a password: against the person's LDAP directory (a bind as their entry) when they were synced
 * from one with sign-in on, otherwise against the local argon2 hash.
 */
export async function checkPassword(deps: Deps, email: string, password: string): Promise<PasswordCheck> {
  const user = await repo.findUserForLogin(deps.db, email);
  const dir = user ? await ldapRepo.findLoginDirectoryOfUser(deps.db, user.id) : undefined;
  if (!user || !dir) return { user, ok: await verifyPassword(user?.active ? user.password_hash : null, password), method: "password" };
  if (!user.active) return { user, ok: false, method: "ldap", reason: "account_disabled" };
  if (!password) return { user, ok: false, method: "ldap", reason: "directory_rejected" };
  const client = new Client({ url: dir.url, timeout: 10_000, connectTimeout: 5_000 });
  try {
    await client.bind(dir.subject, password);
    return { user, ok: true, method: "ldap" };
  } catch (err) {
    const code = (err as { code?: number }).code;
    // 49 = invalidCredentials (also what AD answers for disabled or locked accounts).
    if (code === 49 || (err as Error).name === "InvalidCredentialsError") return { user, ok: false, method: "ldap", reason: "directory_rejected" };
    deps.log.warn({ err, directory: dir.id }, "LDAP sign-in: directory unreachable");
    return { user, ok: false, method: "ldap", reason: "directory_unreachable" };
  } finally {
    await client.unbind().catch(() => {});
  }
}

/** Binds with the directory's service account and counts matching people (the admin's "test" button). */
export async function testDirectory(
  d: Pick<Directory, "url" | "bind_dn" | "bind_password" | "base_dn" | "user_filter">,
): Promise<{ ok: boolean; people: number; message: string }> {
  try {
    const n = await connect(
      d,
      async (c) => (await c.search(d.base_dn, { scope: "sub", filter: d.user_filter, attributes: ["dn"], paged: true })).searchEntries.length,
    );
    return { ok: true, people: n, message: `Connected; ${n} people match the filter` };
  } catch (err) {
    return { ok: false, people: 0, message: (err as Error).message || "Could not connect" };
  }
}

export interface SyncResult {
  seen: number;
  created: number;
  updated: number;
  deactivated: number;
  reactivated: number;
  managers: number;
  groups: number;
  skipped: { dn: string; reason: string }[];
}

interface DirectoryPerson {
  dn: string;
  email: string;
  name: string;
  department: string | null;
  phone: string | null;
  managerDn: string | null;
  disabled: boolean;
}

function isDisabledByUac(e: Entry): boolean {
  const uac = first(e, "userAccountControl");
  return uac !== null && (Number(uac) & 2) === 2;
}

/** Reads people (and, when configured, groups) from the directory. */
async function readDirectory(d: Directory) {
  const map = attributeMap(d);
  return connect(d, async (c) => {
    const attrs = [map.email, map.name, map.department, map.phone, map.manager, map.login, "userAccountControl"];
    const people = (await c.search(d.base_dn, { scope: "sub", filter: d.user_filter, attributes: attrs, paged: true })).searchEntries;
    const disabled = new Set<string>();
    if (d.disabled_filter) {
      const f = `(&${d.user_filter}${d.disabled_filter})`;
      for (const e of (await c.search(d.base_dn, { scope: "sub", filter: f, attributes: ["dn"], paged: true })).searchEntries) disabled.add(normDn(e.dn));
    }
    const groups = d.group_base_dn
      ? (await c.search(d.group_base_dn, { scope: "sub", filter: d.group_filter, attributes: [map.groupName, map.groupMember], paged: true })).searchEntries
      : [];
    return { people, disabled, groups, map };
  });
}

/**
 * Synchronises people, their manager, department, phone and group membership from one directory.
 * The directory is the source of truth for the people it holds: new entries become people, changed
 * ones are updated, disabled or vanished ones are deactivated with their sessions ended at once.
 */
export async function syncDirectory(deps: Deps, orgId: string, directoryId: string, actorId: string | null = null): Promise<SyncResult> {
  const d = await ldapRepo.findDirectory(deps.db, orgId, directoryId);
  if (!d) throw new Error("directory not found");
  const result: SyncResult = { seen: 0, created: 0, updated: 0, deactivated: 0, reactivated: 0, managers: 0, groups: 0, skipped: [] };
  let read: Awaited<ReturnType<typeof readDirectory>>;
  try {
    read = await readDirectory(d);
  } catch (err) {
    const message = (err as Error).message || "directory unreachable";
    await withTx(deps.db, async (tx) => {
      await ldapRepo.recordSync(tx, d.id, { ok: false, error: message });
      await repo.insertAudit(tx, {
        organizationId: orgId,
        actorId,
        action: "directory.sync_failed",
        entityType: "ldap_directory",
        entityId: d.id,
        data: { error: message },
      });
    });
    throw err;
  }
  const { map } = read;
  const people: DirectoryPerson[] = [];
  for (const e of read.people) {
    const email = first(e, map.email);
    if (!email?.includes("@")) {
      result.skipped.push({ dn: e.dn, reason: "no email" });
      continue;
    }
    people.push({
      dn: normDn(e.dn),
      email,
      name: (first(e, map.name) ?? email).slice(0, 200),
      department: first(e, map.department),
      phone: first(e, map.phone),
      managerDn: first(e, map.manager) ? normDn(first(e, map.manager) as string) : null,
      disabled: isDisabledByUac(e) || read.disabled.has(normDn(e.dn)),
    });
  }
  result.seen = people.length;
  await withTx(deps.db, async (tx) => {
    const linked = new Map((await ldapRepo.listLinkedPeople(tx, d.id)).map((p) => [p.subject, p]));
    const idByDn = new Map<string, string>();
    const audit = (action: string, userId: string, data: Record<string, unknown>) =>
      repo.insertAudit(tx, {
        organizationId: orgId,
        actorId,
        action,
        entityType: "user",
        entityId: userId,
        data: { source: "ldap", directoryId: d.id, ...data },
      });
    for (const p of people) {
      let cur = linked.get(p.dn);
      if (!cur) {
        const byEmail = await sso.findUserByEmail(tx, p.email);
        if (byEmail && byEmail.organization_id !== orgId) {
          result.skipped.push({ dn: p.dn, reason: "email belongs to another organization" });
          continue;
        }
        if (byEmail) {
          await sso.linkIdentity(tx, { organizationId: orgId, userId: byEmail.id, source: "ldap", sourceId: d.id, subject: p.dn });
          cur = {
            subject: p.dn,
            id: byEmail.id,
            email: byEmail.email,
            name: byEmail.name,
            role: byEmail.role,
            active: byEmail.active,
            department: null,
            phone: null,
            manager_id: null,
          };
        } else {
          const u = await sso.insertProvisionedUser(tx, {
            organizationId: orgId,
            email: p.email,
            name: p.name,
            role: d.default_role as Role,
            department: p.department,
            phone: p.phone,
            active: !p.disabled,
          });
          await sso.linkIdentity(tx, { organizationId: orgId, userId: u.id, source: "ldap", sourceId: d.id, subject: p.dn });
          await audit("user.provisioned", u.id, { email: p.email, role: u.role });
          result.created++;
          idByDn.set(p.dn, u.id);
          continue;
        }
      }
      idByDn.set(p.dn, cur.id);
      const changes: Record<string, unknown> = {};
      if (cur.email !== p.email) changes.email = p.email;
      if (cur.name !== p.name) changes.name = p.name;
      if (cur.department !== p.department) changes.department = p.department;
      if (cur.phone !== p.phone) changes.phone = p.phone;
      if (p.disabled && cur.active) changes.active = false;
      if (!p.disabled && !cur.active) changes.active = true;
      if (Object.keys(changes).length === 0) continue;
      await sso.updateProvisionedUser(tx, orgId, cur.id, changes);
      if (changes.active === false) {
        await repo.deleteSessionsOfUser(tx, cur.id);
        await audit("user.deprovisioned", cur.id, { reason: "disabled in directory" });
        result.deactivated++;
      } else if (changes.active === true) {
        await audit("user.reprovisioned", cur.id, {});
        result.reactivated++;
      } else {
        await audit("user.synced", cur.id, { changed: Object.keys(changes) });
        result.updated++;
      }
    }
    // Entries gone from the directory (or out of the filter): deactivated, sessions ended.
    for (const [dn, p] of linked) {
      if (idByDn.has(dn) || !p.active) continue;
      await sso.updateProvisionedUser(tx, orgId, p.id, { active: false });
      await repo.deleteSessionsOfUser(tx, p.id);
      await audit("user.deprovisioned", p.id, { reason: "no longer in directory" });
      result.deactivated++;
    }
    // Managers (used by approval chains), once every entry has a person.
    const managerOf = new Map([...linked.values()].map((p) => [p.id, p.manager_id]));
    for (const p of people) {
      const id = idByDn.get(p.dn);
      if (!id) continue;
      const managerId = p.managerDn ? (idByDn.get(p.managerDn) ?? null) : null;
      if ((managerOf.get(id) ?? null) === managerId) continue;
      await sso.updateProvisionedUser(tx, orgId, id, { manager_id: managerId });
      result.managers++;
    }
    // Group membership: directory groups map onto Portico groups of the same name (created when missing);
    // only staff join, since groups are assignment groups.
    const staff = new Set((await ldapRepo.listLinkedPeople(tx, d.id)).filter((p) => p.active && p.role !== "requester").map((p) => p.id));
    for (const g of read.groups) {
      const name = first(g, map.groupName);
      if (!name) continue;
      const members = all(g, map.groupMember)
        .map((dn) => idByDn.get(normDn(dn)))
        .filter((id): id is string => Boolean(id && staff.has(id)));
      let group = (await sso.findGroupsByNames(tx, orgId, [name]))[0];
      if (!group) {
        const created = await repo.insertGroup(tx, { organizationId: orgId, name: name.slice(0, 120), description: `Synced from ${d.name}`, email: null });
        group = { id: created.id, name: created.name, external_id: null };
      }
      const current = new Set((await repo.listGroups(tx, orgId)).find((x) => x.id === group.id)?.member_ids ?? []);
      // People of this directory follow the directory; members from elsewhere stay.
      const fromHere = [...current].filter((id) => [...idByDn.values()].includes(id));
      const next = [...new Set([...[...current].filter((id) => !fromHere.includes(id)), ...members])];
      if (next.length !== current.size || next.some((id) => !current.has(id))) await repo.setGroupMembers(tx, orgId, group.id, next);
      result.groups++;
    }
    await ldapRepo.recordSync(tx, d.id, { ok: true, ...result, skipped: result.skipped.slice(0, 50) });
    await repo.insertAudit(tx, {
      organizationId: orgId,
      actorId,
      action: "directory.synced",
      entityType: "ldap_directory",
      entityId: d.id,
      data: { ...result, skipped: result.skipped.length },
    });
  });
  return result;
}
