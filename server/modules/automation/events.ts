import { z } from "zod";
import type { RuleTrigger } from "../../../contracts/automation";
import type { Deps } from "../../deps";
import type { DbOrTx } from "../../platform/db/db";
import type { JobDefinition } from "../../platform/jobs/queue";
import * as repo from "./events.repo";
import { type Causation, triggersOf } from "./rule.engine";

/**
 * Domain events of work items, for every consumer (automation rules, webhooks…).
 *
 * Source: every change to a work item appends a `timeline_events` row in its own transaction; a trigger
 * on that table queues one `events.deliver` job per consumer the organization has in `event_consumers`
 * (see migration 20261125100010-create-automation). Jobs of one work item share a graphile-worker queue,
 * so each consumer sees an item's events in order; a failing consumer is retried alone.
 *
 * To add a consumer (e.g. webhook subscriptions):
 *   1. `registerEventConsumer("webhooks", async (deps, event) => { … })` at import of your module
 *      (import it from server/app.ts so every worker process has it). The handler must be idempotent:
 *      the job may run again after a crash; `event.id` is stable.
 *   2. Keep the organization listed while it has something to deliver: in the transaction that
 *      activates/deactivates a subscription call `setEventConsumer(tx, orgId, "webhooks", hasActive)`.
 *      While no consumer is listed, a write queues nothing.
 * Events of automation itself (kinds rule_applied, automation_loop_stopped, automation_error) are not
 * published. An event made by a rule has `causation.chain` (the rules that led to it) and `rule`.
 */
export interface DomainEvent {
  /** The timeline event's id: stable, increasing per database. */
  id: number;
  /** The timeline kind: created, updated, state_changed, comment_added, work_note_added, sla_warning, approval_decided… */
  kind: string;
  /** Rule triggers this event fires (work_item.created, comment.added, email.received…). */
  triggers: RuleTrigger[];
  organizationId: string;
  occurredAt: string;
  /** null: the system or a rule. */
  actor: { id: string; role: string } | null;
  visibility: "public" | "internal";
  workItem: {
    id: string;
    number: string;
    type: string;
    /** Current fields (when the job runs), rule-catalog names. */
    fields: Record<string, unknown>;
  };
  /** Before/after of each changed field (timeline names: state, priority "P2", assigneeId…). */
  changes: { field: string; from: unknown; to: unknown }[];
  /** The timeline row's data (comment body, SLA target, approval decision…). */
  data: Record<string, unknown>;
  /** The rule that made this change, if any, and the chain of rules that led to it. */
  rule: { id: string; name: string } | null;
  causation: Causation | null;
}

export type EventConsumer = (deps: Deps, event: DomainEvent) => Promise<void>;
const consumers = new Map<string, EventConsumer>();

/** Registers the handler of a named consumer (once per process, at import). */
export function registerEventConsumer(name: string, handler: EventConsumer): void {
  consumers.set(name, handler);
}

/** Lists or unlists an organization for a consumer, inside the caller's transaction. */
export async function setEventConsumer(db: DbOrTx, organizationId: string, name: string, on: boolean): Promise<void> {
  await repo.setConsumer(db, organizationId, name, on);
}

/** Rule-catalog fields of a work item row (see ruleFieldCatalog). */
export function fieldsOf(r: repo.ItemRow, now = Date.now()): Record<string, unknown> {
  return {
    type: r.type,
    number: r.number,
    title: r.title,
    description: r.description,
    state: r.state,
    impact: r.impact,
    urgency: r.urgency,
    priority: r.priority,
    channel: r.channel,
    categoryId: r.category_id,
    serviceId: r.service_id,
    assignmentGroupId: r.assignment_group_id,
    assigneeId: r.assignee_id,
    requesterId: r.requester_id,
    hoursSinceCreated: (now - new Date(r.item_created_at).getTime()) / 3_600_000,
    hoursSinceUpdated: (now - new Date(r.item_updated_at).getTime()) / 3_600_000,
  };
}

/** Reads one event as consumers see it (undefined when it or its item is gone). */
export async function loadDomainEvent(db: DbOrTx, eventId: number): Promise<DomainEvent | undefined> {
  const r = await repo.loadEvent(db, eventId);
  if (!r) return undefined;
  const data = { ...(r.data ?? {}) };
  const viaEmail = Boolean(r.email_from) && (r.kind === "comment_added" || r.kind === "created");
  if (viaEmail) data.viaEmail = true;
  const fields: Record<string, unknown> = {
    ...fieldsOf({ ...r, id: r.work_item_id }),
    "actor.role": r.actor_role ?? "system",
  };
  if (r.kind === "comment_added" || r.kind === "work_note_added") {
    fields["comment.body"] = data.body ?? "";
    fields["comment.visibility"] = r.kind === "work_note_added" ? "internal" : "public";
  }
  if (viaEmail) {
    fields["email.from"] = r.email_from;
    fields["email.subject"] = r.email_subject;
    fields["comment.body"] ??= r.description;
  }
  if (r.kind === "approval_decided") fields["approval.decision"] = data.decision;
  if (r.kind === "csat_received" || r.kind === "csat_updated") {
    fields["csat.score"] = data.score;
    fields["csat.comment"] = data.comment ?? "";
  }
  const causation = (data.causation as Causation | undefined) ?? null;
  return {
    id: r.id,
    kind: r.kind,
    triggers: triggersOf(r.kind, data),
    organizationId: r.organization_id,
    occurredAt: new Date(r.created_at).toISOString(),
    actor: r.actor_id ? { id: r.actor_id, role: r.actor_role ?? "agent" } : null,
    visibility: r.visibility as "public" | "internal",
    workItem: { id: r.work_item_id, number: r.number, type: r.type, fields },
    changes: r.changes ?? [],
    data,
    rule: (data.rule as { id: string; name: string } | undefined) ?? null,
    causation,
  };
}

export const DELIVER_TASK = "events.deliver";

/** Hands one event to one consumer (queued by the timeline trigger). */
export const deliverEventJob: JobDefinition<{ eventId: number; consumer: string }, Deps> = {
  id: DELIVER_TASK,
  payload: z.object({ eventId: z.number().int(), consumer: z.string() }),
  maxAttempts: 8,
  handler: async () => async (p, deps) => {
    const handler = consumers.get(p.consumer);
    if (!handler) {
      // Unknown here (an older process, or a consumer that was removed): log and drop.
      deps.log.warn({ consumer: p.consumer, eventId: p.eventId }, "no handler for event consumer");
      return;
    }
    const event = await loadDomainEvent(deps.db, p.eventId);
    if (!event) return;
    await handler(deps, event);
  },
};
