import type { Role } from "../../contracts/identity";
import type { Deps } from "../deps";
import { hashPassword } from "../modules/identity/password";
import { API_TOKEN_PREFIX, hashSecret, newSecret } from "../modules/identity/tokens";
import type { Caller } from "./harness";
import { uniq } from "./harness";

export const TEST_PASSWORD = "correct horse battery";
let passwordHash: Promise<string> | null = null;

/** One organization per test: tests never see each other's rows. */
export async function createOrg(deps: Deps, name = `Org ${uniq()}`) {
  const slug = `org-${uniq()}`;
  return deps.db.insertInto("organizations").values({ name, slug, settings: "{}" }).returning(["id", "name", "slug"]).executeTakeFirstOrThrow();
}

/** A person with a password (TEST_PASSWORD) and a bearer token ready to call the API. */
export async function createUser(
  deps: Deps,
  orgId: string,
  role: Role = "agent",
  opts: { name?: string; email?: string; groupIds?: string[] } = {},
): Promise<Caller & { id: string; name: string }> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = opts.email ?? `${role}-${uniq()}@example.test`;
  const name = opts.name ?? `${role} ${uniq()}`;
  const u = await deps.db
    .insertInto("users")
    .values({ organization_id: orgId, email, name, role, password_hash: await passwordHash })
    .returning(["id"])
    .executeTakeFirstOrThrow();
  for (const g of opts.groupIds ?? []) {
    await deps.db.insertInto("group_members").values({ group_id: g, user_id: u.id, organization_id: orgId }).execute();
  }
  const token = newSecret(API_TOKEN_PREFIX);
  await deps.db
    .insertInto("api_tokens")
    .values({ user_id: u.id, organization_id: orgId, name: "test", token_hash: hashSecret(token), prefix: token.slice(0, 10) })
    .execute();
  return { id: u.id, name, email, token, actor: { userId: u.id, organizationId: orgId, role, groupIds: opts.groupIds ?? [] } };
}

export async function createGroup(deps: Deps, orgId: string, name = `Group ${uniq()}`) {
  return deps.db
    .insertInto("groups")
    .values({ organization_id: orgId, name, description: "", email: null })
    .returning(["id", "name"])
    .executeTakeFirstOrThrow();
}

export async function addMember(deps: Deps, orgId: string, groupId: string, userId: string) {
  await deps.db.insertInto("group_members").values({ group_id: groupId, user_id: userId, organization_id: orgId }).execute();
}

export async function createService(deps: Deps, orgId: string, name = `Service ${uniq()}`) {
  return deps.db
    .insertInto("services")
    .values({ organization_id: orgId, name, description: "", support_group_id: null })
    .returning(["id", "name"])
    .executeTakeFirstOrThrow();
}

export async function createCategory(deps: Deps, orgId: string, name = `Cat ${uniq()}`, parentId: string | null = null) {
  return deps.db.insertInto("categories").values({ organization_id: orgId, name, parent_id: parentId }).returning(["id", "name"]).executeTakeFirstOrThrow();
}

/** An organization with an admin, two agents in a group, and a requester: the usual cast. */
export async function createDesk(deps: Deps) {
  const org = await createOrg(deps);
  const group = await createGroup(deps, org.id, "Service Desk");
  const admin = await createUser(deps, org.id, "admin");
  const agent = await createUser(deps, org.id, "agent", { groupIds: [group.id] });
  const agent2 = await createUser(deps, org.id, "agent", { groupIds: [group.id] });
  const requester = await createUser(deps, org.id, "requester");
  const requester2 = await createUser(deps, org.id, "requester");
  return { org, group, admin, agent, agent2, requester, requester2 };
}

/** The audit events written for one action on one record. */
export function auditEvents(deps: Deps, action: string, entityId: string) {
  return deps.db.selectFrom("audit_events").selectAll().where("action", "=", action).where("entity_id", "=", entityId).execute();
}

/** A bare work item of any type (for modules that attach things to items, e.g. approvals). */
export async function createWorkItem(
  deps: Deps,
  orgId: string,
  opts: { type?: import("../platform/db/schema").WorkItemType; requesterId: string; title?: string },
) {
  return deps.db
    .insertInto("work_items")
    .values({
      organization_id: orgId,
      type: opts.type ?? "problem",
      number: `T${uniq().toUpperCase()}`,
      title: opts.title ?? `Item ${uniq()}`,
      state: "new",
      impact: "medium",
      urgency: "medium",
      priority: 3,
      requester_id: opts.requesterId,
    })
    .returning(["id", "organization_id", "type", "number", "requester_id"])
    .executeTakeFirstOrThrow();
}

/** Sets a person's manager directly. */
export async function setManager(deps: Deps, userId: string, managerId: string | null) {
  await deps.db.updateTable("users").set({ manager_id: managerId }).where("id", "=", userId).execute();
}

/** A provider organization (with its admin) and two customer desks below it: the provider's admin can put a person in both. */
export async function createCustomers(deps: Deps) {
  const org = await createOrg(deps, `Provider ${uniq()}`);
  const admin = await createUser(deps, org.id, "admin");
  const a = await createDesk(deps);
  const b = await createDesk(deps);
  await deps.db.updateTable("organizations").set({ parent_id: org.id }).where("id", "in", [a.org.id, b.org.id]).execute();
  return { provider: { org, admin }, a, b };
}
