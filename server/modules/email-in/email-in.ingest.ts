import { createHash } from "node:crypto";
import { type ParsedMail, simpleParser } from "mailparser";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { bareAddress } from "../../platform/mail/transport";
import { AppError } from "../../platform/http/errors";
import { createIncident, transitionIncident } from "../incidents/incident.service";
import { isOwnMessageId, workItemForMessageId } from "../notifications/notification.service";
import { addAttachment, addComment, findVisibleItem } from "../work-items/work-item.service";
import { automaticReason, sanitizeMailHtml, subjectNumber, threadReferences, threadRootItemId, ticketTitle, trimReply } from "./email-in.parse";
import * as repo from "./email-in.repo";

export type IngestStatus = "ticket" | "comment" | "ignored" | "quarantined" | "duplicate";
export interface IngestResult {
  status: IngestStatus;
  reason?: string;
  workItemId?: string;
  number?: string;
}

/** Test seam: runs inside the message's transaction just before it commits. */
export interface IngestHooks {
  beforeCommit?: () => Promise<void> | void;
}

type Mailbox = Pick<repo.MailboxRow, "id" | "organization_id" | "default_group_id" | "accept_unknown_senders" | "creates">;

/** Thrown inside the transaction to settle a message without a ticket; the row is kept (and committed). */
class Settle extends Error {
  constructor(
    readonly status: "ignored" | "quarantined",
    readonly reason: string,
  ) {
    super(reason);
  }
}

const TEMPORARY_CODES = /^(08|57P|53|40001|40P01)|^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE)$/;

/** A failure of the infrastructure (database gone, deadlock), not of the message: retry, never quarantine. */
export function isTemporary(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && TEMPORARY_CODES.test(code);
}

const noNul = (s: string | null | undefined) => (s == null ? null : s.replace(/\u0000/g, ""));

/**
 * Turns one received message into a ticket or a comment, exactly once per organization and Message-ID,
 * in one transaction (so the intake acknowledges — SMTP 250, IMAP \Seen — only after it committed).
 * Machine-made mail and our own is recorded as ignored; mail that cannot be processed is quarantined
 * with the reason, and the next message goes on. Throws only for temporary failures (retry later).
 */
export async function ingestMessage(
  deps: Deps,
  mailbox: Mailbox,
  raw: Buffer,
  opts: { envelopeFrom?: string | null; hooks?: IngestHooks } = {},
): Promise<IngestResult> {
  const orgId = mailbox.organization_id;
  const sha256 = createHash("sha256").update(raw).digest("hex");
  const maxBytes = deps.config.PORTICO_MAIL_MAX_MB * 1024 * 1024;
  const headerId = /^message-id:\s*(<[^>\r\n]+>)/im.exec(raw.subarray(0, 65536).toString("latin1"))?.[1];
  const fallbackId = headerId ?? `<${sha256}@portico.invalid>`;
  const base = { organizationId: orgId, mailboxId: mailbox.id, rawSize: raw.length };
  const quarantine = async (
    reason: string,
    meta: { messageId: string; from: string | null; subject: string | null },
    keepRaw: boolean,
  ): Promise<IngestResult> => {
    await withTx(deps.db, async (tx) => {
      if (keepRaw) await repo.storeBlob(tx, sha256, raw);
      await repo.insertQuarantined(tx, {
        ...base,
        messageId: noNul(meta.messageId) as string,
        from: noNul(meta.from),
        subject: noNul(meta.subject)?.slice(0, 1000) ?? null,
        rawSha256: keepRaw ? sha256 : null,
        reason,
      });
    });
    deps.log.warn({ mailbox: mailbox.id, messageId: meta.messageId, reason }, "inbound message quarantined");
    return { status: "quarantined", reason };
  };

  if (raw.length > maxBytes) {
    return quarantine(
      `too large: ${(raw.length / 1048576).toFixed(1)} MB (limit ${deps.config.PORTICO_MAIL_MAX_MB} MB)`,
      { messageId: fallbackId, from: null, subject: null },
      false,
    );
  }
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipTextToHtml: true });
  } catch (e) {
    return quarantine(`unreadable message: ${(e as Error).message}`, { messageId: fallbackId, from: null, subject: null }, true);
  }
  const messageId = parsed.messageId ? (parsed.messageId.startsWith("<") ? parsed.messageId : `<${parsed.messageId}>`) : fallbackId;
  const fromEntry = parsed.from?.value?.[0];
  const from = fromEntry?.address ? bareAddress(fromEntry.address) : null;
  const subject = parsed.subject ?? null;
  const meta = { messageId, from, subject };

  try {
    return await withTx(deps.db, async (tx) => {
      await repo.storeBlob(tx, sha256, raw);
      const inboundId = await repo.claimInbound(tx, { ...base, messageId, from, subject: subject?.slice(0, 1000) ?? null, rawSha256: sha256 });
      if (!inboundId) return { status: "duplicate" as const };
      try {
        const result = await processClaimed(deps, tx, mailbox, parsed, { from, messageId, envelopeFrom: opts.envelopeFrom, inboundId });
        await opts.hooks?.beforeCommit?.();
        return result;
      } catch (e) {
        if (!(e instanceof Settle)) throw e;
        await repo.settleInbound(tx, inboundId, { status: e.status, reason: e.reason });
        if (e.status === "quarantined") deps.log.warn({ mailbox: mailbox.id, messageId, reason: e.reason }, "inbound message quarantined");
        return { status: e.status, reason: e.reason };
      }
    });
  } catch (e) {
    if (isTemporary(e)) throw e;
    // Poison: the transaction rolled back; record why (in a new one) so the next message goes on.
    return quarantine(`processing failed: ${String((e as Error)?.message ?? e).slice(0, 500)}`, meta, true);
  }
}

async function processClaimed(
  deps: Deps,
  tx: Parameters<Parameters<typeof withTx>[1]>[0],
  mailbox: Mailbox,
  parsed: ParsedMail,
  m: { from: string | null; messageId: string; envelopeFrom?: string | null; inboundId: string },
): Promise<IngestResult> {
  const orgId = mailbox.organization_id;
  const auto = automaticReason(parsed, m.envelopeFrom);
  if (auto) throw new Settle("ignored", auto);
  if (!m.from) {
    if (await isOwnMessageId(tx, [m.messageId])) throw new Settle("ignored", "our own mail came back (loop)");
    throw new Settle("quarantined", "no sender address");
  }
  const facts = await repo.senderFacts(tx, orgId, m.messageId, m.from, new Date(Date.now() - 3600_000));
  if (facts.own_message || facts.own_mailbox) throw new Settle("ignored", "our own mail came back (loop)");
  const limit = deps.config.PORTICO_MAIL_SENDER_LIMIT_PER_HOUR;
  if (facts.recent >= limit) throw new Settle("quarantined", `rate limit: ${limit} messages in the last hour from ${m.from}`);

  // The sender: a member of this organization (home or not), or a new requester when the mailbox allows it.
  let user = facts.user_id
    ? {
        id: facts.user_id,
        organization_id: facts.user_org as string,
        role: facts.user_role as Actor["role"],
        name: facts.user_name as string,
        active: !!facts.user_active,
      }
    : null;
  if (user && user.organization_id !== orgId) throw new Settle("quarantined", `sender ${m.from} belongs to another organization`);
  if (user && !user.active) throw new Settle("quarantined", `sender ${m.from} is deactivated`);
  if (!user) {
    if (!mailbox.accept_unknown_senders) throw new Settle("quarantined", `unknown sender ${m.from}`);
    const name =
      (parsed.from?.value?.[0]?.name || m.from.split("@")[0])
        .replace(/[\r\n\u0000]/g, " ")
        .trim()
        .slice(0, 200) || m.from;
    const id = await repo.insertRequester(tx, orgId, m.from, name);
    user = { id, organization_id: orgId, role: "requester", name, active: true };
  }
  // Requesters belong to no groups: skip the lookup for them.
  const actor: Actor = {
    userId: user.id,
    organizationId: orgId,
    role: user.role,
    groupIds: user.role === "requester" ? [] : await repo.groupIdsOf(tx, user.id, orgId),
  };
  const txDeps = { ...deps, db: tx };

  // Threading: our thread id, our Message-IDs, earlier inbound messages, then the number in the subject.
  const refs = threadReferences(parsed);
  let itemId = threadRootItemId(refs) ?? (await workItemForMessageId(tx, orgId, refs)) ?? (await repo.workItemForInboundIds(tx, orgId, refs));
  let item = itemId ? await repo.findItemRef(tx, orgId, { id: itemId }) : null;
  if (!item) {
    const number = subjectNumber(parsed.subject);
    item = number ? await repo.findItemRef(tx, orgId, { number }) : null;
  }
  // Only people who may see the item comment on it; anyone else's mail becomes their own ticket.
  if (
    item &&
    !(await findVisibleItem(tx, actor, item.id).then(
      () => true,
      () => false,
    ))
  )
    item = undefined;

  const text = (parsed.text ?? "").replace(/\u0000/g, "\uFFFD");
  const html = parsed.html ? sanitizeMailHtml(parsed.html) : null;
  let status: "ticket" | "comment";
  let commentId: string | null = null;
  if (item) {
    const c = await addComment(txDeps, actor, item.id, item.type, (trimReply(text) || "(empty message)").slice(0, 100_000), "public");
    commentId = c.id;
    status = "comment";
    // The requester answering a resolution ("still broken") reopens it, as the resolved mail promises —
    // within the reopen window; after it, the reply stays a comment on the closed-out ticket.
    if (item.type === "incident" && item.state === "resolved" && item.requester_id === user.id) {
      await transitionIncident(txDeps, actor, item.id, { action: "reopen", reason: "The requester replied by email" }).catch((e) => {
        if (!(e instanceof AppError)) throw e;
      });
    }
  } else {
    const created = await createIncident(
      txDeps,
      actor,
      { title: ticketTitle(parsed.subject), description: trimReply(text).slice(0, 100_000), impact: "medium", urgency: "medium" },
      { via: "email", intakeGroupId: mailbox.default_group_id },
    );
    const body = created.body as { id: string; number: string; type?: string };
    item = { id: body.id, number: body.number, type: "incident", state: "new", requester_id: user.id };
    status = "ticket";
  }
  itemId = item.id;
  const maxAttachment = deps.config.PORTICO_ATTACHMENT_MAX_MB * 1024 * 1024;
  for (const a of parsed.attachments ?? []) {
    if (a.content.length > maxAttachment) continue;
    const ext = (a.contentType.split("/")[1] ?? "bin").replace(/[^a-z0-9]/gi, "").slice(0, 8);
    const filename = a.filename ?? (a.cid ? `inline-${a.cid.replace(/[^\w.-]/g, "_").slice(0, 60)}.${ext}` : `attachment.${ext}`);
    await addAttachment(txDeps, actor, item.id, item.type, { filename, contentType: a.contentType, content: a.content });
  }
  await repo.settleInbound(tx, m.inboundId, { status, workItemId: itemId, commentId, html });
  return { status, workItemId: itemId, number: item.number };
}
