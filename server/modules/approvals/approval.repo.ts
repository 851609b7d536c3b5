import { sql } from "kysely";
import type { TApproverSource } from "../../../contracts/approvals";
import type { DbOrTx } from "../../platform/db/db";
import type { ApprovalState, StageState } from "./approval.tables";
import "./approval.tables";
import "../identity/identity.tables";

/** Inserts a work item's stages (all waiting) in order. */
export async function insertStages(
  db: DbOrTx,
  orgId: string,
  itemId: string,
  stages: Array<{ name: string; rule: "any" | "all" | "quorum"; quorum: number | null; approvers: TApproverSource[] }>,
): Promise<void> {
  if (!stages.length) return;
  await db
    .insertInto("approval_stages")
    .values(
      stages.map((s, i) => ({
        organization_id: orgId,
        work_item_id: itemId,
        position: i + 1,
        name: s.name,
        rule: s.rule,
        quorum: s.quorum,
        approver_sources: JSON.stringify(s.approvers),
      })),
    )
    .execute();
}

/** The item's stages in order. */
export function listStages(db: DbOrTx, itemId: string) {
  return db.selectFrom("approval_stages").selectAll().where("work_item_id", "=", itemId).orderBy("position").execute();
}
export type StageRow = Awaited<ReturnType<typeof listStages>>[number];

/** Sets a stage's state (and when it started or was decided). */
export async function setStageState(db: DbOrTx, stageId: string, state: StageState): Promise<void> {
  const now = new Date();
  await db
    .updateTable("approval_stages")
    .set({ state, ...(state === "pending" ? { started_at: now } : { decided_at: now }) })
    .where("id", "=", stageId)
    .execute();
}

/** Marks every not-yet-started stage of an item cancelled. */
export async function cancelWaitingStages(db: DbOrTx, itemId: string): Promise<void> {
  await db
    .updateTable("approval_stages")
    .set({ state: "cancelled", decided_at: new Date() })
    .where("work_item_id", "=", itemId)
    .where("state", "in", ["waiting", "pending"])
    .execute();
}

/** The requester's manager, when active. */
export async function findManager(db: DbOrTx, orgId: string, userId: string) {
  return db
    .selectFrom("users as u")
    .innerJoin("users as m", "m.id", "u.manager_id")
    .select(["m.id", "m.name"])
    .where("u.organization_id", "=", orgId)
    .where("u.id", "=", userId)
    .where("m.active", "=", true)
    .executeTakeFirst();
}

/** Active people of the organization among these ids. */
export function findActiveUsers(db: DbOrTx, orgId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db.selectFrom("users").select(["id", "name"]).where("organization_id", "=", orgId).where("id", "in", ids).where("active", "=", true).execute();
}

/** Active members of a group of the organization. */
export function findGroupMembers(db: DbOrTx, orgId: string, groupId: string) {
  return db
    .selectFrom("group_members as gm")
    .innerJoin("users as u", "u.id", "gm.user_id")
    .innerJoin("groups as g", "g.id", "gm.group_id")
    .select(["u.id", "u.name", "g.name as group_name"])
    .where("gm.group_id", "=", groupId)
    .where("g.organization_id", "=", orgId)
    .where("g.active", "=", true)
    .where("u.active", "=", true)
    .orderBy("u.name")
    .execute();
}

/** Do these groups exist (active) in the organization? Returns the ids found. */
export async function existingGroupIds(db: DbOrTx, orgId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom("groups").select("id").where("organization_id", "=", orgId).where("id", "in", ids).where("active", "=", true).execute();
  return new Set(rows.map((r) => r.id));
}

/** Inserts the approvals of a starting stage. */
export async function insertApprovals(
  db: DbOrTx,
  rows: Array<{
    organizationId: string;
    workItemId: string;
    stageId: string;
    approverId: string;
    source: "user" | "manager" | "group";
    groupId: string | null;
  }>,
): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto("approvals")
    .values(
      rows.map((r) => ({
        organization_id: r.organizationId,
        work_item_id: r.workItemId,
        stage_id: r.stageId,
        approver_id: r.approverId,
        source: r.source,
        group_id: r.groupId,
      })),
    )
    .execute();
}

/** One approval with its stage, scoped to the organization; optionally locked. */
export async function findApproval(db: DbOrTx, orgId: string, approvalId: string, opts: { forUpdate?: boolean } = {}) {
  let q = db
    .selectFrom("approvals as a")
    .innerJoin("approval_stages as s", "s.id", "a.stage_id")
    .select([
      "a.id",
      "a.work_item_id",
      "a.stage_id",
      "a.approver_id",
      "a.state",
      "s.state as stage_state",
      "s.rule",
      "s.quorum",
      "s.name as stage_name",
      "s.position",
    ])
    .where("a.organization_id", "=", orgId)
    .where("a.id", "=", approvalId);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Records one decision. */
export async function setApprovalState(db: DbOrTx, approvalId: string, state: ApprovalState, comment: string | null): Promise<void> {
  await db.updateTable("approvals").set({ state, comment, decided_at: new Date() }).where("id", "=", approvalId).execute();
}

/** Closes the still-pending approvals of a stage (or of a whole item) with the given state. */
export async function closePendingApprovals(db: DbOrTx, scope: { stageId?: string; itemId?: string }, state: "not_required" | "cancelled"): Promise<number> {
  let q = db.updateTable("approvals").set({ state, decided_at: new Date() }).where("state", "=", "pending");
  if (scope.stageId) q = q.where("stage_id", "=", scope.stageId);
  if (scope.itemId) q = q.where("work_item_id", "=", scope.itemId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Counts of a stage's approvals by state. */
export async function countStage(db: DbOrTx, stageId: string) {
  const r = await db
    .selectFrom("approvals")
    .select([
      sql<number>`count(*) filter (where state = 'approved')::int`.as("approved"),
      sql<number>`count(*) filter (where state = 'rejected')::int`.as("rejected"),
      sql<number>`count(*)::int`.as("total"),
    ])
    .where("stage_id", "=", stageId)
    .executeTakeFirstOrThrow();
  return r;
}

const personOf = (col: string) =>
  sql<{
    id: string;
    name: string;
    email: string;
  }>`(select json_build_object('id', u.id, 'name', u.name, 'email', u.email) from users u where u.id = ${sql.ref(col)})`;

/** Every approval of an item with the approver and group names. */
export function listItemApprovals(db: DbOrTx, itemId: string) {
  return db
    .selectFrom("approvals as a")
    .select([
      "a.id",
      "a.stage_id",
      "a.approver_id",
      "a.source",
      "a.state",
      "a.comment",
      "a.decided_at",
      personOf("a.approver_id").as("approver"),
      sql<{ id: string; name: string } | null>`(select json_build_object('id', g.id, 'name', g.name) from groups g where g.id = a.group_id)`.as("group"),
    ])
    .where("a.work_item_id", "=", itemId)
    .orderBy("a.created_at")
    .orderBy("a.id")
    .execute();
}

/** The caller's approvals (pending = waiting on them now, decided = the ones they decided), with the item. */
export function listApprovalsOfApprover(db: DbOrTx, orgId: string, approverId: string, which: "pending" | "decided", limit: number, approvalId?: string) {
  let q = db
    .selectFrom("approvals as a")
    .innerJoin("approval_stages as s", "s.id", "a.stage_id")
    .innerJoin("work_items as w", "w.id", "a.work_item_id")
    .select([
      "a.id",
      "a.approver_id",
      "a.state",
      "a.comment",
      "a.decided_at",
      "a.created_at",
      "s.name as stage_name",
      "s.rule",
      "s.state as stage_state",
      "w.id as item_id",
      "w.type",
      "w.number",
      "w.title",
      "w.description",
      "w.state as item_state",
      "w.created_at as item_created_at",
      personOf("w.requester_id").as("requester"),
    ])
    .where("a.organization_id", "=", orgId)
    .limit(limit);
  if (approvalId) return q.where("a.id", "=", approvalId).execute();
  q = q.where("a.approver_id", "=", approverId);
  q =
    which === "pending"
      ? q.where("a.state", "=", "pending").where("s.state", "=", "pending").orderBy("a.created_at").orderBy("a.id")
      : q.where("a.state", "in", ["approved", "rejected"]).orderBy("a.decided_at", "desc").orderBy("a.id");
  return q.execute();
}
export type MyApprovalRow = Awaited<ReturnType<typeof listApprovalsOfApprover>>[number];

/** Names of people by id (for timeline data). */
export async function namesOf(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom("users").select(["id", "name"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
