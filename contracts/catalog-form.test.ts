import { describe, expect, it } from "vitest";
import { buildAnswersSchema, type TCatalogForm, visibleVariables, ZCatalogForm } from "./catalog-form";

const form: TCatalogForm = ZCatalogForm.parse({
  variables: [
    {
      name: "kind",
      label: "Kind",
      type: "choice",
      required: true,
      options: [
        { value: "laptop", label: "Laptop" },
        { value: "phone", label: "Phone" },
      ],
    },
    { name: "ssd", label: "Storage", type: "number", min: 256, max: 2048, visibleWhen: { variable: "kind", operator: "equals", value: "laptop" } },
    {
      name: "extra",
      label: "Extras",
      type: "multi_choice",
      options: [
        { value: "bag", label: "Bag" },
        { value: "mouse", label: "Mouse" },
      ],
      max: 1,
    },
    { name: "urgent", label: "Urgent?", type: "yes_no", required: true },
    { name: "why", label: "Why urgent", type: "text", required: true, pattern: "^[A-Z]", visibleWhen: { variable: "urgent", operator: "is_true" } },
    { name: "when", label: "Needed by", type: "date" },
    { name: "for", label: "For", type: "person" },
  ],
});

describe("answers schema (one for the server and the portal)", () => {
  const schema = buildAnswersSchema(form);
  it("accepts good answers, coerces numbers and drops hidden ones", () => {
    const r = schema.parse({ kind: "phone", ssd: 512, urgent: false, why: "Because", when: "2026-12-01", extra: [] });
    expect(r).toEqual({ kind: "phone", urgent: false, when: "2026-12-01" });
    expect(schema.parse({ kind: "laptop", ssd: "512", urgent: true, why: "Broken" })).toEqual({ kind: "laptop", ssd: 512, urgent: true, why: "Broken" });
  });
  it("names every failing answer: required when visible, ranges, patterns, choices, unknown keys", () => {
    const r = schema.safeParse({ kind: "car", ssd: 10, extra: ["bag", "mouse"], urgent: true, why: "lowercase", when: "tomorrow", for: "x", hack: 1 });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join(".") || i.code);
    expect(paths).toEqual(expect.arrayContaining(["kind", "extra", "why", "when", "for", "unrecognized_keys"]));
    const missing = schema.safeParse({ kind: "laptop", urgent: true });
    expect(missing.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["why", "required"]]);
    expect(schema.safeParse({ kind: "laptop", ssd: 4096, urgent: false }).error?.issues[0].path).toEqual(["ssd"]);
  });
  it("hides a variable whose condition depends on a hidden one", () => {
    const f = ZCatalogForm.parse({
      variables: [
        { name: "a", label: "A", type: "yes_no" },
        { name: "b", label: "B", type: "text", visibleWhen: { variable: "a", operator: "is_true" } },
        { name: "c", label: "C", type: "text", visibleWhen: { variable: "b", operator: "is_set" } },
      ],
    });
    expect([...visibleVariables(f, { a: false, b: "x" })]).toEqual(["a"]);
    expect([...visibleVariables(f, { a: true, b: "x" })]).toEqual(["a", "b", "c"]);
  });
});
