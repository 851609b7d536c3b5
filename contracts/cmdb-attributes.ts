import { z } from "zod";

/** The value types a CI class attribute can have. */
export const ATTRIBUTE_TYPES = ["string", "text", "integer", "number", "boolean", "date", "choice", "ip", "url"] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** One attribute of a CI class: its key in the CI's attributes, label, type and constraints. */
export const ZAttributeDef = z
  .object({
    /** Key in the CI's `attributes` object: lower case, digits and underscores. */
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, "must start with a letter and use a–z, 0–9 and _ (at most 40)")
      .describe("Key in the CI's attributes"),
    /** Label shown in forms. */
    label: z.string().trim().min(1).max(80),
    type: z.enum(ATTRIBUTE_TYPES).describe("Value type"),
    /** Every CI of the class must have a value. */
    required: z.boolean().optional().describe("Every CI of the class must have a value"),
    /** No two CIs of the class (in one organization) may share a value. */
    unique: z.boolean().optional().describe("No two CIs of the class may share a value"),
    /** The allowed values of a `choice` attribute. */
    choices: z.array(z.string().trim().min(1).max(80)).min(1).max(100).optional().describe("Allowed values (choice only)"),
    /** Smallest allowed number (integer/number) or length (string/text). */
    min: z.number().optional(),
    /** Largest allowed number (integer/number) or length (string/text). */
    max: z.number().optional(),
  })
  .meta({ id: "CiAttributeDefinition" });
export type TAttributeDef = z.infer<typeof ZAttributeDef>;

/** A class's attribute list: keys unique, choices exactly for choice attributes. */
export const ZAttributeDefs = z
  .array(ZAttributeDef)
  .max(100)
  .superRefine((defs, ctx) => {
    const seen = new Set<string>();
    defs.forEach((d, i) => {
      if (seen.has(d.key)) ctx.addIssue({ code: "custom", path: [i, "key"], message: `duplicate attribute key "${d.key}"` });
      seen.add(d.key);
      if (d.type === "choice" && !d.choices?.length) ctx.addIssue({ code: "custom", path: [i, "choices"], message: "a choice attribute needs its choices" });
      if (d.type !== "choice" && d.choices) ctx.addIssue({ code: "custom", path: [i, "choices"], message: "only choice attributes have choices" });
      if (d.min !== undefined && d.max !== undefined && d.min > d.max) ctx.addIssue({ code: "custom", path: [i, "min"], message: "min is larger than max" });
    });
  });

function valueSchema(d: TAttributeDef): z.ZodType {
  switch (d.type) {
    case "string":
    case "text": {
      let s = z
        .string()
        .trim()
        .max(d.type === "string" ? 500 : 20_000);
      if (d.min !== undefined) s = s.min(d.min);
      if (d.max !== undefined) s = s.max(d.max);
      return s;
    }
    case "integer":
    case "number": {
      let n = d.type === "integer" ? z.number().int() : z.number();
      if (d.min !== undefined) n = n.min(d.min);
      if (d.max !== undefined) n = n.max(d.max);
      // CSV and forms send numbers as text: accept "12" but not "12abc".
      return z.preprocess((v) => (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v), n);
    }
    case "boolean":
      return z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());
    case "date":
      return z.iso.date();
    case "choice":
      return z.enum(d.choices as [string, ...string[]]);
    case "ip":
      return z.union([z.ipv4(), z.ipv6()], { error: "must be an IPv4 or IPv6 address" });
    case "url":
      return z.url({ protocol: /^https?$/ });
  }
}

/**
 * Builds the validator of a CI's attributes from its class's definition: typed values, required keys,
 * choice lists; unknown keys are refused. Empty strings and null count as "no value". Uniqueness needs
 * the database and is checked by the service.
 */
export function buildAttributesSchema(defs: TAttributeDef[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const d of defs) {
    const v = valueSchema(d);
    shape[d.key] = d.required ? v : v.optional();
  }
  return z.preprocess((raw) => {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return raw;
    // "No value" is the absent key, however it was sent.
    return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null && v !== undefined && v !== ""));
  }, z.strictObject(shape));
}

/** Validates attributes against a class definition: the cleaned values, or issues with dotted paths. */
export function validateAttributes(
  defs: TAttributeDef[],
  raw: unknown,
): { ok: true; value: Record<string, unknown> } | { ok: false; issues: Array<{ path: string; message: string }> } {
  const r = buildAttributesSchema(defs).safeParse(raw ?? {});
  if (r.success) return { ok: true, value: r.data as Record<string, unknown> };
  return {
    ok: false,
    issues: r.error.issues.flatMap((i) => {
      if (i.code === "unrecognized_keys") return i.keys.map((k) => ({ path: k, message: "is not an attribute of this class" }));
      const key = i.path.join(".");
      const given = raw && typeof raw === "object" ? (raw as Record<string, unknown>)[String(i.path[0])] : undefined;
      const missing = given === undefined || given === null || given === "";
      return [{ path: key, message: missing ? "required" : i.message }];
    }),
  };
}
