import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./automation.tables";

/** Lists (or stops listing) a consumer of the organization's domain events; idempotent. */
export async function setConsumer(db: DbOrTx, orgId: string, consumer: string, on: boolean): Promise<void> {
  if (on) {
    await db
      .insertInto("event_consumers")
      .values({ organization_id: orgId, consumer })
      .onConflict((oc) => oc.columns(["organization_id", "consumer"]).doNothing())
      .execute();
  } else {
    await db.deleteFrom("event_consumers").where("organization_id", "=", orgId).where("consumer", "=", consumer).execute();
  }
}

export interface EventRow {
  id: number;
  organization_id: string;
  work_item_id: string;
  actor_id: string | null;
  actor_role: string | null;
  kind: string;
  visibility: string;
  changes: { field: string; from: unknown; to: unknown }[];
  data: Record<string, unknown>;
  created_at: Date;
  type: string;
  number: string;
  title: string;
  description: string;
  state: string;
  impact: string;
  urgency: string;
  priority: number;
  channel: string;
  category_id: string | null;
  service_id: string | null;
  assignment_group_id: string | null;
  assignee_id: string | null;
  requester_id: string;
  item_created_at: Date;
  item_updated_at: Date;
  email_from: string | null;
  email_subject: string | null;
}

const ITEM_COLUMNS = sql`w.type, w.number, w.title, w.description, w.state, w.impact, w.urgency, w.priority, w.channel, w.category_id,
  w.service_id, w.assignment_group_id, w.assignee_id, w.requester_id, w.created_at as item_created_at, w.updated_at as item_updated_at`;

/**
 * One timeline event with its work item's current fields, the actor's role and — for comments that came
 * in by mail — the message's sender and subject (one query).
 */
export async function loadEvent(db: DbOrTx, eventId: number): Promise<EventRow | undefined> {
  const r = await sql<EventRow>`
    select t.id, t.organization_id, t.work_item_id, t.actor_id, u.role as actor_role, t.kind, t.visibility, t.changes, t.data, t.created_at,
      ${ITEM_COLUMNS}, m.from_address as email_from, m.subject as email_subject
    from timeline_events t
    join work_items w on w.id = t.work_item_id
    left join users u on u.id = t.actor_id
    left join lateral (
      select i.from_address, i.subject from inbound_messages i
      where i.organization_id = t.organization_id and i.work_item_id = t.work_item_id
        and (i.comment_id = (t.data->>'commentId')::uuid or (t.kind = 'created' and i.status = 'ticket'))
      order by i.received_at desc limit 1
    ) m on t.kind in ('comment_added', 'created')
    where t.id = ${eventId}`.execute(db);
  return r.rows[0];
}

export type ItemRow = Omit<
  EventRow,
  "id" | "actor_id" | "actor_role" | "kind" | "visibility" | "changes" | "data" | "created_at" | "email_from" | "email_subject"
> & {
  id: string;
  organization_id: string;
};

/** A work item's current fields (optionally locked), as rules see them. */
export async function loadItem(db: DbOrTx, orgId: string, itemId: string, forUpdate = false): Promise<ItemRow | undefined> {
  const r = await sql<ItemRow>`
    select w.id, w.organization_id, w.id as work_item_id, ${ITEM_COLUMNS}
    from work_items w where w.organization_id = ${orgId} and w.id = ${itemId} ${forUpdate ? sql`for update` : sql``}`.execute(db);
  return r.rows[0];
}

/** A work item by number or id in the organization (dry runs). */
export async function findItemRef(db: DbOrTx, orgId: string, ref: string): Promise<{ id: string } | undefined> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  return db
    .selectFrom("work_items")
    .select("id")
    .where("organization_id", "=", orgId)
    .$if(uuid, (q) => q.where("id", "=", ref))
    .$if(!uuid, (q) => q.where("number", "=", ref.toUpperCase()))
    .executeTakeFirst();
}

/** Marks the current transaction as done by a rule: timeline rows and comments get no human actor. */
export async function enterRuleContext(
  db: DbOrTx,
  ctx: { rule: { id: string; name: string; kind?: string }; causation: { chain: { id: string; name: string }[] } },
) {
  await sql`select set_config('portico.automation', ${JSON.stringify(ctx)}, true)`.execute(db);
}

/** Ends the rule marking of the current transaction (later writes are the caller's own again). */
export async function leaveRuleContext(db: DbOrTx) {
  await sql`select set_config('portico.automation', '', true)`.execute(db);
}
