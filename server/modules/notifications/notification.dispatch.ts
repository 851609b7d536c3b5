import { createHash } from "node:crypto";
import { DEFAULT_NOTIFICATION_RULES, type NotificationAudience, type NotificationEventType } from "../../../contracts/notifications";
import type { Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { enqueueJob } from "../../platform/jobs/queue";
import { addressDomain, bareAddress, type MailTransport, smtpTransport } from "../../platform/mail/transport";
import { deskAddressFor } from "../email-in/email-in.service";
import { type DispatchPayload, SEND_TASK } from "./notify";
import * as repo from "./notification.repo";
import { defaultTemplate, renderTemplate, type TemplateText, type TemplateVars } from "./notification.templates";

export const SEND_MAX_ATTEMPTS = 8;

const PATHS: Record<string, string> = {
  incident: "incidents",
  request: "requests",
  request_task: "tasks",
  problem: "problems",
  change: "changes",
  change_task: "change-tasks",
};

/** The organization's effective rules: its own rows over the built-in defaults. */
export async function effectiveRules(db: DbOrTx, orgId: string): Promise<Map<NotificationEventType, Set<NotificationAudience>>> {
  const m = new Map<NotificationEventType, Set<NotificationAudience>>();
  for (const [e, a] of Object.entries(DEFAULT_NOTIFICATION_RULES)) m.set(e as NotificationEventType, new Set(a));
  for (const r of await repo.listRules(db, orgId)) {
    const set = m.get(r.event as NotificationEventType);
    if (!set) continue;
    if (r.enabled) set.add(r.audience as NotificationAudience);
    else set.delete(r.audience as NotificationAudience);
  }
  return m;
}

/** Who sends for an organization, and where replies go (the desk's mailbox when there is one). */
export async function senderFor(deps: Deps, db: DbOrTx, orgId: string): Promise<{ from: string; replyTo: string; enabled: boolean }> {
  const s = await repo.findEffectiveMailSettings(db, orgId);
  const fallback = deps.config.PORTICO_MAIL_FROM;
  const address = s?.from_address ?? bareAddress(fallback);
  const name = s?.from_name ?? (s?.from_address ? null : (/^\s*"?([^"<]+?)"?\s*</.exec(fallback)?.[1] ?? null));
  const from = name ? `"${name.replace(/["\\\r\n]/g, "")}" <${address}>` : address;
  const desk = await deskAddressFor(db, orgId);
  return { from, replyTo: desk ?? s?.reply_to_address ?? address, enabled: s?.enabled ?? true };
}

/** The thread root every notification about one item refers to, so mail clients group them. */
export function threadMessageId(workItemId: string, domain: string): string {
  return `<portico.${workItemId}@${domain}>`;
}

/** Picks the people to tell: audiences by rule, named people, then visibility, actor and preferences. */
async function pickRecipients(db: DbOrTx, e: DispatchPayload, item: repo.NotificationItem, internal: boolean) {
  const audiences = e.onlyRecipients ? new Set<NotificationAudience>() : ((await effectiveRules(db, e.organizationId)).get(e.type) ?? new Set());
  const ids = new Set<string>();
  if (audiences.has("requester")) ids.add(item.requester_id);
  if (audiences.has("assignee") && item.assignee_id) ids.add(item.assignee_id);
  // The group hears of work nobody has taken yet; once someone is assigned, they handle it.
  if (audiences.has("group") && item.assignment_group_id && !item.assignee_id)
    for (const id of await repo.listGroupMemberIds(db, e.organizationId, item.assignment_group_id)) ids.add(id);
  if (audiences.has("watchers")) for (const id of await repo.listWatcherIds(db, item.id)) ids.add(id);
  if (audiences.has("approvers")) for (const id of e.approverIds ?? []) ids.add(id);
  for (const id of e.recipientIds ?? []) ids.add(id);
  // People are not told of their own actions — except the requester's acknowledgement of a new item.
  if (e.actorId && !(e.type === "work_item.created" && e.actorId === item.requester_id)) ids.delete(e.actorId);
  const people = await repo.findPeople(db, e.organizationId, [...ids]);
  const off = await repo.optedOut(
    db,
    people.map((p) => p.id),
    e.type,
  );
  const excluded = new Set((e.excludeAddresses ?? []).map((a) => a.toLowerCase()));
  return people.filter(
    (p) => p.active && p.email && !off.has(p.id) && !excluded.has(p.email.toLowerCase()) && (!internal || p.role === "agent" || p.role === "admin"),
  );
}

/**
 * The first step of sending (the dispatch job): decide the recipients, render each one's mail in their
 * language, write the delivery log and queue one `mail.send` per new row — all in one transaction, so
 * a retried dispatch finds its rows (unique per event and address) and queues nothing twice.
 */
export async function dispatchNotification(deps: Deps, e: DispatchPayload): Promise<number> {
  return withTx(deps.db, async (tx) => {
    const item = await repo.findItemForNotification(tx, e.organizationId, e.workItemId);
    if (!item) return 0;
    const sender = await senderFor(deps, tx, e.organizationId);
    if (!sender.enabled) return 0;
    let internal = e.visibility === "internal";
    let comment: { body: string; author: string | null } | null = null;
    if (e.commentId) {
      const c = await repo.findComment(tx, e.organizationId, e.commentId);
      if (!c) return 0;
      if (c.visibility === "internal") internal = true;
      comment = { body: c.body, author: c.author_name };
    }
    const recipients = await pickRecipients(tx, e, item, internal);
    if (!recipients.length) return 0;
    const actor = e.actorId ? await repo.findPersonName(tx, e.organizationId, e.actorId) : null;
    const overrides = await repo.listInheritedTemplates(tx, e.organizationId);
    const templateFor = (language: string): TemplateText => {
      const base = language.split("-")[0];
      const own = overrides.find((t) => t.event === e.type && t.language === language) ?? overrides.find((t) => t.event === e.type && t.language === base);
      return own ? { subject: own.subject, body: own.body } : defaultTemplate(e.type, language);
    };
    const publicUrl = (deps.config.PORTICO_PUBLIC_URL ?? `http://localhost:${deps.config.PORT}`).replace(/\/$/, "");
    const domain = addressDomain(sender.from);
    const thread = threadMessageId(item.id, domain);
    const vars: TemplateVars = {
      number: item.number,
      title: item.title,
      state: item.state.replace(/_/g, " "),
      priority: `P${item.priority}`,
      // Approvers (often requesters) decide in the portal, whatever the item's type.
      url: e.type === "approval.requested" ? `${publicUrl}/portal/approvals` : `${publicUrl}/${PATHS[item.type] ?? "work-items"}/${item.number}`,
      requester: item.requester_name ?? "",
      assignee: item.assignee_name ?? "nobody yet",
      group: item.group_name ?? "no group",
      actor: comment?.author ?? actor?.name ?? "Portico",
      comment: comment?.body ?? "",
      message: e.message ?? "",
      desk: /^"?([^"<]+?)"?\s*</.exec(sender.from)?.[1] ?? "Service desk",
    };
    let queued = 0;
    for (const p of recipients) {
      const rendered = renderTemplate(templateFor(p.locale || "en"), { ...vars, recipient: p.name }, item.number);
      const messageId = `<${e.eventId}.${createHash("sha256").update(p.email.toLowerCase()).digest("hex").slice(0, 12)}@${domain}>`;
      const id = await repo.insertDelivery(tx, {
        organizationId: e.organizationId,
        eventId: e.eventId,
        event: e.type,
        workItemId: item.id,
        recipientId: p.id,
        to: p.email,
        messageId,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        headers: {
          from: sender.from,
          replyTo: sender.replyTo,
          "In-Reply-To": thread,
          References: thread,
          "Auto-Submitted": "auto-generated",
          "X-Auto-Response-Suppress": "All",
          "X-Portico-Work-Item": item.number,
        },
      });
      if (!id) continue;
      await enqueueJob(tx, SEND_TASK, { deliveryId: id, organizationId: e.organizationId }, { maxAttempts: SEND_MAX_ATTEMPTS });
      queued++;
    }
    return queued;
  });
}

/**
 * The second step (the generic `mail.send` job): deliver one logged mail over SMTP. The row is claimed
 * before the SMTP conversation and marked sent right after it, so a job re-run after a worker died
 * finds it sent and does nothing; a re-run after a death mid-conversation resends with the same
 * Message-ID, which receiving systems use to drop the copy.
 */
export async function sendDelivery(deps: Deps, deliveryId: string, transport?: MailTransport): Promise<"sent" | "skipped" | "done" | "missing"> {
  const d = await withTx(deps.db, async (tx) => {
    const row = await repo.lockDelivery(tx, deliveryId);
    if (!row) return "missing" as const;
    if (row.status === "sent" || row.status === "skipped" || row.status === "failed") return "done" as const;
    await repo.markDelivery(tx, row.id, { status: "sending", attempt: true });
    return row;
  });
  if (typeof d === "string") return d;
  const url = deps.config.PORTICO_SMTP_URL;
  if (!transport && !url) {
    await repo.markDelivery(deps.db, d.id, { status: "skipped", error: "outgoing mail is not configured (PORTICO_SMTP_URL)" });
    return "skipped";
  }
  const t = transport ?? smtpTransport(url as string);
  const { from, replyTo, ...headers } = d.headers;
  try {
    await t.send({ from, replyTo, to: d.to_address, subject: d.subject, text: d.text_body, html: d.html_body, messageId: d.message_id, headers });
  } catch (err) {
    const last = d.attempts + 1 >= SEND_MAX_ATTEMPTS;
    await repo.markDelivery(deps.db, d.id, { status: last ? "failed" : "queued", error: String((err as Error)?.message ?? err).slice(0, 1000) });
    throw err;
  }
  await repo.markDelivery(deps.db, d.id, { status: "sent", error: null });
  return "sent";
}

/**
 * Queues one ready-made mail about a work item (e.g. a satisfaction survey) through the delivery log and
 * `mail.send`, with the organization's sender and the item's thread headers. Runs in the caller's
 * transaction; returns null when outgoing mail is off for the organization or the row already exists.
 */
export async function queueItemMail(
  deps: Deps,
  tx: DbOrTx,
  m: {
    organizationId: string;
    workItemId: string;
    number: string;
    eventId: string;
    event: string;
    recipientId: string | null;
    to: string;
    subject: string;
    text: string;
    html: string;
  },
): Promise<string | null> {
  const sender = await senderFor(deps, tx, m.organizationId);
  if (!sender.enabled) return null;
  const domain = addressDomain(sender.from);
  const thread = threadMessageId(m.workItemId, domain);
  const id = await repo.insertDelivery(tx, {
    organizationId: m.organizationId,
    eventId: m.eventId,
    event: m.event,
    workItemId: m.workItemId,
    recipientId: m.recipientId,
    to: m.to,
    messageId: `<${m.eventId}.${createHash("sha256").update(m.to.toLowerCase()).digest("hex").slice(0, 12)}@${domain}>`,
    subject: m.subject,
    text: m.text,
    html: m.html,
    headers: {
      from: sender.from,
      replyTo: sender.replyTo,
      "In-Reply-To": thread,
      References: thread,
      "Auto-Submitted": "auto-generated",
      "X-Auto-Response-Suppress": "All",
      "X-Portico-Work-Item": m.number,
    },
  });
  if (id) await enqueueJob(tx, SEND_TASK, { deliveryId: id, organizationId: m.organizationId }, { maxAttempts: SEND_MAX_ATTEMPTS });
  return id;
}
