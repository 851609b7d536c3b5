import { sql } from "kysely";
import type { ChangeState, ChangeType } from "../../../contracts/changes";
import type { DbOrTx } from "../../platform/db/db";
import "./change.tables";

type Ref = { id: string; name: string } | null;
type PersonRef = { id: string; name: string; email: string } | null;

/** A change's raw fields (what updates and guards look at). */
export interface LockedChange {
  id: string;
  organization_id: string;
  number: string;
  title: string;
  description: string;
  state: ChangeState;
  impact: "high" | "medium" | "low";
  urgency: "high" | "medium" | "low";
  priority: number;
  requester_id: string;
  assignment_group_id: string | null;
  assignee_id: string | null;
  change_type: ChangeType;
  template_id: string | null;
  planned_start: Date | null;
  planned_end: Date | null;
  actual_start: Date | null;
  actual_end: Date | null;
  implementation_plan: string;
  backout_plan: string;
  test_plan: string;
  justification: string;
  risk: string | null;
  risk_score: number | null;
  risk_answers: Record<string, string> | null;
  risk_factors: Array<{ factor: string; points: number; detail: string }> | null;
  approved_at: Date | null;
  outcome: string | null;
  review_notes: string | null;
  freeze_override_by_id: string | null;
  freeze_override_reason: string | null;
  freeze_override_start: Date | null;
  freeze_override_end: Date | null;
  service_ids: string[];
  version: number;
}

/** A change with names, as reads present it. */
export interface ChangeRow extends LockedChange {
  services: Array<{ id: string; name: string }>;
  template: Ref;
  assignment_group: Ref;
  assignee: PersonRef;
  requester: NonNullable<PersonRef>;
  override_by: PersonRef;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

const personOf = (col: string) => sql`(select json_build_object('id', u.id, 'name', u.name, 'email', u.email) from users u where u.id = ${sql.ref(col)})`;
const refOf = (table: "groups" | "services" | "change_templates", col: string) =>
  sql`(select json_build_object('id', x.id, 'name', x.name) from ${sql.table(table)} x where x.id = ${sql.ref(col)})`;

const RAW = sql`w.id, w.organization_id, w.number, w.title, w.description, w.state, w.impact, w.urgency, w.priority, w.requester_id,
  w.assignment_group_id, w.assignee_id, c.change_type, c.template_id, c.planned_start, c.planned_end, c.actual_start, c.actual_end,
  c.implementation_plan, c.backout_plan, c.test_plan, c.justification, c.risk, c.risk_score, c.risk_answers, c.risk_factors,
  c.approved_at, c.outcome, c.review_notes, c.freeze_override_by_id, c.freeze_override_reason, c.freeze_override_start,
  c.freeze_override_end, w.version,
  array(select s.service_id::text from change_affected_services s where s.change_id = w.id order by s.service_id) as service_ids`;

const ROW_SELECT = sql`${RAW},
  coalesce((select json_agg(json_build_object('id', sv.id, 'name', sv.name) order by sv.name)
    from change_affected_services s join services sv on sv.id = s.service_id where s.change_id = w.id), '[]'::json) as services,
  ${refOf("change_templates", "c.template_id")} as template, ${refOf("groups", "w.assignment_group_id")} as assignment_group,
  ${personOf("w.assignee_id")} as assignee, ${personOf("w.requester_id")} as requester, ${personOf("c.freeze_override_by_id")} as override_by,
  w.created_at, w.updated_at, w.closed_at`;

export interface NewChange {
  organizationId: string;
  type: ChangeType;
  templateId: string | null;
  title: string;
  description: string;
  justification: string;
  impact: string;
  urgency: string;
  defaultPriority: number;
  plannedStart: string | null;
  plannedEnd: string | null;
  implementationPlan: string;
  backoutPlan: string;
  testPlan: string;
  assignmentGroupId: string | null;
  assigneeId: string | null;
  requesterId: string;
}

/** Creates the work item (CHG number), its change extension and the "created" event in one statement. */
export async function insertChange(db: DbOrTx, n: NewChange) {
  const r = await sql<{ id: string; organization_id: string; number: string; requester_id: string; version: number }>`
    with seq as (select nextval('work_item_number_change')::text as v),
    w as (
      insert into work_items (organization_id, type, number, title, description, state, impact, urgency, priority,
        requester_id, assignment_group_id, assignee_id, channel, created_by_id)
      select ${n.organizationId}, 'change', 'CHG' || lpad(seq.v, greatest(7, length(seq.v)), '0'), ${n.title}, ${n.description}, 'new',
        ${n.impact}, ${n.urgency},
        coalesce((select pm.priority from priority_matrix pm where pm.organization_id = ${n.organizationId}
          and pm.impact = ${n.impact} and pm.urgency = ${n.urgency}), ${n.defaultPriority}),
        ${n.requesterId}, ${n.assignmentGroupId}, ${n.assigneeId}, 'agent', ${n.requesterId}
      from seq
      returning id, organization_id, number, requester_id, version
    ),
    c as (
      insert into changes (work_item_id, organization_id, change_type, template_id, planned_start, planned_end,
        implementation_plan, backout_plan, test_plan, justification)
      select id, organization_id, ${n.type}, ${n.templateId}, ${n.plannedStart}, ${n.plannedEnd}, ${n.implementationPlan},
        ${n.backoutPlan}, ${n.testPlan}, ${n.justification} from w
    ),
    t as (
      insert into timeline_events (organization_id, work_item_id, actor_id, kind, data)
      select organization_id, id, ${n.requesterId}, 'created', ${JSON.stringify({ changeType: n.type })}::jsonb from w
    )
    select * from w`.execute(db);
  return r.rows[0];
}

/** One change with everything the detail page shows. */
export async function findChange(db: DbOrTx, orgId: string, id: string): Promise<ChangeRow | undefined> {
  const r = await sql<ChangeRow>`select ${ROW_SELECT} from work_items w join changes c on c.work_item_id = w.id
    where w.organization_id = ${orgId} and w.id = ${id} and w.type = 'change'`.execute(db);
  return r.rows[0];
}

/** Locks a change for an update. */
export async function lockChange(db: DbOrTx, orgId: string, id: string): Promise<LockedChange | undefined> {
  const r = await sql<LockedChange>`select ${RAW} from work_items w join changes c on c.work_item_id = w.id
    where w.organization_id = ${orgId} and w.id = ${id} and w.type = 'change' for update of w, c`.execute(db);
  return r.rows[0];
}

/** Writes changed core and extension fields and bumps the version. */
export async function updateChangeRow(db: DbOrTx, id: string, core: Record<string, unknown>, ext: Record<string, unknown>): Promise<number> {
  const r = await db
    .updateTable("work_items")
    .set((eb) => ({ ...core, version: eb("version", "+", 1), updated_at: new Date() }))
    .where("id", "=", id)
    .returning("version")
    .executeTakeFirstOrThrow();
  if (Object.keys(ext).length) await db.updateTable("changes").set(ext).where("work_item_id", "=", id).execute();
  return r.version;
}

/** Replaces the affected services of a change. */
export async function setAffectedServices(db: DbOrTx, orgId: string, changeId: string, serviceIds: string[]): Promise<void> {
  await db.deleteFrom("change_affected_services").where("change_id", "=", changeId).execute();
  if (serviceIds.length)
    await db
      .insertInto("change_affected_services")
      .values(serviceIds.map((s) => ({ change_id: changeId, service_id: s, organization_id: orgId })))
      .execute();
}

/** The ids among these that are active services of the organization. */
export async function existingServiceIds(db: DbOrTx, orgId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom("services").select("id").where("organization_id", "=", orgId).where("id", "in", ids).where("active", "=", true).execute();
  return new Set(rows.map((r) => r.id));
}

/** Do the group and assignee exist in the organization (and is the assignee in the group)? */
export async function checkAssignment(db: DbOrTx, orgId: string, groupId: string | null, assigneeId: string | null) {
  const r = await sql<{ group: boolean; assignee: boolean; in_group: boolean }>`select
    exists(select 1 from groups where id = ${groupId}::uuid and organization_id = ${orgId} and active) as group,
    exists(select 1 from users where id = ${assigneeId}::uuid and organization_id = ${orgId} and active and role in ('agent', 'admin')) as assignee,
    exists(select 1 from group_members where user_id = ${assigneeId}::uuid and group_id = ${groupId}::uuid) as in_group`.execute(db);
  return r.rows[0];
}

/** The organization's priority for an impact/urgency, or null without a matrix row. */
export async function lookupPriority(db: DbOrTx, orgId: string, impact: string, urgency: string): Promise<number | null> {
  const r = await db
    .selectFrom("priority_matrix")
    .select("priority")
    .where("organization_id", "=", orgId)
    .where("impact", "=", impact)
    .where("urgency", "=", urgency)
    .executeTakeFirst();
  return r?.priority ?? null;
}

export interface ChangeFilter {
  organizationId: string;
  states?: ChangeState[];
  types?: ChangeType[];
  serviceId?: string;
  q?: string;
  from?: string;
  to?: string;
}

/** Changes newest first (keyset on created_at, id), or those whose window meets [from, to). */
export async function listChanges(
  db: DbOrTx,
  f: ChangeFilter,
  limit: number,
  after: [string, string] | null,
): Promise<Array<ChangeRow & { cursor: [string, string] }>> {
  const conds = [sql`w.organization_id = ${f.organizationId}`, sql`w.type = 'change'`];
  if (f.states?.length) conds.push(sql`w.state = any(${f.states}::text[])`);
  if (f.types?.length) conds.push(sql`c.change_type = any(${f.types}::text[])`);
  if (f.serviceId) conds.push(sql`exists(select 1 from change_affected_services s where s.change_id = w.id and s.service_id = ${f.serviceId})`);
  if (f.from && f.to) conds.push(sql`c.planned_start < ${f.to} and c.planned_end > ${f.from}`);
  if (f.q) {
    const q = f.q;
    if (/^[A-Za-z]{3}\d{1,12}$/.test(q)) conds.push(sql`w.number = ${q.toUpperCase()}`);
    else conds.push(sql`(w.search @@ websearch_to_tsquery('english', ${q}) or w.title ilike ${`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`})`);
  }
  if (after) conds.push(sql`(w.created_at, w.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const r = await sql<ChangeRow & { cursor: [string, string] }>`
    select ${ROW_SELECT}, json_build_array(w.created_at, w.id) as cursor
    from work_items w join changes c on c.work_item_id = w.id
    where ${sql.join(conds, sql` and `)}
    order by w.created_at desc, w.id desc limit ${limit + 1}`.execute(db);
  return r.rows;
}

export interface ConflictRow {
  kind: "change" | "freeze";
  id: string;
  number: string | null;
  name: string;
  start: Date;
  end: Date;
  services: Array<{ id: string; name: string }>;
}

/**
 * What collides with a window on these services: open changes sharing a service in an overlapping
 * window, and freeze windows overlapping it (organization-wide, or on one of the services).
 */
export async function findConflicts(
  db: DbOrTx,
  orgId: string,
  w: { start: Date | string; end: Date | string; serviceIds: string[]; excludeId?: string | null },
) {
  const r = await sql<ConflictRow>`
    select 'change' as kind, o.id, o.number, o.title as name, c.planned_start as start, c.planned_end as "end",
      coalesce((select json_agg(json_build_object('id', sv.id, 'name', sv.name) order by sv.name)
        from change_affected_services s join services sv on sv.id = s.service_id
        where s.change_id = o.id and s.service_id = any(${w.serviceIds}::uuid[])), '[]'::json) as services
    from changes c join work_items o on o.id = c.work_item_id
    where c.organization_id = ${orgId} and o.id is distinct from ${w.excludeId ?? null}::uuid
      and o.state not in ('closed', 'cancelled') and c.planned_start < ${w.end} and c.planned_end > ${w.start}
      and exists(select 1 from change_affected_services s where s.change_id = o.id and s.service_id = any(${w.serviceIds}::uuid[]))
    union all
    select 'freeze', f.id, null, f.name, f.starts_at, f.ends_at,
      case when f.service_id is null then '[]'::json
        else json_build_array(json_build_object('id', f.service_id, 'name', (select name from services where id = f.service_id))) end
    from freeze_windows f
    where f.organization_id = ${orgId} and f.starts_at < ${w.end} and f.ends_at > ${w.start}
      and (f.service_id is null or f.service_id = any(${w.serviceIds}::uuid[]))
    order by start`.execute(db);
  return r.rows;
}

/** How closed changes on the same template or services went in the last year (for the risk). */
export async function changeHistory(db: DbOrTx, orgId: string, p: { templateId: string | null; serviceIds: string[]; excludeId: string }) {
  const r = await sql<{ total: number; failed: number }>`
    select count(*)::int as total, count(*) filter (where c.outcome in ('failed', 'backed_out'))::int as failed
    from changes c join work_items w on w.id = c.work_item_id
    where c.organization_id = ${orgId} and w.id <> ${p.excludeId} and w.state = 'closed' and c.outcome is not null
      and w.closed_at > now() - interval '365 days'
      and (c.template_id = ${p.templateId}::uuid
        or exists(select 1 from change_affected_services s where s.change_id = w.id and s.service_id = any(${p.serviceIds}::uuid[])))`.execute(db);
  return r.rows[0];
}

/** Is the person a member of the group? */
export async function isMember(db: DbOrTx, groupId: string | null, userId: string): Promise<boolean> {
  if (!groupId) return false;
  const r = await db.selectFrom("group_members").select("user_id").where("group_id", "=", groupId).where("user_id", "=", userId).executeTakeFirst();
  return Boolean(r);
}

/** The organization's CAB settings (null when not configured). */
export function findSettings(db: DbOrTx, orgId: string) {
  return db.selectFrom("change_settings").selectAll().where("organization_id", "=", orgId).executeTakeFirst();
}

/** Stores the organization's CAB settings. */
export async function upsertSettings(
  db: DbOrTx,
  orgId: string,
  s: { cab_group_id: string | null; cab_rule: "all" | "quorum"; cab_quorum: number | null; manager_group_id: string | null },
) {
  await db
    .insertInto("change_settings")
    .values({ organization_id: orgId, ...s })
    .onConflict((oc) => oc.column("organization_id").doUpdateSet({ ...s, updated_at: new Date() }))
    .execute();
}

/** Active groups of the organization among these ids. */
export async function existingGroupIds(db: DbOrTx, orgId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom("groups").select("id").where("organization_id", "=", orgId).where("id", "in", ids).execute();
  return new Set(rows.map((r) => r.id));
}
