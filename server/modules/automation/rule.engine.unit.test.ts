import { describe, expect, it } from "vitest";
import type { TRuleCondition } from "../../../contracts/automation";
import { chooseAgent, requiredSkills } from "./assignment.strategy";
import { parseRecurrence, RecurrenceError, upcoming } from "./recurrence";
import {
  type CompiledRule,
  checkPattern,
  compileCondition,
  type RuleContext,
  selectRules,
  triggersOf,
  validateActions,
  validateCondition,
} from "./rule.engine";

const ctx = (fields: Record<string, unknown>, changes: RuleContext["changes"] = {}): RuleContext => ({
  trigger: "work_item.updated",
  itemType: "incident",
  fields,
  changes,
});
const G = "11111111-1111-1111-1111-111111111111";

describe("conditions", () => {
  it("compares, combines with all/any/not and reads before/after", () => {
    const c: TRuleCondition = {
      all: [
        { field: "priority", op: "lte", value: 2 },
        {
          any: [
            { field: "title", op: "contains", value: "VPN" },
            { field: "description", op: "matches", value: "outage|down" },
          ],
        },
        { not: { field: "state", op: "in", value: ["resolved", "closed"] } },
        { field: "assignmentGroupId", op: "changed_to", value: G },
      ],
    };
    const p = compileCondition(c);
    const f = { priority: 1, title: "vpn drops", description: "", state: "new", assignmentGroupId: G };
    expect(p(ctx(f, { assignmentGroupId: { from: null, to: G } }))).toBe(true);
    expect(p(ctx(f, {}))).toBe(false); // not changed by this event
    expect(p(ctx({ ...f, priority: 3 }, { assignmentGroupId: { from: null, to: G } }))).toBe(false);
    expect(p(ctx({ ...f, title: "mail", description: "site is down" }, { assignmentGroupId: { from: null, to: G } }))).toBe(true);
    expect(p(ctx({ ...f, state: "resolved" }, { assignmentGroupId: { from: null, to: G } }))).toBe(false);
  });

  it("treats P2 in a timeline change and 2 alike; text comparisons ignore case", () => {
    expect(compileCondition({ field: "priority", op: "changed_from", value: 3 })(ctx({}, { priority: { from: "P3", to: "P1" } }))).toBe(true);
    expect(compileCondition({ field: "priority", op: "changed_to", value: 1 })(ctx({}, { priority: { from: "P3", to: "P1" } }))).toBe(true);
    expect(compileCondition({ field: "title", op: "eq", value: "Printer" })(ctx({ title: "printer" }))).toBe(true);
    expect(compileCondition({ field: "assigneeId", op: "is_empty" })(ctx({ assigneeId: null }))).toBe(true);
    expect(compileCondition(null)(ctx({}))).toBe(true);
  });

  it("matches in linear time (RE2): a pathological input does not hang", () => {
    const p = compileCondition({ field: "title", op: "matches", value: "^(a|aa)*c$" });
    const t0 = performance.now();
    expect(p(ctx({ title: `${"a".repeat(50_000)}b` }))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("refuses unknown fields, wrong operators, values and bad patterns, naming the field", () => {
    const issues = validateCondition(
      {
        all: [
          { field: "colour", op: "eq", value: "red" },
          { field: "priority", op: "contains", value: "1" },
          { field: "impact", op: "eq", value: "huge" },
          { field: "title", op: "matches", value: "(a+)+$" },
          { field: "title", op: "matches", value: "(\\w)\\1" },
          { field: "comment.body", op: "contains", value: "x" },
        ],
      },
      "incident",
      "work_item.created",
    );
    expect(issues.map((i) => i.field)).toEqual([
      "body.conditions.all.0.field",
      "body.conditions.all.1.op",
      "body.conditions.all.2.value",
      "body.conditions.all.3.value",
      "body.conditions.all.4.value",
      "body.conditions.all.5.field",
    ]);
    expect(issues[3].message).toMatch(/backtrack/);
    expect(checkPattern("^INC\\d{7}$")).toBeNull();
  });

  it("refuses actions that cannot apply to the item type", () => {
    expect(validateActions([{ type: "set_field", field: "priority", value: 1 }], "incident")[0].field).toBe("body.actions.0.field");
    expect(validateActions([{ type: "set_field", field: "impact", value: "high" }], "incident")).toEqual([]);
    expect(validateActions([{ type: "set_field", field: "impact", value: "high" }], "problem")[0].message).toMatch(/cannot set/);
  });
});

const rule = (id: string, over: Partial<CompiledRule> = {}): CompiledRule => ({
  id,
  name: `Rule ${id}`,
  itemType: "incident",
  trigger: "work_item.updated",
  stopProcessing: false,
  reactToRules: false,
  predicate: () => true,
  ...over,
});

describe("rule selection", () => {
  const base = { itemType: "incident", fields: {}, changes: {} };
  it("keeps the order, filters by trigger and type, and stops after a stop-processing rule", () => {
    const rules = [rule("a"), rule("b", { trigger: "comment.added" }), rule("c", { stopProcessing: true }), rule("d")];
    expect(selectRules(rules, ["work_item.updated"], base, null).map((s) => s.rule.id)).toEqual(["a", "c"]);
    expect(selectRules(rules, ["comment.added"], base, null).map((s) => s.rule.id)).toEqual(["b"]);
  });

  it("ignores rule-made events unless a rule opts in, and stops loops in the chain", () => {
    const rules = [rule("a", { reactToRules: true }), rule("b", { reactToRules: true }), rule("c")];
    const chain = { chain: [{ id: "a", name: "Rule a" }] };
    const s = selectRules(rules, ["work_item.updated"], base, chain);
    expect(s.map((x) => [x.rule.id, x.verdict])).toEqual([
      ["a", "loop"],
      ["b", "run"],
    ]);
    expect((s[0] as { reason: string }).reason).toMatch(/Rule a → Rule a/);
    const deep = { chain: ["1", "2", "3", "4", "5"].map((id) => ({ id, name: id })) };
    expect(selectRules([rule("b", { reactToRules: true })], ["work_item.updated"], base, deep)[0].verdict).toBe("loop");
  });

  it("maps timeline kinds to triggers", () => {
    expect(triggersOf("state_changed", {})).toEqual(["work_item.updated", "work_item.state_changed"]);
    expect(triggersOf("created", { channel: "email" })).toEqual(["work_item.created", "email.received"]);
    expect(triggersOf("rule_applied", {})).toEqual([]);
  });
});

describe("recurrence", () => {
  it("cron in a time zone, RRULE on the wall clock across DST", () => {
    const cron = parseRecurrence({ cron: "0 8 * * 1", timezone: "Europe/Berlin" });
    expect(upcoming(cron, new Date("2026-11-25T00:00:00Z"), 2).map((d) => d.toISOString())).toEqual(["2026-11-30T07:00:00.000Z", "2026-12-07T07:00:00.000Z"]);
    const rr = parseRecurrence({ rrule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0", timezone: "Europe/Berlin" });
    // 23 March 2026 is CET (+1), 30 March CEST (+2): 09:00 local both times.
    expect(upcoming(rr, new Date("2026-03-20T00:00:00Z"), 2).map((d) => d.toISOString())).toEqual(["2026-03-23T08:00:00.000Z", "2026-03-30T07:00:00.000Z"]);
  });

  it("names the field of an invalid expression", () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof RecurrenceError ? e.field : "other";
      }
      return null;
    };
    expect(err(() => parseRecurrence({ cron: "61 * * * *", timezone: "UTC" }))).toBe("cron");
    expect(err(() => parseRecurrence({ cron: "* * *", timezone: "UTC" }))).toBe("cron");
    expect(err(() => parseRecurrence({ rrule: "FREQ=SECONDLY", timezone: "UTC" }))).toBe("rrule");
    expect(err(() => parseRecurrence({ rrule: "BYHOUR=9", timezone: "UTC" }))).toBe("rrule");
    expect(err(() => parseRecurrence({ cron: "0 8 * * *", timezone: "Mars/Olympus" }))).toBe("timezone");
  });
});

describe("assignment strategies", () => {
  const agents = [
    { id: "a", name: "Ann", load: 5, openItems: 1, skills: ["language:de"], available: true },
    { id: "b", name: "Bob", load: 1, openItems: 1, skills: [], available: true },
    { id: "c", name: "Cy", load: 0, openItems: 0, skills: ["language:de"], available: false },
  ];
  it("round robin skips unavailable agents and wraps", () => {
    expect(chooseAgent(agents, "round_robin", null, [])?.id).toBe("a");
    expect(chooseAgent(agents, "round_robin", "a", [])?.id).toBe("b");
    expect(chooseAgent(agents, "round_robin", "b", [])?.id).toBe("a");
  });
  it("least loaded weighs priorities; skills pick the best match, then the least loaded", () => {
    expect(chooseAgent(agents, "least_loaded", null, [])?.id).toBe("b");
    expect(chooseAgent(agents, "skills", null, requiredSkills({ categoryId: null, serviceId: null, language: "de-AT" }))?.id).toBe("a");
    expect(chooseAgent(agents, "skills", null, ["service:x"])?.id).toBe("b");
    expect(
      chooseAgent(
        agents.map((a) => ({ ...a, available: false })),
        "least_loaded",
        null,
        [],
      ),
    ).toBeNull();
  });
});
