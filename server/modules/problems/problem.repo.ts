import { sql } from "kysely";
import type { ProblemState } from "../../../contracts/problems";
import type { DbOrTx } from "../../platform/db/db";
import "./problem.tables";

type Ref = { id: string; name: string } | null;
type PersonRef = { id: string; name: string; email: string } | null;

/** A problem's raw fields (what updates compare against). */
export interface LockedProblem {
  id: string;
  organization_id: string;
  number: string;
  title: string;
  description: string;
  state: ProblemState;
  impact: "high" | "medium" | "low";
  urgency: "high" | "medium" | "low";
  priority: number;
  requester_id: string;
  service_id: string | null;
  assignment_group_id: string | null;
  assignee_id: string | null;
  root_cause: string | null;
  workaround: string | null;
  fix: string | null;
  close_code: string | null;
  version: number;
}

/** A problem with names, counts and its known error, as reads present it. */
export interface ProblemRow extends LockedProblem {
  service: Ref;
  assignment_group: Ref;
  assignee: PersonRef;
  requester: NonNullable<PersonRef>;
  incident_count: number;
  open_incident_count: number;
  known_error_number: string | null;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
}

const personOf = (col: string) => sql`(select json_build_object('id', u.id, 'name', u.name, 'email', u.email) from users u where u.id = ${sql.ref(col)})`;
const refOf = (table: "groups" | "services", col: string) =>
  sql`(select json_build_object('id', x.id, 'name', x.name) from ${sql.table(table)} x where x.id = ${sql.ref(col)})`;

const ROW_SELECT = sql`
  w.id, w.organization_id, w.number, w.title, w.description, w.state, w.impact, w.urgency, w.priority, w.requester_id,
  w.service_id, w.assignment_group_id, w.assignee_id, p.root_cause, p.workaround, p.fix, p.close_code, w.version,
  ${refOf("services", "w.service_id")} as service, ${refOf("groups", "w.assignment_group_id")} as assignment_group,
  ${personOf("w.assignee_id")} as assignee, ${personOf("w.requester_id")} as requester,
  (select count(*)::int from work_item_links l where l.target_id = w.id and l.kind = 'caused_by'
     and exists(select 1 from work_items i where i.id = l.source_id and i.type = 'incident')) as incident_count,
  (select count(*)::int from work_item_links l join work_items i on i.id = l.source_id
     where l.target_id = w.id and l.kind = 'caused_by' and i.type = 'incident' and i.state in ('new', 'in_progress', 'on_hold')) as open_incident_count,
  (select k.number from known_errors k where k.problem_id = w.id) as known_error_number,
  w.created_at, w.updated_at, w.resolved_at, w.closed_at`;

export interface NewProblem {
  organizationId: string;
  title: string;
  description: string;
  impact: string;
  urgency: string;
  defaultPriority: number;
  serviceId: string | null;
  assignmentGroupId: string | null;
  assigneeId: string | null;
  requesterId: string;
  timelineData: Record<string, unknown>;
}

/** Creates the work item (PRB number from its sequence, priority from the matrix), the extension and the "created" event. */
export async function insertProblem(
  db: DbOrTx,
  n: NewProblem,
): Promise<{ id: string; organization_id: string; number: string; requester_id: string; version: number }> {
  const r = await sql<{ id: string; organization_id: string; number: string; requester_id: string; version: number }>`
    with seq as (select nextval('work_item_number_problem')::text as v),
    w as (
      insert into work_items (organization_id, type, number, title, description, state, impact, urgency, priority,
        requester_id, assignment_group_id, assignee_id, service_id, channel, created_by_id)
      select ${n.organizationId}, 'problem', 'PRB' || lpad(seq.v, greatest(7, length(seq.v)), '0'), ${n.title}, ${n.description},
        'new', ${n.impact}, ${n.urgency},
        coalesce((select pm.priority from priority_matrix pm where pm.organization_id = ${n.organizationId}
          and pm.impact = ${n.impact} and pm.urgency = ${n.urgency}), ${n.defaultPriority}),
        ${n.requesterId}, ${n.assignmentGroupId}, ${n.assigneeId}, ${n.serviceId}, 'agent', ${n.requesterId}
      from seq
      returning id, organization_id, number, requester_id, version
    ),
    p as (insert into problems (work_item_id, organization_id) select id, organization_id from w),
    t as (
      insert into timeline_events (organization_id, work_item_id, actor_id, kind, data)
      select organization_id, id, ${n.requesterId}, 'created', ${JSON.stringify(n.timelineData)}::jsonb from w
    )
    select * from w`.execute(db);
  return r.rows[0];
}

/** One problem with everything the detail page shows, scoped to the organization. */
export async function findProblem(db: DbOrTx, orgId: string, id: string): Promise<ProblemRow | undefined> {
  const r = await sql<ProblemRow>`select ${ROW_SELECT} from work_items w join problems p on p.work_item_id = w.id
    where w.organization_id = ${orgId} and w.id = ${id} and w.type = 'problem'`.execute(db);
  return r.rows[0];
}

/** Locks a problem (work item + extension) for an update. */
export async function lockProblem(db: DbOrTx, orgId: string, id: string): Promise<LockedProblem | undefined> {
  const r = await sql<LockedProblem>`select w.id, w.organization_id, w.number, w.title, w.description, w.state, w.impact, w.urgency, w.priority,
      w.requester_id, w.service_id, w.assignment_group_id, w.assignee_id, p.root_cause, p.workaround, p.fix, p.close_code, w.version
    from work_items w join problems p on p.work_item_id = w.id
    where w.organization_id = ${orgId} and w.id = ${id} and w.type = 'problem'
    for update of w, p`.execute(db);
  return r.rows[0];
}

/** The organization's priority for an impact/urgency, or null when it has no matrix row. */
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

/** Writes changed core and extension fields and bumps the version. */
export async function updateProblemRow(
  db: DbOrTx,
  id: string,
  core: Record<string, unknown>,
  ext: Partial<{ root_cause: string | null; workaround: string | null; fix: string | null; close_code: string | null }>,
): Promise<number> {
  const r = await db
    .updateTable("work_items")
    .set((eb) => ({ ...core, version: eb("version", "+", 1), updated_at: new Date() }))
    .where("id", "=", id)
    .returning("version")
    .executeTakeFirstOrThrow();
  if (Object.keys(ext).length) await db.updateTable("problems").set(ext).where("work_item_id", "=", id).execute();
  return r.version;
}

/** Do the referenced service, group and assignee exist in the organization (and is the assignee in the group)? */
export async function checkReferences(db: DbOrTx, orgId: string, refs: { serviceId?: string | null; groupId?: string | null; assigneeId?: string | null }) {
  const r = await sql<{ service: boolean; group: boolean; assignee: boolean; assignee_in_group: boolean }>`select
      exists(select 1 from services where id = ${refs.serviceId ?? null}::uuid and organization_id = ${orgId} and active) as service,
      exists(select 1 from groups where id = ${refs.groupId ?? null}::uuid and organization_id = ${orgId} and active) as group,
      exists(select 1 from users where id = ${refs.assigneeId ?? null}::uuid and organization_id = ${orgId} and active and role in ('agent', 'admin')) as assignee,
      exists(select 1 from group_members where user_id = ${refs.assigneeId ?? null}::uuid and group_id = ${refs.groupId ?? null}::uuid) as assignee_in_group`.execute(
    db,
  );
  return r.rows[0];
}

export interface ProblemFilter {
  organizationId: string;
  states?: ProblemState[];
  serviceId?: string;
  knownError?: boolean;
  q?: string;
}

const SORT_COLS = { created_at: "w.created_at", updated_at: "w.updated_at", priority: "w.priority" } as const;

/** One page of problems, keyset-paged on the sort column and id. */
export async function listProblemPage(
  db: DbOrTx,
  f: ProblemFilter,
  sort: { column: keyof typeof SORT_COLS; desc: boolean },
  limit: number,
  after: [string | number, string] | null,
): Promise<Array<ProblemRow & { cursor: [string | number, string] }>> {
  const conds = [sql`w.organization_id = ${f.organizationId}`, sql`w.type = 'problem'`];
  if (f.states?.length) conds.push(sql`w.state = any(${f.states}::text[])`);
  if (f.serviceId) conds.push(sql`w.service_id = ${f.serviceId}`);
  if (f.knownError !== undefined) conds.push(sql`${sql.raw(f.knownError ? "" : "not")} exists(select 1 from known_errors k where k.problem_id = w.id)`);
  if (f.q) {
    const q = f.q;
    if (/^[A-Za-z]{3}\d{1,12}$/.test(q)) conds.push(sql`w.number = ${q.toUpperCase()}`);
    else conds.push(sql`(w.search @@ websearch_to_tsquery('english', ${q}) or w.title ilike ${`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`})`);
  }
  const col = sql.ref(SORT_COLS[sort.column]);
  const dir = sql.raw(sort.desc ? "desc" : "asc");
  if (after) conds.push(sort.desc ? sql`(${col}, w.id) < (${after[0]}, ${after[1]}::uuid)` : sql`(${col}, w.id) > (${after[0]}, ${after[1]}::uuid)`);
  const r = await sql<ProblemRow & { cursor: [string | number, string] }>`
    select ${ROW_SELECT}, json_build_array(${col}, w.id) as cursor
    from work_items w join problems p on p.work_item_id = w.id
    where ${sql.join(conds, sql` and `)}
    order by ${col} ${dir}, w.id ${dir}
    limit ${limit + 1}`.execute(db);
  return r.rows;
}

/** Incidents linked to a problem (incident caused_by problem), newest link first. */
export async function listLinkedIncidents(db: DbOrTx, problemId: string) {
  const r = await sql<{
    id: string;
    number: string;
    title: string;
    state: string;
    priority: number;
    service: Ref;
    assignee: PersonRef;
    linked_at: Date;
  }>`select i.id, i.number, i.title, i.state, i.priority, ${refOf("services", "i.service_id")} as service,
      ${personOf("i.assignee_id")} as assignee, l.created_at as linked_at
    from work_item_links l join work_items i on i.id = l.source_id
    where l.target_id = ${problemId} and l.kind = 'caused_by' and i.type = 'incident'
    order by l.created_at desc, i.number`.execute(db);
  return r.rows;
}

/** The link between an incident and a problem, if any. */
export async function findCausedByLink(db: DbOrTx, sourceId: string, targetId: string) {
  return db
    .selectFrom("work_item_links")
    .select(["id"])
    .where("source_id", "=", sourceId)
    .where("target_id", "=", targetId)
    .where("kind", "=", "caused_by")
    .executeTakeFirst();
}

/** Problems an item is linked to as caused by (an incident's problems). */
export async function listProblemsOfItem(db: DbOrTx, itemId: string) {
  const r = await sql<{ id: string; number: string; title: string; state: ProblemState; known_error_id: string | null }>`
    select w.id, w.number, w.title, w.state, (select k.id from known_errors k where k.problem_id = w.id and k.retired_at is null) as known_error_id
    from work_item_links l join work_items w on w.id = l.target_id
    where l.source_id = ${itemId} and l.kind = 'caused_by' and w.type = 'problem'
    order by w.number`.execute(db);
  return r.rows;
}

/**
 * Pairs of recent incidents on the same service whose titles are similar (pg_trgm), not yet linked to
 * any problem. The `%` operator uses the trigram index; the threshold is set for this transaction only.
 */
export async function similarIncidentPairs(db: DbOrTx, orgId: string, since: Date, threshold: number) {
  await sql`select set_config('pg_trgm.similarity_threshold', ${String(threshold)}, true)`.execute(db);
  const r = await sql<{ a: string; b: string; sim: number }>`
    with recent as (
      select w.id, w.title, w.service_id from work_items w
      where w.organization_id = ${orgId} and w.type = 'incident' and w.created_at >= ${since}
        and w.state <> 'cancelled'
        and not exists(select 1 from work_item_links l join work_items p on p.id = l.target_id
                       where l.source_id = w.id and l.kind = 'caused_by' and p.type = 'problem')
      order by w.created_at desc
      limit 2000
    )
    select a.id as a, b.id as b, similarity(a.title, b.title)::float8 as sim
    from recent a join recent b on a.id < b.id and a.service_id is not distinct from b.service_id and a.title % b.title`.execute(db);
  return r.rows;
}

/** Incident summaries by id (for candidate clusters). */
export async function incidentSummaries(db: DbOrTx, orgId: string, ids: string[]) {
  if (!ids.length) return [];
  const r = await sql<{ id: string; number: string; title: string; state: string; priority: number; created_at: Date; service: Ref }>`
    select w.id, w.number, w.title, w.state, w.priority, w.created_at, ${refOf("services", "w.service_id")} as service
    from work_items w where w.organization_id = ${orgId} and w.id = any(${ids}::uuid[])`.execute(db);
  return r.rows;
}
