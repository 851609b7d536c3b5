import {
  NOTIFICATION_AUDIENCES,
  NOTIFICATION_EVENTS,
  type NotificationEventType,
  type TMailSettings,
  type TNotificationRule,
  type TNotificationTemplate,
} from "../../../contracts/notifications";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { bareAddress } from "../../platform/mail/transport";
import { findVisibleItem } from "../work-items/work-item.service";
import { effectiveRules, senderFor } from "./notification.dispatch";
import * as repo from "./notification.repo";
import { DEFAULT_TEMPLATES, defaultTemplate, renderTemplate, SAMPLE_VARS } from "./notification.templates";

function requireAdmin(actor: Actor) {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators can change notifications");
}

/** Every event × audience with whether it is on, and whether the built-in value applies. */
export async function listRules(deps: Deps, actor: Actor): Promise<TNotificationRule[]> {
  requireAdmin(actor);
  const eff = await effectiveRules(deps.db, actor.organizationId);
  const own = new Set((await repo.listRules(deps.db, actor.organizationId)).map((r) => `${r.event}|${r.audience}`));
  return NOTIFICATION_EVENTS.flatMap((event) =>
    NOTIFICATION_AUDIENCES.map((audience) => ({
      event,
      audience,
      enabled: eff.get(event)?.has(audience) ?? false,
      isDefault: !own.has(`${event}|${audience}`),
    })),
  );
}

/** Turns audiences on or off per event (audited). */
export async function updateRules(deps: Deps, actor: Actor, rules: Array<{ event: string; audience: string; enabled: boolean }>) {
  requireAdmin(actor);
  await withTx(deps.db, async (tx) => {
    await repo.upsertRules(tx, actor.organizationId, rules);
    await repo.audit(tx, actor, "notification_rules.updated", { rules });
  });
  return listRules(deps, actor);
}

/** Every event's template in a language: the organization's own text or the built-in one. */
export async function listTemplates(deps: Deps, actor: Actor, language: string): Promise<TNotificationTemplate[]> {
  requireAdmin(actor);
  const own = await repo.listTemplates(deps.db, actor.organizationId, null);
  return NOTIFICATION_EVENTS.map((event) => {
    const o = own.find((t) => t.event === event && t.language === language);
    const d = defaultTemplate(event, language);
    return {
      event,
      language,
      subject: o?.subject ?? d.subject,
      body: o?.body ?? d.body,
      isDefault: !o,
      updatedAt: o ? o.updated_at.toISOString() : null,
    };
  });
}

/** Languages with built-in or organization templates. */
export async function templateLanguages(deps: Deps, actor: Actor): Promise<string[]> {
  requireAdmin(actor);
  const own = await repo.listTemplates(deps.db, actor.organizationId, null);
  return [...new Set([...Object.keys(DEFAULT_TEMPLATES), ...own.map((t) => t.language)])].sort();
}

/** Saves the organization's template for an event and language (audited). */
export async function putTemplate(deps: Deps, actor: Actor, event: NotificationEventType, language: string, t: { subject: string; body: string }) {
  requireAdmin(actor);
  await withTx(deps.db, async (tx) => {
    await repo.upsertTemplate(tx, {
      organizationId: actor.organizationId,
      deskId: null,
      event,
      language,
      subject: t.subject,
      body: t.body,
      updatedById: actor.userId,
    });
    await repo.audit(tx, actor, "notification_template.updated", { event, language });
  });
  return (await listTemplates(deps, actor, language)).find((x) => x.event === event) as TNotificationTemplate;
}

/** Goes back to the built-in template. */
export async function resetTemplate(deps: Deps, actor: Actor, event: NotificationEventType, language: string) {
  requireAdmin(actor);
  const removed = await repo.deleteTemplate(deps.db, actor.organizationId, null, event, language);
  if (!removed) throw notFound("Template override");
}

/** Renders a draft template against sample data or a real work item, without sending anything. */
export async function previewTemplate(deps: Deps, actor: Actor, input: { event: NotificationEventType; subject: string; body: string; workItem?: string }) {
  requireAdmin(actor);
  let vars = { ...SAMPLE_VARS };
  if (input.workItem) {
    const core = await findVisibleItem(deps.db, actor, input.workItem).catch(() => {
      throw invalidField("body.workItem", "no such work item in this organization");
    });
    const item = await repo.findItemForNotification(deps.db, actor.organizationId, core.id);
    if (item)
      vars = {
        ...vars,
        number: item.number,
        title: item.title,
        state: item.state.replace(/_/g, " "),
        priority: `P${item.priority}`,
        requester: item.requester_name ?? "",
        assignee: item.assignee_name ?? "nobody yet",
        group: item.group_name ?? "no group",
      };
  }
  return renderTemplate({ subject: input.subject, body: input.body }, vars, vars.number ?? "");
}

/** The person's own choices: every event, on unless turned off. */
export async function getPreferences(deps: Deps, actor: Actor) {
  const rows = await repo.listPreferences(deps.db, actor.userId);
  const off = new Set(rows.filter((r) => !r.email).map((r) => r.event));
  return { items: NOTIFICATION_EVENTS.map((event) => ({ event, email: !off.has(event) })) };
}

/** Turns mail for some events on or off for the caller. */
export async function putPreferences(deps: Deps, actor: Actor, items: Array<{ event: NotificationEventType; email: boolean }>) {
  await repo.upsertPreferences(deps.db, actor.organizationId, actor.userId, items);
  return getPreferences(deps, actor);
}

/** The organization's sender settings. */
export async function getMailSettings(deps: Deps, actor: Actor): Promise<TMailSettings & { effectiveFrom: string; effectiveReplyTo: string }> {
  requireAdmin(actor);
  const s = await repo.findMailSettings(deps.db, actor.organizationId);
  const eff = await senderFor(deps, deps.db, actor.organizationId);
  return {
    fromName: s?.from_name ?? null,
    fromAddress: s?.from_address ?? null,
    replyToAddress: s?.reply_to_address ?? null,
    enabled: s?.enabled ?? true,
    effectiveFrom: eff.from,
    effectiveReplyTo: eff.replyTo,
  };
}

/** Changes the organization's sender settings (audited). */
export async function putMailSettings(deps: Deps, actor: Actor, s: TMailSettings) {
  requireAdmin(actor);
  await withTx(deps.db, async (tx) => {
    await repo.upsertMailSettings(tx, actor.organizationId, {
      from_name: s.fromName || null,
      from_address: s.fromAddress ? bareAddress(s.fromAddress) : null,
      reply_to_address: s.replyToAddress ? bareAddress(s.replyToAddress) : null,
      enabled: s.enabled,
    });
    await repo.audit(tx, actor, "mail_settings.updated", { ...s });
  });
  return getMailSettings(deps, actor);
}

/** The delivery log (admins): what was sent to whom, and what failed. */
export async function listDeliveries(
  deps: Deps,
  actor: Actor,
  q: { status?: "queued" | "sending" | "sent" | "failed" | "skipped"; workItem?: string; limit: number; cursor?: string },
) {
  requireAdmin(actor);
  let after: [string, string] | null = null;
  if (q.cursor) {
    const parts = Buffer.from(q.cursor, "base64url").toString("utf8").split("|");
    if (parts.length !== 2 || !/^\d{4}-/.test(parts[0])) throw invalidField("query.cursor", "invalid cursor");
    after = [parts[0], parts[1]];
  }
  const rows = await repo.listDeliveries(deps.db, actor.organizationId, { status: q.status, workItemNumber: q.workItem?.toUpperCase() }, q.limit, after);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      event: r.event,
      workItemNumber: r.number,
      to: r.to_address,
      subject: r.subject,
      messageId: r.message_id,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at.toISOString(),
      sentAt: r.sent_at ? r.sent_at.toISOString() : null,
    })),
    nextCursor: rows.length > q.limit && last ? Buffer.from(`${last.cursor_at}|${last.id}`).toString("base64url") : null,
  };
}

/** The work item one of our outgoing Message-IDs was about (threads replies to notifications). */
export function workItemForMessageId(db: DbOrTx, orgId: string, messageIds: string[]) {
  return repo.workItemForMessageId(db, orgId, messageIds);
}

/** Did Portico send a message with one of these ids (our own mail came back: a loop)? */
export function isOwnMessageId(db: DbOrTx, messageIds: string[]) {
  return repo.isOwnMessageId(db, messageIds);
}
