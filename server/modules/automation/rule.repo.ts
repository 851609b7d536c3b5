import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./automation.tables";

export type RuleRow = Awaited<ReturnType<typeof listRules>>[number];

/** The organization's rules in order, with each one's last run. */
export function listRules(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("automation_rules as r")
    .selectAll("r")
    .select((eb) => [
      eb
        .selectFrom("automation_rule_runs as x")
        .leftJoin("work_items as w", "w.id", "x.work_item_id")
        .select(
          sql<{ at: string; outcome: string; number: string | null }>`json_build_object('at', x.created_at, 'outcome', x.outcome, 'number', w.number)`.as("j"),
        )
        .whereRef("x.rule_id", "=", "r.id")
        .orderBy("x.id", "desc")
        .limit(1)
        .as("last_run"),
    ])
    .where("r.organization_id", "=", orgId)
    .orderBy("r.position")
    .orderBy("r.created_at")
    .execute();
}

export async function findRule(db: DbOrTx, orgId: string, id: string, forUpdate = false) {
  let q = db.selectFrom("automation_rules").selectAll().where("organization_id", "=", orgId).where("id", "=", id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export type RuleValues = {
  name: string;
  description: string;
  active: boolean;
  item_type: string;
  trigger: string;
  cron: string | null;
  timezone: string;
  conditions: string | null;
  actions: string;
  stop_processing: boolean;
  react_to_rules: boolean;
  next_run_at: Date | null;
};

export async function insertRule(db: DbOrTx, orgId: string, userId: string, v: RuleValues): Promise<string> {
  const pos = await db
    .selectFrom("automation_rules")
    .select((eb) => eb.fn.coalesce(eb.fn.max("position"), sql<number>`0`).as("p"))
    .where("organization_id", "=", orgId)
    .executeTakeFirstOrThrow();
  const r = await db
    .insertInto("automation_rules")
    .values({ ...v, organization_id: orgId, position: Number(pos.p) + 10, created_by_id: userId })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateRule(db: DbOrTx, id: string, v: RuleValues): Promise<void> {
  await db
    .updateTable("automation_rules")
    .set({ ...v, version: sql`version + 1`, updated_at: new Date() })
    .where("id", "=", id)
    .execute();
}

export async function deleteRule(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom("automation_rules").where("id", "=", id).execute();
}

export async function setPositions(db: DbOrTx, orgId: string, ids: string[]): Promise<void> {
  await sql`update automation_rules r set position = o.ord * 10, updated_at = now()
    from unnest(${ids}::uuid[]) with ordinality as o(id, ord) where r.id = o.id and r.organization_id = ${orgId}`.execute(db);
}

/** Bumps the organization's automation revision (cached compiled rules are reloaded). */
export async function bumpRevision(db: DbOrTx, orgId: string): Promise<void> {
  await sql`insert into automation_revisions (organization_id, revision) values (${orgId}, 1)
    on conflict (organization_id) do update set revision = automation_revisions.revision + 1`.execute(db);
}

export async function revisionOf(db: DbOrTx, orgId: string): Promise<number> {
  const r = await db.selectFrom("automation_revisions").select("revision").where("organization_id", "=", orgId).executeTakeFirst();
  return r ? Number(r.revision) : 0;
}

/** Does the organization have anything that listens to events (active event rules or an assignment strategy)? */
export async function needsEvents(db: DbOrTx, orgId: string): Promise<boolean> {
  const r = await sql<{ yes: boolean }>`select
      exists (select 1 from automation_rules where organization_id = ${orgId} and active and trigger <> 'schedule')
      or exists (select 1 from group_assignment where organization_id = ${orgId} and strategy <> 'none') as yes`.execute(db);
  return Boolean(r.rows[0]?.yes);
}

/** Records a run; false when this rule already ran for this key (a retried job). */
export async function claimRun(
  db: DbOrTx,
  r: {
    orgId: string;
    ruleId: string;
    ruleName: string;
    runKey: string;
    workItemId: string | null;
    outcome: "applied" | "error" | "loop_stopped";
    message?: string | null;
  },
): Promise<boolean> {
  const res = await db
    .insertInto("automation_rule_runs")
    .values({
      organization_id: r.orgId,
      rule_id: r.ruleId,
      rule_name: r.ruleName,
      run_key: r.runKey,
      work_item_id: r.workItemId,
      outcome: r.outcome,
      message: r.message ?? null,
    })
    .onConflict((oc) => oc.columns(["rule_id", "run_key"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return Boolean(res);
}

export function listRuns(db: DbOrTx, orgId: string, ruleId: string | undefined, limit: number) {
  return db
    .selectFrom("automation_rule_runs as x")
    .leftJoin("work_items as w", "w.id", "x.work_item_id")
    .select(["x.id", "x.rule_id", "x.rule_name", "x.outcome", "x.message", "x.created_at", "w.id as item_id", "w.number as item_number"])
    .where("x.organization_id", "=", orgId)
    .$if(Boolean(ruleId), (q) => q.where("x.rule_id", "=", ruleId as string))
    .orderBy("x.id", "desc")
    .limit(limit)
    .execute();
}

/** Scheduled rules due now, locked so one worker runs each tick. */
export function lockDueScheduledRules(db: DbOrTx, now: Date, limit: number) {
  return db
    .selectFrom("automation_rules")
    .selectAll()
    .where("active", "=", true)
    .where("trigger", "=", "schedule")
    .where("next_run_at", "<=", now)
    .orderBy("next_run_at")
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function setNextRun(db: DbOrTx, id: string, at: Date | null): Promise<void> {
  await db.updateTable("automation_rules").set({ next_run_at: at }).where("id", "=", id).execute();
}

/** Open items of a type a scheduled rule looks at (oldest change first, bounded). */
export async function listOpenItemIds(db: DbOrTx, orgId: string, type: string, doneStates: readonly string[], limit: number): Promise<string[]> {
  const r = await db
    .selectFrom("work_items")
    .select("id")
    .where("organization_id", "=", orgId)
    .where("type", "=", type as never)
    .where("state", "not in", [...doneStates])
    .orderBy("updated_at")
    .limit(limit)
    .execute();
  return r.map((x) => x.id);
}

/** Which of these ids are groups / active staff / categories / services of the organization. */
export async function existingRefs(db: DbOrTx, orgId: string, ids: { group: string[]; user: string[]; category: string[]; service: string[] }) {
  const q = async (table: "groups" | "users" | "categories" | "services", list: string[], extra?: (b: any) => any) => {
    if (!list.length) return new Set<string>();
    let s = db.selectFrom(table).select("id").where("organization_id", "=", orgId).where("id", "in", list);
    if (extra) s = extra(s);
    return new Set((await s.execute()).map((r: { id: string }) => r.id));
  };
  return {
    group: await q("groups", ids.group),
    user: await q("users", ids.user),
    category: await q("categories", ids.category),
    service: await q("services", ids.service),
  };
}

/** An administrator to act for a rule whose author is gone. */
export async function anyAdmin(db: DbOrTx, orgId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom("users")
    .select("id")
    .where("organization_id", "=", orgId)
    .where("role", "=", "admin")
    .where("active", "=", true)
    .orderBy("created_at")
    .executeTakeFirst();
  return r?.id;
}

export async function isActiveAdmin(db: DbOrTx, orgId: string, userId: string): Promise<boolean> {
  const r = await db
    .selectFrom("users")
    .select("id")
    .where("organization_id", "=", orgId)
    .where("id", "=", userId)
    .where("active", "=", true)
    .where("role", "in", ["admin", "agent"])
    .executeTakeFirst();
  return Boolean(r);
}

/** Names for placeholders in texts rules write. */
export async function placeholderNames(db: DbOrTx, itemId: string) {
  const r = await sql<{ requester: string | null; assignee: string | null }>`
    select rq.name as requester, asg.name as assignee from work_items w
    left join users rq on rq.id = w.requester_id left join users asg on asg.id = w.assignee_id where w.id = ${itemId}`.execute(db);
  return r.rows[0] ?? { requester: null, assignee: null };
}

/** People around an item for a notify action: requester, assignee, group members (when unassigned too), watchers. */
export async function audienceIds(db: DbOrTx, itemId: string, roles: string[]): Promise<string[]> {
  const r = await sql<{ id: string }>`
    select w.requester_id as id from work_items w where w.id = ${itemId} and ${roles.includes("requester")}
    union select w.assignee_id from work_items w where w.id = ${itemId} and w.assignee_id is not null and ${roles.includes("assignee")}
    union select m.user_id from work_items w join group_members m on m.group_id = w.assignment_group_id where w.id = ${itemId} and ${roles.includes("group")}
    union select x.user_id from watchers x where x.work_item_id = ${itemId} and ${roles.includes("watchers")}`.execute(db);
  return r.rows.map((x) => x.id);
}
