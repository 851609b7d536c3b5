import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import type { Updateable } from "kysely";
import type { InboundStatus, MailboxesTable } from "./email-in.tables";
import "./email-in.tables";

const MAILBOX_PUBLIC = [
  "id",
  "organization_id",
  "desk_id",
  "name",
  "address",
  "kind",
  "active",
  "creates",
  "default_group_id",
  "accept_unknown_senders",
  "imap_host",
  "imap_port",
  "imap_tls",
  "imap_user",
  "imap_folder",
  "imap_move_to",
  "imap_uid_validity",
  "imap_last_uid",
  "last_polled_at",
  "last_error",
  "created_at",
  "updated_at",
] as const;

/** An organization's mailboxes (never the IMAP password). */
export function listMailboxes(db: DbOrTx, orgId: string) {
  return db.selectFrom("mailboxes").select(MAILBOX_PUBLIC).where("organization_id", "=", orgId).orderBy("name").execute();
}
export type MailboxRow = Awaited<ReturnType<typeof listMailboxes>>[number];

export function findMailbox(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("mailboxes").select(MAILBOX_PUBLIC).where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

/** A mailbox with its secret, for the poller only. */
export function findMailboxForPolling(db: DbOrTx, id: string) {
  return db.selectFrom("mailboxes").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The active mailbox that receives mail for an address (the SMTP intake routes by recipient). */
export function findActiveMailboxByAddress(db: DbOrTx, address: string) {
  return db
    .selectFrom("mailboxes")
    .select(MAILBOX_PUBLIC)
    .where(sql<boolean>`lower(address) = ${address.toLowerCase()}`)
    .where("active", "=", true)
    .executeTakeFirst();
}

/** Ids of active IMAP mailboxes (the poll schedule). */
export async function listActiveImapMailboxIds(db: DbOrTx): Promise<Array<{ id: string; organization_id: string }>> {
  return db.selectFrom("mailboxes").select(["id", "organization_id"]).where("kind", "=", "imap").where("active", "=", true).execute();
}

/** Is this address one of the organization's own mailboxes (mail from ourselves is a loop)? */
export async function isMailboxAddress(db: DbOrTx, address: string): Promise<boolean> {
  return !!(await db.selectFrom("mailboxes").select("id").where(sql<boolean>`lower(address) = ${address.toLowerCase()}`).executeTakeFirst());
}

/** The reply-able desk address of an organization: its first active mailbox. */
export async function deskAddress(db: DbOrTx, orgId: string): Promise<string | null> {
  const row = await db
    .selectFrom("mailboxes")
    .select("address")
    .where("organization_id", "=", orgId)
    .where("active", "=", true)
    .orderBy("created_at")
    .limit(1)
    .executeTakeFirst();
  return row?.address ?? null;
}

type MailboxWrite = Omit<Updateable<MailboxesTable>, "id" | "organization_id" | "created_at" | "updated_at" | "imap_last_uid" | "imap_uid_validity">;

export function insertMailbox(db: DbOrTx, orgId: string, m: MailboxWrite & { name: string; address: string; kind: "smtp" | "imap" }) {
  return db
    .insertInto("mailboxes")
    .values({ ...m, organization_id: orgId })
    .returning(MAILBOX_PUBLIC)
    .executeTakeFirstOrThrow();
}

export function updateMailbox(db: DbOrTx, orgId: string, id: string, m: MailboxWrite & { resetCursor?: boolean }) {
  const { resetCursor, ...rest } = m;
  return db
    .updateTable("mailboxes")
    .set({ ...rest, updated_at: new Date(), ...(resetCursor ? { imap_uid_validity: null, imap_last_uid: 0 } : {}) })
    .where("organization_id", "=", orgId)
    .where("id", "=", id)
    .returning(MAILBOX_PUBLIC)
    .executeTakeFirst();
}

export async function deleteMailbox(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom("mailboxes").where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Advances the IMAP cursor after a message's ticket has committed (and it was flagged). */
export async function saveImapCursor(db: DbOrTx, id: string, uidValidity: number, lastUid: number) {
  await db
    .updateTable("mailboxes")
    .set({ imap_last_uid: sql<number>`greatest(imap_last_uid, ${lastUid})` })
    .where("id", "=", id)
    .where("imap_uid_validity", "=", uidValidity)
    .execute();
}

/** A new UIDVALIDITY: the folder was rebuilt, so reading starts over (Message-IDs keep it duplicate-free). */
export async function resetImapCursor(db: DbOrTx, id: string, uidValidity: number) {
  await db.updateTable("mailboxes").set({ imap_uid_validity: uidValidity, imap_last_uid: 0 }).where("id", "=", id).execute();
}

export async function recordPoll(db: DbOrTx, id: string, error: string | null) {
  await db.updateTable("mailboxes").set({ last_polled_at: new Date(), last_error: error }).where("id", "=", id).execute();
}

/**
 * Claims a message for processing: the row is unique per organization and Message-ID, so a second
 * delivery (or a concurrent one, which waits for the first to commit) gets null and makes nothing.
 */
export async function claimInbound(
  db: DbOrTx,
  m: {
    organizationId: string;
    mailboxId: string | null;
    messageId: string;
    from: string | null;
    subject: string | null;
    rawSha256: string | null;
    rawSize: number;
  },
): Promise<string | null> {
  const r = await sql<{ id: string }>`
    insert into inbound_messages (organization_id, mailbox_id, message_id, from_address, subject, status, raw_sha256, raw_size)
    values (${m.organizationId}, ${m.mailboxId}, ${m.messageId}, ${m.from}, ${m.subject}, 'ignored', ${m.rawSha256}, ${m.rawSize})
    on conflict (organization_id, message_id) do nothing
    returning id`.execute(db);
  return r.rows[0]?.id ?? null;
}

export async function settleInbound(
  db: DbOrTx,
  id: string,
  s: { status: InboundStatus; reason?: string | null; workItemId?: string | null; commentId?: string | null; html?: string | null },
) {
  await db
    .updateTable("inbound_messages")
    .set({ status: s.status, reason: s.reason ?? null, work_item_id: s.workItemId ?? null, comment_id: s.commentId ?? null, html: s.html ?? null })
    .where("id", "=", id)
    .execute();
}

/** Records a message that could not be processed, after its processing transaction rolled back. */
export async function insertQuarantined(
  db: DbOrTx,
  m: {
    organizationId: string;
    mailboxId: string | null;
    messageId: string;
    from: string | null;
    subject: string | null;
    rawSha256: string | null;
    rawSize: number;
    reason: string;
  },
): Promise<void> {
  await sql`
    insert into inbound_messages (organization_id, mailbox_id, message_id, from_address, subject, status, reason, raw_sha256, raw_size)
    values (${m.organizationId}, ${m.mailboxId}, ${m.messageId}, ${m.from}, ${m.subject}, 'quarantined', ${m.reason.slice(0, 2000)}, ${m.rawSha256}, ${m.rawSize})
    on conflict (organization_id, message_id) do nothing`.execute(db);
}

/** Messages from one sender that made tickets or comments since a time (the per-sender loop brake). */
export async function countRecentFromSender(db: DbOrTx, orgId: string, address: string, since: Date): Promise<number> {
  const r = await db
    .selectFrom("inbound_messages")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("organization_id", "=", orgId)
    .where(sql<boolean>`lower(from_address) = ${address.toLowerCase()}`)
    .where("received_at", ">=", since)
    .where("status", "in", ["ticket", "comment"])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The work item an earlier inbound message of the thread went to. */
export async function workItemForInboundIds(db: DbOrTx, orgId: string, messageIds: string[]): Promise<string | null> {
  if (!messageIds.length) return null;
  const r = await db
    .selectFrom("inbound_messages")
    .select("work_item_id")
    .where("organization_id", "=", orgId)
    .where("message_id", "in", messageIds)
    .where("work_item_id", "is not", null)
    .limit(1)
    .executeTakeFirst();
  return r?.work_item_id ?? null;
}

/** A person by address, in any organization (addresses are unique across Portico). */
export function findUserByEmail(db: DbOrTx, email: string) {
  return db
    .selectFrom("users")
    .select(["id", "organization_id", "role", "name", "active"])
    .where(sql<boolean>`lower(email) = ${email.toLowerCase()}`)
    .executeTakeFirst();
}

/** Adds a requester who wrote in for the first time (no password: they sign in by reset or SSO later). */
export async function insertRequester(db: DbOrTx, orgId: string, email: string, name: string): Promise<string> {
  const r = await db
    .insertInto("users")
    .values({ organization_id: orgId, email: email.toLowerCase(), name, role: "requester", password_hash: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Group ids of a person (their actor for the write). */
export async function groupIdsOf(db: DbOrTx, userId: string, orgId: string): Promise<string[]> {
  return (await db.selectFrom("group_members").select("group_id").where("user_id", "=", userId).where("organization_id", "=", orgId).execute()).map(
    (r) => r.group_id,
  );
}

/** A work item of the organization by id or number, as threading needs it. */
export function findItemRef(db: DbOrTx, orgId: string, ref: { id?: string; number?: string }) {
  let q = db.selectFrom("work_items").select(["id", "number", "type", "state", "requester_id"]).where("organization_id", "=", orgId);
  q = ref.id ? q.where("id", "=", ref.id) : q.where("number", "=", ref.number ?? "");
  return q.executeTakeFirst();
}

export async function storeBlob(db: DbOrTx, sha256: string, content: Buffer): Promise<void> {
  await db
    .insertInto("blobs")
    .values({ sha256, size: content.length, content })
    .onConflict((oc) => oc.column("sha256").doNothing())
    .execute();
}

/** Received messages of an organization, newest first, optionally by status. */
export function listInbound(db: DbOrTx, orgId: string, status: InboundStatus | undefined, limit: number, after: [string, string] | null) {
  let q = db
    .selectFrom("inbound_messages as m")
    .leftJoin("work_items as w", "w.id", "m.work_item_id")
    .leftJoin("mailboxes as b", "b.id", "m.mailbox_id")
    .select([
      "m.id",
      "m.message_id",
      "m.from_address",
      "m.subject",
      "m.status",
      "m.reason",
      "m.raw_size",
      "m.raw_sha256",
      "m.received_at",
      "w.number",
      "b.name as mailbox_name",
      sql<string>`to_char(m.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`.as("cursor_at"),
    ])
    .where("m.organization_id", "=", orgId);
  if (status) q = q.where("m.status", "=", status);
  if (after) q = q.where(sql<boolean>`(m.received_at, m.id) < (${after[0]}::timestamp at time zone 'UTC', ${after[1]}::uuid)`);
  return q
    .orderBy("m.received_at", "desc")
    .orderBy("m.id", "desc")
    .limit(limit + 1)
    .execute();
}

/** One received message with its raw bytes. */
export function findInboundWithRaw(db: DbOrTx, orgId: string, id: string) {
  return db
    .selectFrom("inbound_messages as m")
    .leftJoin("blobs as b", "b.sha256", "m.raw_sha256")
    .select(["m.id", "m.organization_id", "m.mailbox_id", "m.message_id", "m.status", "m.reason", "b.content"])
    .where("m.organization_id", "=", orgId)
    .where("m.id", "=", id)
    .executeTakeFirst();
}

export async function deleteInbound(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom("inbound_messages").where("id", "=", id).execute();
}

export function findGroup(db: DbOrTx, orgId: string, groupId: string) {
  return db.selectFrom("groups").select("id").where("organization_id", "=", orgId).where("id", "=", groupId).where("active", "=", true).executeTakeFirst();
}

/** Appends an admin change to the audit trail. */
export async function audit(
  db: DbOrTx,
  a: { organizationId: string; userId: string; ip?: string | null },
  action: string,
  entityId: string,
  data: Record<string, unknown>,
) {
  await db
    .insertInto("audit_events")
    .values({
      organization_id: a.organizationId,
      actor_id: a.userId,
      action,
      entity_type: "mailbox",
      entity_id: entityId,
      data: JSON.stringify(data),
      ip: a.ip ?? null,
    })
    .execute();
}

/**
 * What the intake must know about a message's sender in one round trip: is the Message-ID one we sent,
 * is the sender one of our mailboxes, how many messages they sent in the window, and who they are.
 */
export async function senderFacts(db: DbOrTx, orgId: string, messageId: string, from: string, since: Date) {
  const r = await sql<{
    own_message: boolean;
    own_mailbox: boolean;
    recent: number;
    user_id: string | null;
    user_org: string | null;
    user_role: "requester" | "agent" | "admin" | null;
    user_name: string | null;
    user_active: boolean | null;
  }>`
    select
      exists (select 1 from mail_deliveries where message_id = ${messageId}) as own_message,
      exists (select 1 from mailboxes where lower(address) = ${from}) as own_mailbox,
      (select count(*)::int from inbound_messages
         where organization_id = ${orgId} and lower(from_address) = ${from} and received_at >= ${since}
           and status in ('ticket', 'comment')) as recent,
      u.id as user_id, coalesce(m.organization_id, u.organization_id) as user_org, coalesce(m.role, u.role) as user_role,
      u.name as user_name, u.active as user_active
    from (select 1) one
    left join users u on lower(u.email) = ${from}
    -- A member of this organization (home or not) writes as that member, in their role here.
    left join organization_memberships m on m.user_id = u.id and m.organization_id = ${orgId}`.execute(db);
  return r.rows[0];
}
