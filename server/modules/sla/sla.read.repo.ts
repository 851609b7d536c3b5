import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import type { ClockRow } from "./sla.repo";
import "./sla.tables";

/** Running clocks of an organization, nearest due first, with their work item (open-due index). */
export async function runningClocksByDue(db: DbOrTx, orgId: string, limit: number) {
  const rows = await db
    .selectFrom("sla_clocks as c")
    .innerJoin("work_items as w", "w.id", "c.work_item_id")
    .leftJoin("groups as g", "g.id", "w.assignment_group_id")
    .selectAll("c")
    .select(["w.number", "w.title", "w.type", "w.priority", "w.assignment_group_id as group_ref", "g.name as group_name"])
    .where("c.organization_id", "=", orgId)
    .where("c.state", "=", "running")
    .where("c.due_at", "is not", null)
    .orderBy("c.due_at")
    .limit(limit)
    .execute();
  return rows.map(({ number, title, type, priority, group_ref, group_name, ...clock }) => ({
    clock: clock as ClockRow,
    number,
    title,
    type,
    priority,
    group_id: group_ref,
    group_name,
  }));
}

const GROUPING = {
  policy: { key: sql`c.policy_id::text`, label: sql`(select p.name from sla_policies p where p.id = c.policy_id)` },
  group: { key: sql`w.assignment_group_id::text`, label: sql`(select g.name from groups g where g.id = w.assignment_group_id)` },
  service: { key: sql`w.service_id::text`, label: sql`(select s.name from services s where s.id = w.service_id)` },
  metric: { key: sql`c.metric_key`, label: sql`min(c.name)` },
} as const;

/** Met/breached counts of clocks stopped in [from, to), plus open clocks past due, per group. */
export async function compliance(db: DbOrTx, orgId: string, groupBy: keyof typeof GROUPING, from: Date, to: Date, kind: "sla" | "ola") {
  const g = GROUPING[groupBy];
  const label = groupBy === "metric" ? g.label : sql`min(${g.label})`;
  const r = await sql<{ key: string | null; label: string | null; met: number; breached: number; open_breached: number }>`
    select ${g.key} as key, ${label} as label,
      count(*) filter (where c.state = 'met' and c.stopped_at >= ${from} and c.stopped_at < ${to}) as met,
      count(*) filter (where c.state = 'breached' and c.stopped_at >= ${from} and c.stopped_at < ${to}) as breached,
      count(*) filter (where c.state in ('running', 'paused') and c.breached_at is not null) as open_breached
    from sla_clocks c join work_items w on w.id = c.work_item_id
    where c.organization_id = ${orgId} and c.kind = ${kind}
      and ((c.state in ('met', 'breached') and c.stopped_at >= ${from} and c.stopped_at < ${to})
        or (c.state in ('running', 'paused') and c.breached_at is not null))
    group by 1
    order by 2 nulls last`.execute(db);
  return r.rows;
}
