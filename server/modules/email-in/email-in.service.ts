import type { TCreateMailboxRequest, TMailbox, TUpdateMailboxRequest } from "../../../contracts/mail";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { type IngestResult, ingestMessage } from "./email-in.ingest";
import { queueMailboxPoll } from "./email-in.jobs";
import * as repo from "./email-in.repo";
import type { InboundStatus } from "./email-in.tables";
import { sealSecret } from "../../platform/secrets";

function requireAdmin(actor: Actor) {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators can manage mailboxes");
}

function present(m: repo.MailboxRow): TMailbox {
  return {
    id: m.id,
    name: m.name,
    address: m.address,
    kind: m.kind,
    active: m.active,
    defaultGroupId: m.default_group_id,
    acceptUnknownSenders: m.accept_unknown_senders,
    imap:
      m.kind === "imap"
        ? {
            host: m.imap_host ?? "",
            port: m.imap_port ?? 993,
            tls: m.imap_tls,
            user: m.imap_user ?? "",
            folder: m.imap_folder,
            moveTo: m.imap_move_to,
            lastUid: Number(m.imap_last_uid),
          }
        : null,
    lastPolledAt: m.last_polled_at ? m.last_polled_at.toISOString() : null,
    lastError: m.last_error,
    createdAt: m.created_at.toISOString(),
  };
}

/** The reply-able desk address of an organization (its first active mailbox), for notifications. */
export function deskAddressFor(db: DbOrTx, orgId: string): Promise<string | null> {
  return repo.deskAddress(db, orgId);
}

/** The organization's mailboxes (admins). */
export async function listMailboxes(deps: Deps, actor: Actor): Promise<TMailbox[]> {
  requireAdmin(actor);
  return (await repo.listMailboxes(deps.db, actor.organizationId)).map(present);
}

async function assertGroup(db: DbOrTx, orgId: string, groupId: string | null | undefined) {
  if (!groupId) return;
  const g = await repo.findGroup(db, orgId, groupId);
  if (!g) throw invalidField("body.defaultGroupId", "no such active group in this organization");
}

function isUniqueViolation(e: unknown) {
  return (e as { code?: string })?.code === "23505";
}

/** Adds a mailbox (admins); its address must be unique across Portico (the intake routes by it). */
export async function createMailbox(deps: Deps, actor: Actor, input: TCreateMailboxRequest): Promise<TMailbox> {
  requireAdmin(actor);
  if (input.kind === "imap" && !input.imap) throw invalidField("body.imap", "required for an IMAP mailbox");
  return withTx(deps.db, async (tx) => {
    await assertGroup(tx, actor.organizationId, input.defaultGroupId);
    const row = await repo
      .insertMailbox(tx, actor.organizationId, {
        name: input.name,
        address: input.address.toLowerCase(),
        kind: input.kind,
        active: input.active,
        default_group_id: input.defaultGroupId,
        accept_unknown_senders: input.acceptUnknownSenders,
        ...(input.kind === "imap" && input.imap
          ? {
              imap_host: input.imap.host,
              imap_port: input.imap.port,
              imap_tls: input.imap.tls,
              imap_user: input.imap.user,
              imap_password: sealSecret(input.imap.password),
              imap_folder: input.imap.folder,
              imap_move_to: input.imap.moveTo,
            }
          : {}),
      })
      .catch((e) => {
        if (isUniqueViolation(e))
          throw new AppError("CONFLICT", `The address ${input.address} is already used by a mailbox`, [{ field: "body.address", message: "already in use" }]);
        throw e;
      });
    await repo.audit(tx, actor, "mailbox.created", row.id, { name: input.name, address: input.address, kind: input.kind });
    return present(row);
  });
}

/** Changes a mailbox (admins); a new IMAP server or folder restarts its cursor. */
export async function updateMailbox(deps: Deps, actor: Actor, id: string, input: TUpdateMailboxRequest): Promise<TMailbox> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    const current = await repo.findMailbox(tx, actor.organizationId, id);
    if (!current) throw notFound("Mailbox");
    if (input.imap && current.kind !== "imap") throw invalidField("body.imap", "only an IMAP mailbox has IMAP settings");
    await assertGroup(tx, actor.organizationId, input.defaultGroupId);
    const i = input.imap;
    const moved = !!i && (i.host !== current.imap_host || i.user !== current.imap_user || i.folder !== current.imap_folder);
    const row = await repo
      .updateMailbox(tx, actor.organizationId, id, {
        name: input.name,
        address: input.address?.toLowerCase(),
        active: input.active,
        default_group_id: input.defaultGroupId,
        accept_unknown_senders: input.acceptUnknownSenders,
        ...(i
          ? {
              imap_host: i.host,
              imap_port: i.port,
              imap_tls: i.tls,
              imap_user: i.user,
              imap_folder: i.folder,
              imap_move_to: i.moveTo,
              ...(i.password ? { imap_password: sealSecret(i.password) } : {}),
            }
          : {}),
        resetCursor: moved,
      })
      .catch((e) => {
        if (isUniqueViolation(e))
          throw new AppError("CONFLICT", `The address ${input.address} is already used by a mailbox`, [{ field: "body.address", message: "already in use" }]);
        throw e;
      });
    if (!row) throw notFound("Mailbox");
    await repo.audit(tx, actor, "mailbox.updated", id, { ...input, imap: i ? { ...i, password: i.password ? "(changed)" : undefined } : undefined });
    return present(row);
  });
}

/** Removes a mailbox (admins); received messages stay, unlinked. */
export async function deleteMailbox(deps: Deps, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  await withTx(deps.db, async (tx) => {
    if (!(await repo.deleteMailbox(tx, actor.organizationId, id))) throw notFound("Mailbox");
    await repo.audit(tx, actor, "mailbox.deleted", id, {});
  });
}

/** Queues a poll of an IMAP mailbox now (admins), instead of waiting for the minute. */
export async function pollNow(deps: Deps, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  const m = await repo.findMailbox(deps.db, actor.organizationId, id);
  if (!m) throw notFound("Mailbox");
  if (m.kind !== "imap") throw new AppError("CONFLICT", "Only IMAP mailboxes are polled; SMTP mailboxes receive mail as it arrives");
  await queueMailboxPoll(deps.db, m);
}

/** Received messages and what became of them, newest first (admins; quarantine with status=quarantined). */
export async function listInbound(deps: Deps, actor: Actor, q: { status?: InboundStatus; limit: number; cursor?: string }) {
  requireAdmin(actor);
  let after: [string, string] | null = null;
  if (q.cursor) {
    const parts = Buffer.from(q.cursor, "base64url").toString("utf8").split("|");
    if (parts.length !== 2 || !/^\d{4}-/.test(parts[0])) throw invalidField("query.cursor", "invalid cursor");
    after = [parts[0], parts[1]];
  }
  const rows = await repo.listInbound(deps.db, actor.organizationId, q.status, q.limit, after);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      messageId: r.message_id,
      from: r.from_address,
      subject: r.subject,
      status: r.status,
      reason: r.reason,
      workItemNumber: r.number,
      mailbox: r.mailbox_name,
      size: r.raw_size,
      receivedAt: r.received_at.toISOString(),
      rawUrl: r.raw_sha256 !== null ? `/api/v1/admin/inbound-messages/${r.id}/raw` : null,
    })),
    nextCursor: rows.length > q.limit && last ? Buffer.from(`${last.cursor_at}|${last.id}`).toString("base64url") : null,
  };
}

/** The raw message as received (admins). */
export async function rawMessage(deps: Deps, actor: Actor, id: string): Promise<Buffer> {
  requireAdmin(actor);
  const m = await repo.findInboundWithRaw(deps.db, actor.organizationId, id);
  if (!m?.content) throw notFound("Raw message");
  return m.content;
}

/** Processes a quarantined message again (after the cause was fixed, e.g. the sender was added). */
export async function retryInbound(deps: Deps, actor: Actor, id: string): Promise<IngestResult & { number?: string }> {
  requireAdmin(actor);
  const m = await repo.findInboundWithRaw(deps.db, actor.organizationId, id);
  if (!m) throw notFound("Inbound message");
  if (m.status !== "quarantined") throw new AppError("CONFLICT", "Only quarantined messages can be processed again");
  if (!m.content) throw new AppError("CONFLICT", "The message was not kept (too large); ask the sender to send it again");
  const box = m.mailbox_id ? await repo.findMailbox(deps.db, actor.organizationId, m.mailbox_id) : null;
  if (!box) throw new AppError("CONFLICT", "The mailbox this message came from no longer exists");
  await repo.deleteInbound(deps.db, m.id);
  const r = await ingestMessage(deps, box, m.content);
  await repo.audit(deps.db, actor, "inbound_message.retried", m.id, { messageId: m.message_id, status: r.status });
  return r;
}
