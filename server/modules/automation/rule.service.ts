import {
  type RuleItemType,
  type RuleTrigger,
  ruleFieldCatalog,
  type TDryRunResult,
  type TRule,
  type TRuleAction,
  type TRuleCondition,
  type TRuleInput,
  ZRuleAction,
  ZRuleCondition,
} from "../../../contracts/automation";
import { DONE_STATES } from "../../../contracts/work-items";
import type { Actor, Deps } from "../../deps";
import { sql } from "kysely";
import { type DbOrTx, type Tx, withTx } from "../../platform/db/db";
import { AppError, type ErrorDetail, notFound } from "../../platform/http/errors";
import { insertAudit } from "../identity/identity.repo";
import { assertDeliverableUrl } from "../webhooks/webhook.service";
import { insertTimeline } from "../work-items/work-item.repo";
import { type DomainEvent, fieldsOf, registerEventConsumer, setEventConsumer } from "./events";
import * as events from "./events.repo";
import { RecurrenceError, parseRecurrence } from "./recurrence";
import { applyActions, recordApplied, type RuleRef } from "./rule.actions";
import {
  type CompiledRule,
  compileCondition,
  explainCondition,
  type Issue,
  type RuleContext,
  selectRules,
  validateActions,
  validateCondition,
} from "./rule.engine";
import * as repo from "./rule.repo";

/** The consumer name of automation (rules and assignment) in event_consumers. */
export const AUTOMATION_CONSUMER = "automation";

function requireAdmin(actor: Actor) {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators manage automation rules");
}

/** Keeps the organization listed for events while it has active event rules or an assignment strategy. */
export async function refreshEventConsumer(tx: DbOrTx, orgId: string): Promise<void> {
  await setEventConsumer(tx, orgId, AUTOMATION_CONSUMER, await repo.needsEvents(tx, orgId));
  await repo.bumpRevision(tx, orgId);
}

function fail(issues: Issue[]): never {
  throw new AppError("VALIDATION_FAILED", `${issues[0].field}: ${issues[0].message}`, issues as ErrorDetail[]);
}

/** Every id a rule refers to, by kind, with where it appears. */
function collectRefs(input: TRuleInput): { kind: "group" | "user" | "category" | "service"; id: string; field: string }[] {
  const out: { kind: "group" | "user" | "category" | "service"; id: string; field: string }[] = [];
  const catalog = ruleFieldCatalog(input.itemType);
  const walk = (c: TRuleCondition, p: string) => {
    if ("all" in c) for (const [i, x] of c.all.entries()) walk(x, `${p}.all.${i}`);
    else if ("any" in c) for (const [i, x] of c.any.entries()) walk(x, `${p}.any.${i}`);
    else if ("not" in c) walk(c.not, `${p}.not`);
    else {
      const spec = catalog[c.field];
      if (spec?.kind !== "ref" || !spec.ref) return;
      const vals = Array.isArray(c.value) ? c.value : c.value === undefined || c.value === null ? [] : [c.value];
      for (const v of vals) if (typeof v === "string") out.push({ kind: spec.ref, id: v, field: `${p}.value` });
    }
  };
  if (input.conditions) walk(input.conditions, "body.conditions");
  input.actions.forEach((a, i) => {
    const p = `body.actions.${i}`;
    if (a.type === "assign") {
      if (a.groupId) out.push({ kind: "group", id: a.groupId, field: `${p}.groupId` });
      if (a.assignee && a.assignee !== "auto") out.push({ kind: "user", id: a.assignee, field: `${p}.assignee` });
    }
    if (a.type === "add_watcher") out.push({ kind: "user", id: a.userId, field: `${p}.userId` });
    if (a.type === "notify") for (const [j, x] of a.to.entries()) if (/^[0-9a-f-]{36}$/i.test(x)) out.push({ kind: "user", id: x, field: `${p}.to.${j}` });
    if (a.type === "create_linked_item" && a.assignmentGroupId) out.push({ kind: "group", id: a.assignmentGroupId, field: `${p}.assignmentGroupId` });
    if (a.type === "set_field" && typeof a.value === "string") {
      const spec = catalog[a.field];
      if (spec?.kind === "ref" && spec.ref) out.push({ kind: spec.ref, id: a.value, field: `${p}.value` });
    }
  });
  return out;
}

/** Checks a rule completely before anything is written; returns its next scheduled run (schedule rules). */
async function validateRule(deps: Deps, db: DbOrTx, orgId: string, input: TRuleInput): Promise<Date | null> {
  for (const [i, a] of input.actions.entries()) if (a.type === "call_webhook") await assertDeliverableUrl(deps, db, orgId, a.url, `body.actions.${i}.url`);
  const issues: Issue[] = [...validateCondition(input.conditions, input.itemType, input.trigger), ...validateActions(input.actions, input.itemType)];
  let nextRunAt: Date | null = null;
  if (input.trigger === "schedule") {
    if (!input.cron) issues.push({ field: "body.cron", message: "a scheduled rule needs a cron expression" });
    else
      try {
        nextRunAt = parseRecurrence({ cron: input.cron, timezone: input.timezone }).next(new Date());
      } catch (e) {
        if (!(e instanceof RecurrenceError)) throw e;
        issues.push({ field: `body.${e.field}`, message: e.message });
      }
  } else if (input.cron) issues.push({ field: "body.cron", message: "only a rule with the schedule trigger has a cron expression" });
  const refs = collectRefs(input);
  if (refs.length) {
    const by = { group: [] as string[], user: [] as string[], category: [] as string[], service: [] as string[] };
    for (const r of refs) by[r.kind].push(r.id);
    const found = await repo.existingRefs(db, orgId, by);
    for (const r of refs) if (!found[r.kind].has(r.id)) issues.push({ field: r.field, message: `no such ${r.kind} in this organization` });
  }
  if (issues.length) fail(issues);
  return nextRunAt;
}

function values(input: TRuleInput, nextRunAt: Date | null): repo.RuleValues {
  return {
    name: input.name,
    description: input.description,
    active: input.active,
    item_type: input.itemType,
    trigger: input.trigger,
    cron: input.trigger === "schedule" ? (input.cron ?? null) : null,
    timezone: input.timezone,
    conditions: input.conditions ? JSON.stringify(input.conditions) : null,
    actions: JSON.stringify(input.actions),
    stop_processing: input.stopProcessing,
    react_to_rules: input.reactToRules,
    next_run_at: nextRunAt,
  };
}

function present(r: repo.RuleRow | (NonNullable<Awaited<ReturnType<typeof repo.findRule>>> & { last_run?: unknown })): TRule {
  const last = (r as { last_run?: { at: string; outcome: string; number: string | null } | null }).last_run ?? null;
  return {
    id: r.id,
    position: r.position,
    name: r.name,
    description: r.description,
    active: r.active,
    itemType: r.item_type as RuleItemType,
    trigger: r.trigger as RuleTrigger,
    cron: r.cron,
    timezone: r.timezone,
    conditions: r.conditions ?? null,
    actions: r.actions,
    stopProcessing: r.stop_processing,
    reactToRules: r.react_to_rules,
    nextRunAt: r.next_run_at ? new Date(r.next_run_at).toISOString() : null,
    lastRun: last ? { at: new Date(last.at).toISOString(), outcome: last.outcome, workItemNumber: last.number } : null,
    version: r.version,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

async function conflictOnName<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if ((e as { code?: string }).code === "23505")
      throw new AppError("CONFLICT", `A rule named "${name}" already exists`, [{ field: "body.name", message: "already taken" }]);
    throw e;
  }
}

/** The organization's rules in their order. */
export async function listRules(deps: Deps, actor: Actor): Promise<TRule[]> {
  requireAdmin(actor);
  return (await repo.listRules(deps.db, actor.organizationId)).map(present);
}

export async function getRule(deps: Deps, actor: Actor, id: string): Promise<TRule> {
  requireAdmin(actor);
  const r = (await repo.listRules(deps.db, actor.organizationId)).find((x) => x.id === id);
  if (!r) throw notFound("Rule");
  return present(r);
}

/** Saves a new rule at the end of the list (validated completely first; audited). */
export async function createRule(deps: Deps, actor: Actor, input: TRuleInput): Promise<TRule> {
  requireAdmin(actor);
  const id = await conflictOnName(input.name, () =>
    withTx(deps.db, async (tx) => {
      const next = await validateRule(deps, tx, actor.organizationId, input);
      const id = await repo.insertRule(tx, actor.organizationId, actor.userId, values(input, next));
      await audit(tx, actor, "automation.rule_created", id, { name: input.name, trigger: input.trigger });
      await refreshEventConsumer(tx, actor.organizationId);
      return id;
    }),
  );
  return getRule(deps, actor, id);
}

/** Replaces a rule's definition (optimistic version check). */
export async function updateRule(deps: Deps, actor: Actor, id: string, input: TRuleInput & { version?: number }): Promise<TRule> {
  requireAdmin(actor);
  await conflictOnName(input.name, () =>
    withTx(deps.db, async (tx) => {
      const row = await repo.findRule(tx, actor.organizationId, id, true);
      if (!row) throw notFound("Rule");
      if (input.version !== undefined && input.version !== row.version)
        throw new AppError("VERSION_CONFLICT", `The rule changed since you read it (your version ${input.version}, current ${row.version})`, [
          { field: "body.version", message: `current version is ${row.version}` },
        ]);
      const next = await validateRule(deps, tx, actor.organizationId, input);
      await repo.updateRule(tx, id, values(input, next));
      await audit(tx, actor, "automation.rule_updated", id, { name: input.name, active: input.active });
      await refreshEventConsumer(tx, actor.organizationId);
    }),
  );
  return getRule(deps, actor, id);
}

export async function deleteRule(deps: Deps, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  await withTx(deps.db, async (tx) => {
    const row = await repo.findRule(tx, actor.organizationId, id, true);
    if (!row) throw notFound("Rule");
    await repo.deleteRule(tx, id);
    await audit(tx, actor, "automation.rule_deleted", id, { name: row.name });
    await refreshEventConsumer(tx, actor.organizationId);
  });
}

/** Puts the rules in a new order (every rule, once). */
export async function reorderRules(deps: Deps, actor: Actor, ids: string[]): Promise<TRule[]> {
  requireAdmin(actor);
  await withTx(deps.db, async (tx) => {
    const current = await repo.listRules(tx, actor.organizationId);
    const known = new Set(current.map((r) => r.id));
    if (new Set(ids).size !== ids.length || ids.length !== known.size || ids.some((x) => !known.has(x)))
      throw new AppError("VALIDATION_FAILED", "body.ids: list every rule of the organization exactly once", [
        { field: "body.ids", message: "every rule exactly once" },
      ]);
    await repo.setPositions(tx, actor.organizationId, ids);
    await audit(tx, actor, "automation.rules_reordered", null, { ids });
    await repo.bumpRevision(tx, actor.organizationId);
  });
  return listRules(deps, actor);
}

export async function listRuns(deps: Deps, actor: Actor, ruleId?: string) {
  requireAdmin(actor);
  return (await repo.listRuns(deps.db, actor.organizationId, ruleId, 100)).map((r) => ({
    id: String(r.id),
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    workItem: r.item_id && r.item_number ? { id: r.item_id, number: r.item_number } : null,
    outcome: r.outcome,
    message: r.message,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

async function audit(tx: Tx, actor: Actor, action: string, id: string | null, data: Record<string, unknown>) {
  await insertAudit(tx, {
    organizationId: actor.organizationId,
    actorId: actor.userId,
    action,
    entityType: "automation_rule",
    entityId: id,
    data,
    ip: actor.ip ?? null,
  });
}

/* ---------------- running rules ---------------- */

interface LoadedRule extends CompiledRule {
  actions: TRuleAction[];
  createdById: string | null;
  cron: string | null;
  timezone: string;
}

const cache = new Map<string, { revision: number; rules: LoadedRule[] }>();

function compileRow(r: {
  id: string;
  name: string;
  item_type: string;
  trigger: string;
  stop_processing: boolean;
  react_to_rules: boolean;
  conditions: unknown;
  actions: unknown;
  created_by_id: string | null;
  cron: string | null;
  timezone: string;
}): LoadedRule {
  const conditions = r.conditions ? ZRuleCondition.parse(r.conditions) : null;
  return {
    id: r.id,
    name: r.name,
    itemType: r.item_type,
    trigger: r.trigger as RuleTrigger,
    stopProcessing: r.stop_processing,
    reactToRules: r.react_to_rules,
    predicate: compileCondition(conditions),
    actions: (r.actions as unknown[]).map((a) => ZRuleAction.parse(a)),
    createdById: r.created_by_id,
    cron: r.cron,
    timezone: r.timezone,
  };
}

/** The organization's active rules, compiled; reloaded only when its automation revision moved. */
export async function activeRules(db: DbOrTx, orgId: string): Promise<LoadedRule[]> {
  const revision = await repo.revisionOf(db, orgId);
  const hit = cache.get(orgId);
  if (hit && hit.revision === revision) return hit.rules;
  const rows = (await repo.listRules(db, orgId)).filter((r) => r.active);
  const rules = rows.map(compileRow);
  cache.set(orgId, { revision, rules });
  return rules;
}

async function ruleActor(tx: DbOrTx, orgId: string, createdById: string | null): Promise<Actor> {
  const userId = createdById && (await repo.isActiveAdmin(tx, orgId, createdById)) ? createdById : await repo.anyAdmin(tx, orgId);
  if (!userId) throw new AppError("CONFLICT", "the organization has no active administrator to act for its rules");
  return { userId, organizationId: orgId, role: "admin", groupIds: [] };
}

class NoLongerMatches extends Error {}

export type RunOutcome = "applied" | "skipped" | "duplicate" | "error";

/**
 * Runs one rule on one item in its own transaction: claims the run (exactly once per rule and key), marks
 * the transaction as the rule's (timeline rows get data.rule and the causation chain), locks the item,
 * re-checks the conditions on its current fields, applies the actions and records the summary. A rule
 * whose action fails changes nothing: its run is recorded as an error, with an internal timeline note.
 */
export async function runRuleOnItem(
  deps: Deps,
  rule: LoadedRule,
  orgId: string,
  itemId: string,
  runKey: string,
  ev: { trigger: RuleTrigger; extraFields: Record<string, unknown>; changes: RuleContext["changes"]; chain: RuleRef[] },
): Promise<RunOutcome> {
  const ref = { id: rule.id, name: rule.name };
  try {
    return await withTx(deps.db, async (tx) => {
      if (!(await repo.claimRun(tx, { orgId, ruleId: rule.id, ruleName: rule.name, runKey, workItemId: itemId, outcome: "applied" }))) return "duplicate";
      await events.enterRuleContext(tx, { rule: ref, causation: { chain: [...ev.chain, ref] } });
      const item = await events.loadItem(tx, orgId, itemId, true);
      if (!item) throw new NoLongerMatches();
      if (!rule.predicate({ trigger: ev.trigger, itemType: item.type, fields: { ...fieldsOf(item), ...ev.extraFields }, changes: ev.changes }))
        throw new NoLongerMatches();
      const actor = await ruleActor(tx, orgId, rule.createdById);
      const done = await applyActions(deps, tx, actor, ref, item, rule.actions);
      await recordApplied(tx, item, ref, done, ev.trigger);
      await tx
        .updateTable("automation_rule_runs")
        .set({ message: done.join("; ") })
        .where("rule_id", "=", rule.id)
        .where("run_key", "=", runKey)
        .execute();
      return "applied";
    });
  } catch (e) {
    if (e instanceof NoLongerMatches) return "skipped";
    if (!(e instanceof AppError)) throw e;
    deps.log.warn({ rule: rule.name, itemId, err: e.message }, "automation rule failed");
    await withTx(deps.db, async (tx) => {
      if (!(await repo.claimRun(tx, { orgId, ruleId: rule.id, ruleName: rule.name, runKey, workItemId: itemId, outcome: "error", message: e.message }))) return;
      await insertTimeline(tx, {
        organizationId: orgId,
        workItemId: itemId,
        actorId: null,
        kind: "automation_error",
        visibility: "internal",
        data: { rule: ref, message: e.message },
      });
    });
    return "error";
  }
}

/** The consumer: auto-assignment, then the organization's rules, for one domain event. */
export async function handleEvent(deps: Deps, event: DomainEvent): Promise<void> {
  const { autoAssign } = await import("./auto-assign");
  await autoAssign(deps, event);
  const rules = await activeRules(deps.db, event.organizationId);
  if (!rules.length || !event.triggers.length) return;
  const changes: RuleContext["changes"] = {};
  for (const c of event.changes) changes[c.field] = { from: c.from, to: c.to };
  const selection = selectRules(rules, event.triggers, { itemType: event.workItem.type, fields: event.workItem.fields, changes }, event.causation);
  const extraFields = Object.fromEntries(Object.entries(event.workItem.fields).filter(([k]) => k.includes(".")));
  const chain = event.causation?.chain ?? [];
  for (const s of selection) {
    const rule = s.rule as LoadedRule;
    const runKey = `e:${event.id}`;
    if (s.verdict === "loop") {
      await withTx(deps.db, async (tx) => {
        if (
          !(await repo.claimRun(tx, {
            orgId: event.organizationId,
            ruleId: rule.id,
            ruleName: rule.name,
            runKey,
            workItemId: event.workItem.id,
            outcome: "loop_stopped",
            message: s.reason,
          }))
        )
          return;
        await insertTimeline(tx, {
          organizationId: event.organizationId,
          workItemId: event.workItem.id,
          actorId: null,
          kind: "automation_loop_stopped",
          visibility: "internal",
          data: { rule: { id: rule.id, name: rule.name }, reason: s.reason },
        });
      });
      deps.log.warn({ rule: rule.name, eventId: event.id, reason: s.reason }, "automation loop stopped");
      continue;
    }
    const trigger = event.triggers.includes(rule.trigger) ? rule.trigger : event.triggers[0];
    await runRuleOnItem(deps, rule, event.organizationId, event.workItem.id, runKey, { trigger, extraFields, changes, chain });
  }
}

registerEventConsumer(AUTOMATION_CONSUMER, handleEvent);

/** Runs scheduled rules whose time has come: each tick is taken by one worker; each (tick, item) runs once. */
export async function runScheduledRules(deps: Deps, now = new Date()): Promise<number> {
  const due = await withTx(deps.db, async (tx) => {
    const rows = await repo.lockDueScheduledRules(tx, now, 20);
    for (const r of rows) {
      let next: Date | null = null;
      try {
        next = parseRecurrence({ cron: r.cron, timezone: r.timezone }).next(now);
      } catch {
        next = null;
      }
      await repo.setNextRun(tx, r.id, next);
    }
    return rows.map((r) => ({ row: r, tick: new Date(r.next_run_at as Date).toISOString() }));
  });
  let applied = 0;
  for (const { row, tick } of due) {
    const rule = compileRow(row);
    const ids = await repo.listOpenItemIds(deps.db, row.organization_id, row.item_type, DONE_STATES, 500);
    for (const id of ids) {
      const item = await events.loadItem(deps.db, row.organization_id, id);
      if (!item || !rule.predicate({ trigger: "schedule", itemType: item.type, fields: fieldsOf(item), changes: {} })) continue;
      const out = await runRuleOnItem(deps, rule, row.organization_id, id, `s:${tick}:${id}`, { trigger: "schedule", extraFields: {}, changes: {}, chain: [] });
      if (out === "applied") applied++;
    }
  }
  return applied;
}

/* ---------------- dry run ---------------- */

class DryRunRollback extends Error {
  constructor(readonly result: TDryRunResult) {
    super("dry run");
  }
}

/**
 * Tries a rule (saved or not) on an existing ticket: evaluates its conditions against the ticket's
 * current fields (and its latest event of the rule's trigger, for "changed" conditions), then applies the
 * actions inside a transaction that is always rolled back, reporting the field changes and timeline rows
 * the run would have written.
 */
export async function dryRun(deps: Deps, actor: Actor, input: { workItem: string; ruleId?: string; rule?: TRuleInput }): Promise<TDryRunResult> {
  requireAdmin(actor);
  let def: TRuleInput;
  let id = "00000000-0000-0000-0000-000000000000";
  let createdById: string | null = actor.userId;
  if (input.ruleId) {
    const row = await repo.findRule(deps.db, actor.organizationId, input.ruleId);
    if (!row) throw notFound("Rule");
    id = row.id;
    createdById = row.created_by_id;
    def = {
      name: row.name,
      description: row.description,
      active: row.active,
      itemType: row.item_type as RuleItemType,
      trigger: row.trigger as RuleTrigger,
      cron: row.cron,
      timezone: row.timezone,
      conditions: (row.conditions as TRuleCondition | null) ?? null,
      actions: row.actions as TRuleAction[],
      stopProcessing: row.stop_processing,
      reactToRules: row.react_to_rules,
    };
  } else if (input.rule) {
    def = input.rule;
    await validateRule(deps, deps.db, actor.organizationId, def);
  } else throw new AppError("VALIDATION_FAILED", "body.ruleId: give a saved rule's id or a rule", [{ field: "body.ruleId", message: "required" }]);
  const ref = await events.findItemRef(deps.db, actor.organizationId, input.workItem);
  if (!ref) throw new AppError("NOT_FOUND", `No work item ${input.workItem}`, [{ field: "body.workItem", message: "no such work item" }]);
  const rule = compileRow({
    id,
    name: def.name,
    item_type: def.itemType,
    trigger: def.trigger,
    stop_processing: def.stopProcessing,
    react_to_rules: def.reactToRules,
    conditions: def.conditions ?? null,
    actions: def.actions,
    created_by_id: createdById,
    cron: def.cron ?? null,
    timezone: def.timezone,
  });
  try {
    await withTx(deps.db, async (tx) => {
      const item = await events.loadItem(tx, actor.organizationId, ref.id, true);
      if (!item) throw notFound("Work item");
      const before = fieldsOf(item);
      const last = await lastEventFor(tx, item.id, def.trigger);
      const eventFields = Object.fromEntries(Object.entries(last?.workItem.fields ?? {}).filter(([k]) => k.includes(".")));
      const ctx: RuleContext = { trigger: def.trigger, itemType: item.type, fields: { ...before, ...eventFields }, changes: {} };
      for (const c of last?.changes ?? []) ctx.changes[c.field] = { from: c.from, to: c.to };
      const conditions = explainCondition(def.conditions, ctx);
      const typeOk = item.type === def.itemType;
      const matched = typeOk && rule.predicate(ctx);
      const result: TDryRunResult = {
        matched,
        conditions,
        changes: [],
        timeline: [],
        jobs: [],
        error: typeOk ? null : `the rule watches ${def.itemType} items, ${item.number} is a ${item.type}`,
      };
      if (matched) {
        const maxId = await maxTimelineId(tx, item.id);
        await events.enterRuleContext(tx, { rule: { id, name: def.name }, causation: { chain: [{ id, name: def.name }] } });
        try {
          const runActor = await ruleActor(tx, actor.organizationId, createdById);
          result.jobs = await applyActions(deps, tx, runActor, { id, name: def.name }, item, rule.actions);
          await recordApplied(tx, item, { id, name: def.name }, result.jobs, def.trigger);
          const after = fieldsOf((await events.loadItem(tx, actor.organizationId, item.id)) ?? item);
          for (const k of Object.keys(after))
            if (!k.startsWith("hours") && JSON.stringify(after[k]) !== JSON.stringify(before[k]))
              result.changes.push({ field: k, from: before[k], to: after[k] });
          result.timeline = await timelineSince(tx, actor.organizationId, id, maxId);
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          result.error = e.message;
        }
      }
      throw new DryRunRollback(result);
    });
  } catch (e) {
    if (e instanceof DryRunRollback) return e.result;
    throw e;
  }
  throw new Error("unreachable");
}

async function lastEventFor(tx: Tx, itemId: string, trigger: RuleTrigger): Promise<DomainEvent | undefined> {
  const { loadDomainEvent } = await import("./events");
  const rows = await tx.selectFrom("timeline_events").select("id").where("work_item_id", "=", itemId).orderBy("id", "desc").limit(50).execute();
  for (const r of rows) {
    const e = await loadDomainEvent(tx, Number(r.id));
    if (e?.triggers.includes(trigger)) return e;
  }
  return undefined;
}

async function maxTimelineId(tx: Tx, itemId: string): Promise<number> {
  const r = await tx
    .selectFrom("timeline_events")
    .select((eb) => eb.fn.max("id").as("m"))
    .where("work_item_id", "=", itemId)
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** Timeline rows this transaction wrote for the rule (on the item and on items it created). */
async function timelineSince(tx: Tx, orgId: string, ruleId: string, afterId: number) {
  const rows = await tx
    .selectFrom("timeline_events as t")
    .innerJoin("work_items as w", "w.id", "t.work_item_id")
    .select(["t.kind", "t.data", "t.changes", "w.number"])
    .where("t.organization_id", "=", orgId)
    .where("t.id", ">", afterId as never)
    .where(sql<boolean>`t.data->'rule'->>'id' = ${ruleId}`)
    .orderBy("t.id")
    .execute();
  return rows.map((r) => ({ kind: r.kind, data: { number: r.number, changes: r.changes, ...(r.data as object) } }));
}
