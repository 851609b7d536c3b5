import { z } from "zod";

/**
 * A catalog item's form: typed variables with required/conditional visibility/validation, and the one
 * pure function that turns a form into the zod schema of its answers — used by the server on submit and
 * by the portal while the requester types, so both sides refuse the same answers with the same words.
 */

export const VARIABLE_TYPES = ["text", "long_text", "number", "date", "choice", "multi_choice", "yes_no", "person", "reference", "attachment"] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

export const ZVisibilityCondition = z
  .object({
    /** The (earlier) variable this one depends on. */
    variable: z.string().describe("An earlier variable's name"),
    /** equals / not_equals compare with `value`; in with `values`; is_set = answered; is_true = a yes. */
    operator: z.enum(["equals", "not_equals", "in", "is_set", "is_true"]).describe("How to compare"),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    values: z.array(z.string()).max(100).optional(),
  })
  .meta({ id: "VisibilityCondition" });
export type TVisibilityCondition = z.infer<typeof ZVisibilityCondition>;

export const ZFormVariable = z
  .object({
    /** Key of the answer, e.g. `laptop_model`. */
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,49}$/, "lowercase letters, digits and underscores, starting with a letter")
      .describe("Answer key, e.g. laptop_model"),
    label: z.string().trim().min(1, "write the question").max(200).describe("The question"),
    type: z.enum(VARIABLE_TYPES).describe("text, long_text, number, date, choice, multi_choice, yes_no, person, reference, attachment"),
    help: z.string().max(500).optional().describe("A hint under the question"),
    required: z.boolean().default(false).describe("Must be answered when visible"),
    /** Choices for choice / multi_choice. */
    options: z
      .array(z.object({ value: z.string().trim().min(1).max(100), label: z.string().trim().min(1).max(200) }))
      .max(100)
      .optional()
      .describe("Choices (choice, multi_choice)"),
    /** number: smallest/largest value; text and long_text: shortest/longest length; multi_choice: fewest/most picks. */
    min: z.number().optional().describe("number: smallest value; text: shortest length; multi_choice: fewest picks"),
    max: z.number().optional().describe("number: largest value; text: longest length; multi_choice: most picks"),
    /** text: a regular expression the answer must match. */
    pattern: z.string().max(200).optional().describe("text: a regular expression the answer must match"),
    patternMessage: z.string().max(200).optional().describe("What to say when the pattern does not match"),
    /** reference: what kind of record is referenced (e.g. ci, asset); open for the modules that provide them. */
    referenceType: z.string().max(50).optional().describe("reference: the kind of record, e.g. ci or asset"),
    visibleWhen: ZVisibilityCondition.optional().describe("Show only when this holds"),
  })
  .meta({ id: "FormVariable" });
export type TFormVariable = z.infer<typeof ZFormVariable>;

function validPattern(p: string): boolean {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
}

/** The form definition itself, checked for coherence (unique names, conditions on earlier variables, choices with options). */
export const ZCatalogForm = z
  .object({ variables: z.array(ZFormVariable).max(60).describe("Questions in order") })
  .superRefine((f, ctx) => {
    const seen = new Map<string, TFormVariable>();
    f.variables.forEach((v, i) => {
      if (seen.has(v.name)) ctx.addIssue({ code: "custom", path: ["variables", i, "name"], message: `"${v.name}" is used twice` });
      if ((v.type === "choice" || v.type === "multi_choice") && !v.options?.length)
        ctx.addIssue({ code: "custom", path: ["variables", i, "options"], message: "a choice needs options" });
      if (v.options && new Set(v.options.map((o) => o.value)).size !== v.options.length)
        ctx.addIssue({ code: "custom", path: ["variables", i, "options"], message: "option values must differ" });
      if (v.pattern && !validPattern(v.pattern)) ctx.addIssue({ code: "custom", path: ["variables", i, "pattern"], message: "not a valid regular expression" });
      if (v.min !== undefined && v.max !== undefined && v.min > v.max)
        ctx.addIssue({ code: "custom", path: ["variables", i, "max"], message: "max is below min" });
      if (v.visibleWhen && !seen.has(v.visibleWhen.variable))
        ctx.addIssue({ code: "custom", path: ["variables", i, "visibleWhen", "variable"], message: "must name an earlier variable" });
      seen.set(v.name, v);
    });
  })
  .meta({ id: "CatalogForm" });
export type TCatalogForm = z.infer<typeof ZCatalogForm>;

/** A file given as an answer: sent inline (base64), stored as an attachment of the request. */
export const ZAttachmentAnswer = z.object({
  filename: z.string().trim().min(1).max(255),
  contentType: z.string().max(200),
  /** The file's bytes, base64. */
  contentBase64: z.string().max(14_000_000, "the file is too large (10 MB at most)"),
});
export type TAttachmentAnswer = z.infer<typeof ZAttachmentAnswer>;

/** Unanswered = undefined, null, "", whitespace or an empty list. */
export function isUnanswered(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0);
}

function conditionHolds(c: TVisibilityCondition, answer: unknown): boolean {
  switch (c.operator) {
    case "is_set":
      return !isUnanswered(answer);
    case "is_true":
      return answer === true;
    case "equals":
      return Array.isArray(answer) ? answer.includes(c.value) : answer === c.value;
    case "not_equals":
      return Array.isArray(answer) ? !answer.includes(c.value) : answer !== c.value;
    case "in":
      return Array.isArray(answer) ? answer.some((a) => c.values?.includes(String(a))) : c.values?.includes(String(answer)) === true;
  }
}

/** Names of the variables shown for these answers (a variable depending on a hidden one is hidden too). */
export function visibleVariables(form: TCatalogForm, answers: Record<string, unknown>): Set<string> {
  const shown = new Set<string>();
  for (const v of form.variables) {
    const c = v.visibleWhen;
    if (!c || (shown.has(c.variable) && conditionHolds(c, answers[c.variable]))) shown.add(v.name);
  }
  return shown;
}

function valueSchema(v: TFormVariable): z.ZodType {
  switch (v.type) {
    case "text":
    case "long_text": {
      let s = z
        .string()
        .trim()
        .max(v.max ?? (v.type === "text" ? 500 : 10_000));
      if (v.min !== undefined) s = s.min(v.min);
      if (v.pattern) s = s.regex(new RegExp(v.pattern), v.patternMessage ?? "is not in the expected format");
      return s;
    }
    case "number": {
      let n = z.coerce.number({ error: "must be a number" }).refine(Number.isFinite, "must be a number");
      if (v.min !== undefined) n = n.refine((x) => x >= (v.min as number), `must be at least ${v.min}`);
      if (v.max !== undefined) n = n.refine((x) => x <= (v.max as number), `must be at most ${v.max}`);
      return n;
    }
    case "date": {
      return z.iso.date("must be a date (YYYY-MM-DD)");
    }
    case "choice":
      return z.enum((v.options ?? []).map((o) => o.value) as [string, ...string[]], { error: "pick one of the choices" });
    case "multi_choice": {
      let a = z
        .array(z.enum((v.options ?? []).map((o) => o.value) as [string, ...string[]], { error: "pick from the choices" }))
        .refine((xs) => new Set(xs).size === xs.length, "pick each choice once");
      if (v.min !== undefined) a = a.refine((xs) => xs.length >= (v.min as number), `pick at least ${v.min}`);
      if (v.max !== undefined) a = a.refine((xs) => xs.length <= (v.max as number), `pick at most ${v.max}`);
      return a;
    }
    case "yes_no":
      return z.boolean({ error: "answer yes or no" });
    case "person":
      return z.uuid("pick a person");
    case "reference":
      return z.string().trim().min(1).max(200);
    case "attachment":
      return ZAttachmentAnswer;
  }
}

/**
 * The schema of a form's answers: known keys only, each typed and validated; required only when
 * visible; hidden answers are dropped from the output. Pure: the server and the portal call the same.
 */
export function buildAnswersSchema(form: TCatalogForm) {
  const shape: Record<string, z.ZodType> = {};
  for (const v of form.variables) shape[v.name] = z.preprocess((x) => (isUnanswered(x) ? undefined : x), valueSchema(v).optional());
  return z
    .object(shape)
    .strict()
    .superRefine((answers, ctx) => {
      const shown = visibleVariables(form, answers);
      for (const v of form.variables)
        if (v.required && shown.has(v.name) && answers[v.name] === undefined) ctx.addIssue({ code: "custom", path: [v.name], message: "required" });
    })
    .transform((answers) => {
      const shown = visibleVariables(form, answers);
      const out: Record<string, unknown> = {};
      for (const v of form.variables) if (shown.has(v.name) && answers[v.name] !== undefined) out[v.name] = answers[v.name];
      return out;
    });
}
