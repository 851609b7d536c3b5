import fc from "fast-check";

/** A JSON schema node as @fastify/swagger writes them (OpenAPI 3.1). */
type Schema = Record<string, any>;

/** Strings that have broken SQL, shells, parsers or templates somewhere. */
export const EVIL_STRINGS = [
  "'",
  "''",
  '"',
  "' OR '1'='1",
  "1' OR 1=1 --",
  "'; DROP TABLE work_items; --",
  '"; select pg_sleep(5); --',
  "1; select * from users",
  ") or (1=1",
  "\\",
  "%",
  "_",
  "%' --",
  "$1",
  "::text",
  "${7*7}",
  "{{7*7}}",
  "<script>alert(1)</script>",
  "../../../../etc/passwd",
  "\u0000",
  "\uD800",
  "​",
  "title desc, (select 1)",
  "created_at;--",
  "-priority",
  "null",
  "undefined",
  "[object Object]",
  "-1",
  "1e309",
  "x".repeat(5000),
];

const evilValue = fc.oneof(
  fc.constantFrom<unknown>(...EVIL_STRINGS),
  fc.constantFrom<unknown>(null, -1, 0, 2 ** 53, -(2 ** 63), 1.5, true, [], {}, [null], { $gt: "" }),
  fc.string({ maxLength: 40 }),
);

/** Builds values for a schema: mostly valid, with a share of hostile leaves (wrong types, SQL, huge). */
export function arbitraryFor(schema: Schema | undefined, components: Record<string, Schema>, depth = 0, evil = 0.15): fc.Arbitrary<unknown> {
  const valid = validFor(schema, components, depth, evil);
  if (evil <= 0) return valid;
  const weight = Math.max(1, Math.round(evil * 100));
  return fc.oneof({ arbitrary: valid, weight: 100 - weight }, { arbitrary: evilValue, weight });
}

function validFor(schema: Schema | undefined, components: Record<string, Schema>, depth: number, evil: number): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(undefined);
  if (schema.$ref) {
    const name = String(schema.$ref).split("/").pop() as string;
    return arbitraryFor(components[name], components, depth + 1, evil);
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const alts = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alts) && alts.length) return fc.oneof(...alts.map((s: Schema) => arbitraryFor(s, components, depth + 1, evil)));
  if (Array.isArray(schema.allOf) && schema.allOf.length) return arbitraryFor(Object.assign({}, ...schema.allOf), components, depth + 1, evil);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      return stringFor(schema);
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 });
    case "number":
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(arbitraryFor(schema.items, components, depth + 1, evil), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case "object":
    default: {
      const props: Record<string, Schema> = schema.properties ?? {};
      const keys = Object.keys(props);
      if (!keys.length)
        return type === "object" ? fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 2 }) : fc.constant(undefined);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const k of keys) model[k] = arbitraryFor(props[k], components, depth + 1, evil);
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k: string) => keys.includes(k)) });
    }
  }
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 60, 200);
  switch (schema.format) {
    case "uuid":
      return fc.uuid();
    case "date-time":
      return fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
    case "date":
      return fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case "email":
      return fc.emailAddress();
    case "uri":
      return fc.constantFrom("https://example.test/x", "http://127.0.0.1:1/", "javascript:alert(1)", "file:///etc/passwd");
  }
  return fc.string({ minLength: min, maxLength: Math.max(min, max), unit: "grapheme" });
}
