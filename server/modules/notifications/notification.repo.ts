import { sql } from "kysely";
import "../organizations/organization.tables";
import type { DbOrTx } from "../../platform/db/db";
import type { DeliveryStatus } from "./notification.tables";
import "./notification.tables";

/** The work item as a notification needs it: numbers, names and the people around it. */
export function findItemForNotification(db: DbOrTx, orgId: string, itemId: string) {
  return db
    .selectFrom("work_items as w")
    .leftJoin("users as r", "r.id", "w.requester_id")
    .leftJoin("users as a", "a.id", "w.assignee_id")
    .leftJoin("groups as g", "g.id", "w.assignment_group_id")
    .select([
      "w.id",
      "w.organization_id",
      "w.type",
      "w.number",
      "w.title",
      "w.state",
      "w.priority",
      "w.requester_id",
      "w.assignee_id",
      "w.assignment_group_id",
      "r.name as requester_name",
      "a.name as assignee_name",
      "g.name as group_name",
    ])
    .where("w.organization_id", "=", orgId)
    .where("w.id", "=", itemId)
    .executeTakeFirst();
}
export type NotificationItem = NonNullable<Awaited<ReturnType<typeof findItemForNotification>>>;

/** Active members of a group. */
export async function listGroupMemberIds(db: DbOrTx, orgId: string, groupId: string): Promise<string[]> {
  const rows = await db.selectFrom("group_members").select("user_id").where("organization_id", "=", orgId).where("group_id", "=", groupId).execute();
  return rows.map((r) => r.user_id);
}

/** Watchers of an item. */
export async function listWatcherIds(db: DbOrTx, itemId: string): Promise<string[]> {
  return (await db.selectFrom("watchers").select("user_id").where("work_item_id", "=", itemId).execute()).map((r) => r.user_id);
}

/** Members of the organization with what mailing them needs; role = their role in that organization. */
export function findPeople(db: DbOrTx, orgId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom("organization_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["u.id", "u.name", "u.email", "m.role", "u.locale", "u.active"])
    .where("m.organization_id", "=", orgId)
    .where("m.user_id", "in", ids)
    .execute();
}

/** Of these people, those who turned mail for this event off. */
export async function optedOut(db: DbOrTx, ids: string[], event: string): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom("notification_preferences")
    .select("user_id")
    .where("user_id", "in", ids)
    .where("event", "=", event)
    .where("email", "=", false)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

export function listPreferences(db: DbOrTx, userId: string) {
  return db.selectFrom("notification_preferences").select(["event", "email"]).where("user_id", "=", userId).execute();
}

export async function upsertPreferences(db: DbOrTx, orgId: string, userId: string, items: Array<{ event: string; email: boolean }>) {
  await db
    .insertInto("notification_preferences")
    .values(items.map((i) => ({ user_id: userId, organization_id: orgId, event: i.event, email: i.email, updated_at: new Date() })))
    .onConflict((oc) => oc.columns(["user_id", "event"]).doUpdateSet((eb) => ({ email: eb.ref("excluded.email"), updated_at: eb.ref("excluded.updated_at") })))
    .execute();
}

export function listRules(db: DbOrTx, orgId: string) {
  return db.selectFrom("notification_rules").select(["event", "audience", "enabled"]).where("organization_id", "=", orgId).execute();
}

export async function upsertRules(db: DbOrTx, orgId: string, rules: Array<{ event: string; audience: string; enabled: boolean }>) {
  await db
    .insertInto("notification_rules")
    .values(rules.map((r) => ({ organization_id: orgId, ...r, updated_at: new Date() })))
    .onConflict((oc) =>
      oc
        .columns(["organization_id", "event", "audience"])
        .doUpdateSet((eb) => ({ enabled: eb.ref("excluded.enabled"), updated_at: eb.ref("excluded.updated_at") })),
    )
    .execute();
}

/** Templates an organization has written (desk null = organization default). */
export function listTemplates(db: DbOrTx, orgId: string, deskId: string | null) {
  let q = db
    .selectFrom("notification_templates")
    .select(["event", "language", "subject", "body", "updated_at", "desk_id"])
    .where("organization_id", "=", orgId);
  q = deskId ? q.where((eb) => eb.or([eb("desk_id", "=", deskId), eb("desk_id", "is", null)])) : q.where("desk_id", "is", null);
  return q.execute();
}

export async function upsertTemplate(
  db: DbOrTx,
  t: { organizationId: string; deskId: string | null; event: string; language: string; subject: string; body: string; updatedById: string },
) {
  await sql`
    insert into notification_templates (organization_id, desk_id, event, language, subject, body, updated_by_id)
    values (${t.organizationId}, ${t.deskId}, ${t.event}, ${t.language}, ${t.subject}, ${t.body}, ${t.updatedById})
    on conflict (organization_id, coalesce(desk_id, '00000000-0000-0000-0000-000000000000'::uuid), event, language)
    do update set subject = excluded.subject, body = excluded.body, updated_by_id = excluded.updated_by_id, updated_at = now()`.execute(db);
}

export async function deleteTemplate(db: DbOrTx, orgId: string, deskId: string | null, event: string, language: string): Promise<boolean> {
  let q = db.deleteFrom("notification_templates").where("organization_id", "=", orgId).where("event", "=", event).where("language", "=", language);
  q = deskId ? q.where("desk_id", "=", deskId) : q.where("desk_id", "is", null);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export function findMailSettings(db: DbOrTx, orgId: string) {
  return db.selectFrom("mail_settings").selectAll().where("organization_id", "=", orgId).executeTakeFirst();
}

/** The mail settings that apply: the organization's own, else its nearest ancestor's (a subsidiary sends as its parent). */
export async function findEffectiveMailSettings(db: DbOrTx, orgId: string) {
  const r = await sql<{ from_name: string | null; from_address: string | null; reply_to_address: string | null; enabled: boolean }>`
    select ms.from_name, ms.from_address, ms.reply_to_address, ms.enabled
    from portico_org_chain(${orgId}) c join mail_settings ms on ms.organization_id = c.id
    order by c.depth limit 1`.execute(db);
  return r.rows[0];
}

/** Template overrides of the organization and its ancestors, nearest first (the first match wins). */
export async function listInheritedTemplates(db: DbOrTx, orgId: string) {
  const r = await sql<{ event: string; language: string; subject: string; body: string }>`
    select t.event, t.language, t.subject, t.body
    from portico_org_chain(${orgId}) c join notification_templates t on t.organization_id = c.id and t.desk_id is null
    order by c.depth`.execute(db);
  return r.rows;
}

export async function upsertMailSettings(
  db: DbOrTx,
  orgId: string,
  s: { from_name: string | null; from_address: string | null; reply_to_address: string | null; enabled: boolean },
) {
  await db
    .insertInto("mail_settings")
    .values({ organization_id: orgId, ...s, updated_at: new Date() })
    .onConflict((oc) => oc.column("organization_id").doUpdateSet({ ...s, updated_at: new Date() }))
    .execute();
}

/** A comment with its author's name, for the commented event. */
export function findComment(db: DbOrTx, orgId: string, commentId: string) {
  return db
    .selectFrom("comments as c")
    .leftJoin("users as u", "u.id", "c.author_id")
    .select(["c.id", "c.body", "c.visibility", "c.author_id", "u.name as author_name"])
    .where("c.organization_id", "=", orgId)
    .where("c.id", "=", commentId)
    .executeTakeFirst();
}

export function findPersonName(db: DbOrTx, orgId: string, userId: string) {
  return db
    .selectFrom("organization_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["u.name", "u.email"])
    .where("m.organization_id", "=", orgId)
    .where("m.user_id", "=", userId)
    .executeTakeFirst();
}

/** Records one delivery; null when this event already has one for the address (a retried dispatch). */
export async function insertDelivery(
  db: DbOrTx,
  d: {
    organizationId: string;
    eventId: string;
    event: string;
    workItemId: string;
    recipientId: string | null;
    to: string;
    messageId: string;
    subject: string;
    text: string;
    html: string;
    headers: Record<string, string>;
    status?: DeliveryStatus;
  },
): Promise<string | null> {
  const row = await sql<{ id: string }>`
    insert into mail_deliveries (organization_id, event_id, event, work_item_id, recipient_id, to_address, message_id, subject, text_body, html_body, headers, status)
    values (${d.organizationId}, ${d.eventId}, ${d.event}, ${d.workItemId}, ${d.recipientId}, ${d.to}, ${d.messageId}, ${d.subject}, ${d.text}, ${d.html},
            ${JSON.stringify(d.headers)}::jsonb, ${d.status ?? "queued"})
    on conflict (event_id, lower(to_address)) do nothing
    returning id`.execute(db);
  return row.rows[0]?.id ?? null;
}

/** Locks one delivery for sending (a second worker waits, then sees it sent). */
export function lockDelivery(db: DbOrTx, id: string) {
  return db.selectFrom("mail_deliveries").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function markDelivery(db: DbOrTx, id: string, patch: { status: DeliveryStatus; error?: string | null; attempt?: boolean }) {
  await db
    .updateTable("mail_deliveries")
    .set((eb) => ({
      status: patch.status,
      last_error: patch.error === undefined ? eb.ref("last_error") : patch.error,
      attempts: patch.attempt ? eb("attempts", "+", 1) : eb.ref("attempts"),
      sent_at: patch.status === "sent" ? new Date() : eb.ref("sent_at"),
    }))
    .where("id", "=", id)
    .execute();
}

/** The delivery log, newest first, keyset-paged. */
export function listDeliveries(
  db: DbOrTx,
  orgId: string,
  f: { status?: DeliveryStatus; workItemNumber?: string },
  limit: number,
  after: [string, string] | null,
) {
  let q = db
    .selectFrom("mail_deliveries as d")
    .leftJoin("work_items as w", "w.id", "d.work_item_id")
    .select([
      "d.id",
      "d.event",
      "w.number",
      "d.to_address",
      "d.subject",
      "d.message_id",
      "d.status",
      "d.attempts",
      "d.last_error",
      "d.created_at",
      "d.sent_at",
      sql<string>`to_char(d.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`.as("cursor_at"),
    ])
    .where("d.organization_id", "=", orgId);
  if (f.status) q = q.where("d.status", "=", f.status);
  if (f.workItemNumber) q = q.where("w.number", "=", f.workItemNumber);
  if (after) q = q.where(sql<boolean>`(d.created_at, d.id) < (${after[0]}::timestamp at time zone 'UTC', ${after[1]}::uuid)`);
  return q
    .orderBy("d.created_at", "desc")
    .orderBy("d.id", "desc")
    .limit(limit + 1)
    .execute();
}

/** Which work item sent a Message-ID we generated (threading inbound replies). */
export async function workItemForMessageId(db: DbOrTx, orgId: string, messageIds: string[]): Promise<string | null> {
  if (!messageIds.length) return null;
  const row = await db
    .selectFrom("mail_deliveries")
    .select("work_item_id")
    .where("organization_id", "=", orgId)
    .where("message_id", "in", messageIds)
    .where("work_item_id", "is not", null)
    .limit(1)
    .executeTakeFirst();
  return row?.work_item_id ?? null;
}

/** Is this one of the Message-IDs Portico sent (from any organization)? */
export async function isOwnMessageId(db: DbOrTx, messageIds: string[]): Promise<boolean> {
  if (!messageIds.length) return false;
  const row = await db.selectFrom("mail_deliveries").select("id").where("message_id", "in", messageIds).limit(1).executeTakeFirst();
  return !!row;
}

/** Appends an admin change to the audit trail. */
export async function audit(db: DbOrTx, a: { organizationId: string; userId: string; ip?: string | null }, action: string, data: Record<string, unknown>) {
  await db
    .insertInto("audit_events")
    .values({
      organization_id: a.organizationId,
      actor_id: a.userId,
      action,
      entity_type: "organization",
      entity_id: a.organizationId,
      data: JSON.stringify(data),
      ip: a.ip ?? null,
    })
    .execute();
}
