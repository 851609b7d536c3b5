import type { TRuleAction, TRuleCondition, TRuleInput } from "../../../contracts/automation";

/** Rule fields whose values are ids, and the kind of record they name. */
const REF_FIELDS: Record<string, "category" | "service" | "group" | "user"> = {
  categoryId: "category",
  serviceId: "service",
  assignmentGroupId: "group",
  assigneeId: "user",
  requesterId: "user",
};
const AUDIENCES = new Set(["requester", "assignee", "group", "watchers"]);

/** Turns one reference (id → name on export, name → id on import); `path` names it in errors. */
export type RefMapper = (kind: "category" | "service" | "group" | "user", value: string, path: string) => string;

/** A rule's condition tree with its references mapped. */
export function mapCondition(c: TRuleCondition, fn: RefMapper, path: string): TRuleCondition {
  if ("all" in c) return { all: c.all.map((x, i) => mapCondition(x, fn, `${path}.all.${i}`)) };
  if ("any" in c) return { any: c.any.map((x, i) => mapCondition(x, fn, `${path}.any.${i}`)) };
  if ("not" in c) return { not: mapCondition(c.not, fn, `${path}.not`) };
  const kind = REF_FIELDS[c.field];
  if (!kind || c.value === undefined || c.value === null || c.op === "matches") return c;
  const one = (v: unknown, p: string) => (typeof v === "string" && v !== "" ? fn(kind, v, p) : v);
  const value = Array.isArray(c.value) ? c.value.map((v, i) => one(v, `${path}.value.${i}`)) : one(c.value, `${path}.value`);
  return { ...c, value: value as never };
}

/** A rule's actions with their references mapped; `keepSecret` decides what happens to webhook secrets. */
export function mapActions(
  actions: TRuleAction[],
  fn: RefMapper,
  path: string,
  secretOf: (a: Extract<TRuleAction, { type: "call_webhook" }>) => string | undefined,
): TRuleAction[] {
  return actions.map((a, i): TRuleAction => {
    const p = `${path}.${i}`;
    switch (a.type) {
      case "set_field": {
        const kind = REF_FIELDS[a.field];
        return kind && typeof a.value === "string" && a.value !== "" ? { ...a, value: fn(kind, a.value, `${p}.value`) } : a;
      }
      case "assign":
        return {
          ...a,
          ...(a.groupId ? { groupId: fn("group", a.groupId, `${p}.groupId`) } : {}),
          ...(a.assignee && a.assignee !== "auto" ? { assignee: fn("user", a.assignee, `${p}.assignee`) } : {}),
        };
      case "notify":
        return { ...a, to: a.to.map((t, j) => (AUDIENCES.has(t) ? t : fn("user", t, `${p}.to.${j}`))) };
      case "create_linked_item":
        return a.assignmentGroupId ? { ...a, assignmentGroupId: fn("group", a.assignmentGroupId, `${p}.assignmentGroupId`) } : a;
      case "add_watcher":
        return { ...a, userId: fn("user", a.userId, `${p}.userId`) };
      case "call_webhook": {
        const { secret: _s, ...rest } = a;
        const secret = secretOf(a);
        return secret ? { ...rest, secret } : rest;
      }
      default:
        return a;
    }
  });
}

/** The document form of a rule input (references already mapped). */
export function ruleDoc(r: TRuleInput) {
  return {
    name: r.name,
    description: r.description,
    active: r.active,
    itemType: r.itemType,
    trigger: r.trigger,
    cron: r.cron ?? null,
    timezone: r.timezone,
    conditions: r.conditions ?? null,
    actions: r.actions,
    stopProcessing: r.stopProcessing,
    reactToRules: r.reactToRules,
  };
}
