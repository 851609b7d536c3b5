import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TAttributeDef, validateAttributes, ZAttributeDefs } from "./cmdb-attributes";

const defs: TAttributeDef[] = [
  { key: "hostname", label: "Host name", type: "string", required: true, unique: true },
  { key: "ip_address", label: "IP", type: "ip" },
  { key: "cpu_count", label: "CPUs", type: "integer", min: 1, max: 256 },
  { key: "memory_gb", label: "Memory", type: "number" },
  { key: "environment", label: "Env", type: "choice", choices: ["production", "test"] },
  { key: "managed", label: "Managed", type: "boolean" },
  { key: "installed_on", label: "Installed", type: "date" },
  { key: "url", label: "URL", type: "url" },
];

describe("validateAttributes", () => {
  it("accepts typed values and normalises text from forms and CSV", () => {
    const r = validateAttributes(defs, {
      hostname: " web01 ",
      ip_address: "10.0.0.5",
      cpu_count: "8",
      memory_gb: 15.5,
      environment: "production",
      managed: "true",
      installed_on: "2026-01-31",
      url: "https://web01.example",
    });
    expect(r).toEqual({
      ok: true,
      value: {
        hostname: "web01",
        ip_address: "10.0.0.5",
        cpu_count: 8,
        memory_gb: 15.5,
        environment: "production",
        managed: true,
        installed_on: "2026-01-31",
        url: "https://web01.example",
      },
    });
  });

  it("treats empty strings and null as no value (so a required key is missing)", () => {
    const r = validateAttributes(defs, { hostname: "", ip_address: null });
    expect(r).toEqual({ ok: false, issues: [{ path: "hostname", message: "required" }] });
  });

  it("names every broken attribute: type, range, choice, unknown key", () => {
    const r = validateAttributes(defs, { hostname: "a", ip_address: "999.1.1.1", cpu_count: 0.5, environment: "prod", colour: "red", url: "ftp://x" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path).sort()).toEqual(["colour", "cpu_count", "environment", "ip_address", "url"]);
    expect(r.issues.find((i) => i.path === "colour")?.message).toBe("is not an attribute of this class");
    expect(validateAttributes(defs, { hostname: "a", cpu_count: 300 }).ok).toBe(false);
    expect(validateAttributes(defs, { hostname: "a", cpu_count: "12abc" }).ok).toBe(false);
  });

  it("accepts IPv6 and refuses non-objects", () => {
    expect(validateAttributes(defs, { hostname: "a", ip_address: "2001:db8::1" }).ok).toBe(true);
    expect(validateAttributes(defs, ["x"]).ok).toBe(false);
  });

  it("never throws, whatever it is given", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...defs.map((d) => d.key), "other"), fc.anything()), (raw) => {
        const r = validateAttributes(defs, raw);
        expect(typeof r.ok).toBe("boolean");
      }),
    );
  });
});

describe("ZAttributeDefs", () => {
  it("refuses duplicate keys, choice attributes without choices and choices on other types", () => {
    const r = ZAttributeDefs.safeParse([
      { key: "a", label: "A", type: "string" },
      { key: "a", label: "A2", type: "string" },
      { key: "b", label: "B", type: "choice" },
      { key: "c", label: "C", type: "string", choices: ["x"] },
    ]);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(["1.key", "2.choices", "3.choices"]);
  });
});
