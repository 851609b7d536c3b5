import { createHash } from "node:crypto";
import type { WebhookEventName } from "../../../contracts/webhooks";
import { withTx } from "../../platform/db/db";
import { type DomainEvent, registerEventConsumer } from "../automation/events";
import { emitWebhookEvent } from "./webhook.delivery";

/** Name of the webhooks consumer in automation's event registry (event_consumers). */
export const WEBHOOK_CONSUMER = "webhooks";

/** The webhook events one domain event (a timeline row) stands for. */
export function webhookEventsOf(e: Pick<DomainEvent, "kind" | "changes">): WebhookEventName[] {
  const out: WebhookEventName[] = [];
  if (e.kind === "created") out.push("work_item.created");
  if (e.kind === "comment_added" || e.kind === "work_note_added") out.push("work_item.commented");
  if (e.kind === "sla_warning") out.push("sla.warning");
  if (e.kind === "sla_breached") out.push("sla.breached");
  if (e.kind === "approval_decided") out.push("approval.decided");
  if (e.kind !== "created" && e.changes.length > 0) {
    out.push("work_item.updated");
    if (e.changes.some((c) => c.field === "state")) out.push("work_item.state_changed");
    if (e.changes.some((c) => c.field === "assigneeId" || c.field === "assignmentGroupId")) out.push("work_item.assigned");
  }
  return out;
}

/** A stable UUID for (timeline event, webhook event): a re-run of the job makes no second delivery. */
export function eventUuid(timelineId: number, name: string): string {
  const h = createHash("sha256").update(`portico-event:${timelineId}:${name}`).digest("hex");
  const variant = (8 + (Number.parseInt(h[16], 16) & 3)).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Facts of the event for the payload's `details` (comment, SLA target, approval decision, the rule that acted). */
function detailsOf(e: DomainEvent): Record<string, unknown> {
  const { causation: _c, rule: _r, ...data } = e.data;
  return { ...data, kind: e.kind, visibility: e.visibility, ...(e.rule ? { rule: e.rule } : {}) };
}

registerEventConsumer(WEBHOOK_CONSUMER, async (deps, e) => {
  const names = webhookEventsOf(e);
  if (!names.length) return;
  await withTx(deps.db, async (tx) => {
    for (const name of names)
      await emitWebhookEvent(tx, {
        organizationId: e.organizationId,
        event: name,
        workItemId: e.workItem.id,
        workItemType: e.workItem.type,
        changes: e.changes,
        actorId: e.actor?.id ?? null,
        details: detailsOf(e),
        occurredAt: new Date(e.occurredAt),
        eventId: eventUuid(e.id, name),
      });
  });
});
