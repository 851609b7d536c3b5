import { RE2JS } from "re2js";
import safeRegex from "safe-regex2";
import {
  type FieldSpec,
  OPERATORS_BY_KIND,
  type RuleItemType,
  type RuleOperator,
  type RuleTrigger,
  type TRuleAction,
  type TRuleComparison,
  type TRuleCondition,
  VALUELESS_OPERATORS,
  ruleFieldCatalog,
} from "../../../contracts/automation";

/**
 * The rule engine, pure: validation against the typed field catalog, compilation of a condition tree
 * into a predicate, and ordered matching. Regular expressions run on RE2JS (a port of RE2: linear time in
 * the input, no backtracking), and patterns that would backtrack catastrophically in a backtracking engine
 * (nested quantifiers, found by safe-regex2) are refused on save as well, so a pattern copied elsewhere
 * stays safe too.
 */

/** What conditions are evaluated against: the item's current fields and the event's before/after. */
export interface RuleContext {
  trigger: RuleTrigger;
  itemType: string;
  fields: Record<string, unknown>;
  /** Field → before/after, from the triggering event (empty for schedules). */
  changes: Record<string, { from: unknown; to: unknown }>;
}

export type Predicate = (ctx: RuleContext) => boolean;
export interface Issue {
  field: string;
  message: string;
}

const MAX_DEPTH = 6;
const MAX_PATTERN = 500;
/** Text matched by contains/matches is cut here (bounds the work per event). */
const MAX_TEXT = 100_000;

/** Checks a regular expression for the linear-time engine and for catastrophic backtracking elsewhere. */
export function checkPattern(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN) return `a pattern has at most ${MAX_PATTERN} characters`;
  try {
    RE2JS.compile(pattern);
  } catch (e) {
    return `not a supported regular expression (RE2 syntax: no backreferences or lookaround): ${(e as Error).message}`;
  }
  // Inline flags such as (?i) are RE2's; JavaScript does not read them. A pattern JavaScript cannot parse
  // at all (RE2-only syntax) is still matched by RE2 in linear time, so only a parsed verdict refuses.
  let safe = true;
  try {
    safe = safeRegex(pattern.replace(/^\(\?[imsU]+\)/, ""), { limit: 25 });
  } catch {
    safe = true;
  }
  if (!safe) return "this pattern would backtrack badly (nested or overlapping repetition such as (a+)+); simplify it";
  return null;
}

/** Validates a condition tree against the item type's catalog and the trigger; returns every issue found. */
export function validateCondition(cond: TRuleCondition | null | undefined, itemType: RuleItemType, trigger: RuleTrigger, path = "body.conditions"): Issue[] {
  if (!cond) return [];
  const catalog = ruleFieldCatalog(itemType);
  const issues: Issue[] = [];
  const walk = (c: TRuleCondition, p: string, depth: number) => {
    if (depth > MAX_DEPTH) {
      issues.push({ field: p, message: `conditions nest at most ${MAX_DEPTH} levels` });
      return;
    }
    if ("all" in c) for (const [i, x] of c.all.entries()) walk(x, `${p}.all.${i}`, depth + 1);
    else if ("any" in c) for (const [i, x] of c.any.entries()) walk(x, `${p}.any.${i}`, depth + 1);
    else if ("not" in c) walk(c.not, `${p}.not`, depth + 1);
    else issues.push(...validateComparison(c, catalog, trigger, p));
  };
  walk(cond, path, 0);
  return issues;
}

function validateComparison(c: TRuleComparison, catalog: Record<string, FieldSpec>, trigger: RuleTrigger, p: string): Issue[] {
  const spec = catalog[c.field];
  if (!spec) return [{ field: `${p}.field`, message: `unknown field "${c.field}"; known: ${Object.keys(catalog).join(", ")}` }];
  if (spec.triggers && !spec.triggers.includes(trigger)) {
    return [{ field: `${p}.field`, message: `"${c.field}" exists only for the trigger(s) ${spec.triggers.join(", ")}` }];
  }
  if (!OPERATORS_BY_KIND[spec.kind].includes(c.op)) {
    return [{ field: `${p}.op`, message: `"${c.op}" does not apply to ${c.field} (${spec.kind}); use ${OPERATORS_BY_KIND[spec.kind].join(", ")}` }];
  }
  if (c.op.startsWith("changed") && trigger === "schedule") return [{ field: `${p}.op`, message: "a scheduled rule has no change to look at" }];
  if (VALUELESS_OPERATORS.includes(c.op)) return [];
  const v = c.value;
  if (v === undefined) return [{ field: `${p}.value`, message: `"${c.op}" needs a value` }];
  const list = c.op === "in" || c.op === "not_in";
  if (list !== Array.isArray(v)) return [{ field: `${p}.value`, message: list ? "give a list of values" : "give one value, not a list" }];
  const values = (Array.isArray(v) ? v : [v]) as unknown[];
  for (const x of values) {
    if (spec.kind === "number" && (typeof x !== "number" || !Number.isFinite(x)))
      return [{ field: `${p}.value`, message: `${c.field} compares with a number` }];
    if (spec.kind === "enum" && !spec.values?.includes(String(x)))
      return [{ field: `${p}.value`, message: `"${String(x)}" is not a value of ${c.field} (${spec.values?.join(", ")})` }];
    if (spec.kind === "ref" && (typeof x !== "string" || !/^[0-9a-f-]{36}$/i.test(x)))
      return [{ field: `${p}.value`, message: `${c.field} compares with an id` }];
    if (spec.kind === "text" && typeof x !== "string") return [{ field: `${p}.value`, message: `${c.field} compares with text` }];
  }
  if (c.op === "matches") {
    const bad = checkPattern(String(v));
    if (bad) return [{ field: `${p}.value`, message: bad }];
  }
  return [];
}

/** Validates actions for the item type (settable fields, placeholders are free text). */
export function validateActions(actions: TRuleAction[], itemType: RuleItemType): Issue[] {
  const catalog = ruleFieldCatalog(itemType);
  const issues: Issue[] = [];
  actions.forEach((a, i) => {
    const p = `body.actions.${i}`;
    if (a.type === "set_field") {
      const spec = catalog[a.field];
      if (!spec) issues.push({ field: `${p}.field`, message: `unknown field "${a.field}"` });
      else if (!spec.settable)
        issues.push({
          field: `${p}.field`,
          message: `a rule cannot set ${a.field} on ${itemType}; settable: ${
            Object.entries(catalog)
              .filter(([, s]) => s.settable)
              .map(([k]) => k)
              .join(", ") || "none (use comments, assignment, watchers)"
          }`,
        });
      else if (spec.kind === "enum" && !spec.values?.includes(String(a.value))) issues.push({ field: `${p}.value`, message: `not a value of ${a.field}` });
      else if (spec.kind === "ref" && a.value !== null && !/^[0-9a-f-]{36}$/i.test(String(a.value)))
        issues.push({ field: `${p}.value`, message: "an id or null" });
    }
    if (a.type === "assign" && itemType !== "incident") issues.push({ field: `${p}.type`, message: "assign works on incidents" });
    if (a.type === "assign" && a.groupId === undefined && a.assignee === undefined) issues.push({ field: p, message: "give a group, an assignee or both" });
  });
  return issues;
}

/** The value of a field for comparison: priorities "P2" and 2 compare alike; ids case-insensitively. */
function norm(field: string, v: unknown): unknown {
  if (field === "priority" && typeof v === "string" && /^P[1-5]$/.test(v)) return Number(v.slice(1));
  return v;
}

function textOf(v: unknown): string {
  if (v === null || v === undefined) return "";
  return String(v).slice(0, MAX_TEXT);
}

function compileComparison(c: TRuleComparison): Predicate {
  const op: RuleOperator = c.op;
  const field = c.field;
  const value = c.value;
  const get = (ctx: RuleContext) => norm(field, ctx.fields[field]);
  const eq = (a: unknown, b: unknown) => (typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b);
  switch (op) {
    case "eq":
      return (ctx) => eq(get(ctx), norm(field, value));
    case "neq":
      return (ctx) => !eq(get(ctx), norm(field, value));
    case "in":
    case "not_in": {
      const set = new Set((value as unknown[]).map((x) => (typeof x === "string" ? x.toLowerCase() : norm(field, x))));
      const isIn = (ctx: RuleContext) => {
        const v = get(ctx);
        return set.has(typeof v === "string" ? v.toLowerCase() : v);
      };
      return op === "in" ? isIn : (ctx) => !isIn(ctx);
    }
    case "gt":
      return (ctx) => typeof get(ctx) === "number" && (get(ctx) as number) > (value as number);
    case "gte":
      return (ctx) => typeof get(ctx) === "number" && (get(ctx) as number) >= (value as number);
    case "lt":
      return (ctx) => typeof get(ctx) === "number" && (get(ctx) as number) < (value as number);
    case "lte":
      return (ctx) => typeof get(ctx) === "number" && (get(ctx) as number) <= (value as number);
    case "contains":
    case "not_contains": {
      const needle = textOf(value).toLowerCase();
      const has = (ctx: RuleContext) => textOf(get(ctx)).toLowerCase().includes(needle);
      return op === "contains" ? has : (ctx) => !has(ctx);
    }
    case "starts_with": {
      const needle = textOf(value).toLowerCase();
      return (ctx) => textOf(get(ctx)).toLowerCase().startsWith(needle);
    }
    case "matches": {
      const re = RE2JS.compile(String(value));
      return (ctx) => re.test(textOf(get(ctx)));
    }
    case "is_empty":
      return (ctx) => textOf(get(ctx)) === "";
    case "is_not_empty":
      return (ctx) => textOf(get(ctx)) !== "";
    case "changed":
      return (ctx) => field in ctx.changes;
    case "changed_from":
      return (ctx) => field in ctx.changes && eq(norm(field, ctx.changes[field].from), norm(field, value));
    case "changed_to":
      return (ctx) => field in ctx.changes && eq(norm(field, ctx.changes[field].to), norm(field, value));
  }
}

/** Turns a (validated) condition tree into one predicate; no condition = always. */
export function compileCondition(cond: TRuleCondition | null | undefined): Predicate {
  if (!cond) return () => true;
  if ("all" in cond) {
    const parts = cond.all.map(compileCondition);
    return (ctx) => parts.every((p) => p(ctx));
  }
  if ("any" in cond) {
    const parts = cond.any.map(compileCondition);
    return (ctx) => parts.some((p) => p(ctx));
  }
  if ("not" in cond) {
    const inner = compileCondition(cond.not);
    return (ctx) => !inner(ctx);
  }
  return compileComparison(cond);
}

/** A human line for a condition (dry-run panel, logs). */
export function describeCondition(cond: TRuleCondition): string {
  if ("all" in cond) return `all of (${cond.all.map(describeCondition).join("; ")})`;
  if ("any" in cond) return `any of (${cond.any.map(describeCondition).join("; ")})`;
  if ("not" in cond) return `not (${describeCondition(cond.not)})`;
  const v = cond.value === undefined ? "" : ` ${JSON.stringify(cond.value)}`;
  return `${cond.field} ${cond.op.replace(/_/g, " ")}${v}`;
}

/** The top-level parts of a condition with whether each held (dry run). */
export function explainCondition(cond: TRuleCondition | null | undefined, ctx: RuleContext): { text: string; ok: boolean }[] {
  if (!cond) return [{ text: "always", ok: true }];
  const parts = "all" in cond ? cond.all : [cond];
  return parts.map((c) => ({ text: describeCondition(c), ok: compileCondition(c)(ctx) }));
}

export interface CompiledRule {
  id: string;
  name: string;
  itemType: string;
  trigger: RuleTrigger;
  stopProcessing: boolean;
  reactToRules: boolean;
  predicate: Predicate;
}

/** Maps a timeline event kind to the rule triggers it fires (one kind may fire several). */
export function triggersOf(kind: string, data: Record<string, unknown>): RuleTrigger[] {
  switch (kind) {
    case "created":
      return data.channel === "email" ? ["work_item.created", "email.received"] : ["work_item.created"];
    case "updated":
      return ["work_item.updated"];
    case "state_changed":
      return ["work_item.updated", "work_item.state_changed"];
    case "comment_added":
    case "work_note_added":
      return data.viaEmail ? ["comment.added", "email.received"] : ["comment.added"];
    case "sla_warning":
      return ["sla.warning"];
    case "sla_breached":
      return ["sla.breached"];
    case "approval_decided":
      return ["approval.decided"];
    // A satisfaction answer (first score, or a changed one): "low scores open a follow-up" rules.
    case "csat_received":
    case "csat_updated":
      return ["csat.received"];
    default:
      return [];
  }
}

/** Where a rule-caused event came from: the rules in its chain, for loop stopping. */
export interface Causation {
  chain: { id: string; name: string }[];
}
export const MAX_CHAIN = 5;

export type Selection = { rule: CompiledRule; verdict: "run" } | { rule: CompiledRule; verdict: "loop"; reason: string };

/**
 * The rules to run for one event, in order: trigger and type fit, conditions hold; rules already in the
 * event's causation chain (or a chain too long) are reported as loops instead of run; a matching rule with
 * "stop processing" ends the list. Events caused by rules only reach rules that react to rules.
 */
export function selectRules(rules: CompiledRule[], triggers: RuleTrigger[], ctx: Omit<RuleContext, "trigger">, causation: Causation | null): Selection[] {
  const out: Selection[] = [];
  for (const rule of rules) {
    if (rule.itemType !== ctx.itemType || !triggers.includes(rule.trigger)) continue;
    if (causation?.chain.length && !rule.reactToRules) continue;
    if (!rule.predicate({ ...ctx, trigger: rule.trigger })) continue;
    if (causation?.chain.some((r) => r.id === rule.id)) {
      out.push({ rule, verdict: "loop", reason: `would re-fire in its own chain (${[...causation.chain.map((r) => r.name), rule.name].join(" → ")})` });
      continue;
    }
    if (causation && causation.chain.length >= MAX_CHAIN) {
      out.push({ rule, verdict: "loop", reason: `the chain of rules is ${causation.chain.length} deep (limit ${MAX_CHAIN})` });
      continue;
    }
    out.push({ rule, verdict: "run" });
    if (rule.stopProcessing) break;
  }
  return out;
}
