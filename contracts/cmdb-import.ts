import { z } from "zod";

export const IMPORT_MATCH_KEYS = ["name", "serial_number", "asset_tag"] as const;

/** Import CIs or relationships from CSV text or JSON rows; a dry run reports what would happen and changes nothing. */
export const ZCmdbImportRequest = z.object({
  /** What the rows describe. */
  kind: z.enum(["cis", "relationships"]).describe("CIs or relationships"),
  format: z.enum(["csv", "json"]).describe("csv: `content` holds the file text; json: `rows` holds objects"),
  /** The CSV file's text (format csv), header row first. */
  content: z.string().max(10_000_000).optional().describe("CSV text, header row first"),
  /** The rows (format json): the same keys as the CSV columns, or an export's objects. */
  rows: z.array(z.record(z.string(), z.unknown())).max(50_000).optional(),
  /** How a CI row finds an existing CI, tried in this order (name matches within the row's class). */
  matchBy: z.array(z.enum(IMPORT_MATCH_KEYS)).min(1).max(3).default(["serial_number", "asset_tag", "name"]).describe("Matching rules, in order"),
  /** Report only; change nothing. */
  dryRun: z.boolean().default(true).describe("Report only; change nothing"),
  /** Apply the good rows even when others have errors (otherwise any error changes nothing). */
  partial: z.boolean().default(false).describe("Apply the good rows even when others fail"),
});
export type TCmdbImportRequest = z.infer<typeof ZCmdbImportRequest>;

export const ZImportRowResult = z.object({
  /** Line in the CSV file (header = 1), or 1-based index of the JSON row. */
  row: z.number().int(),
  action: z.enum(["create", "update", "unchanged", "error"]),
  /** The CI (or relationship) created or matched. */
  id: z.uuid().nullable(),
  label: z.string(),
  /** For updates: the fields that change. */
  changes: z.array(z.string()),
  errors: z.array(z.object({ field: z.string().optional(), message: z.string() })),
});
export type TImportRowResult = z.infer<typeof ZImportRowResult>;

export const ZCmdbImportResult = z
  .object({
    dryRun: z.boolean(),
    /** True when changes were written. */
    applied: z.boolean(),
    summary: z.object({ create: z.number().int(), update: z.number().int(), unchanged: z.number().int(), error: z.number().int() }),
    rows: z.array(ZImportRowResult),
  })
  .meta({ id: "CmdbImportResult" });
export type TCmdbImportResult = z.infer<typeof ZCmdbImportResult>;

export const ZCmdbExportQuery = z.object({
  format: z.enum(["csv", "json"]).default("csv"),
  /** Only these class keys (CIs). */
  class: z.string().max(600).optional().describe("Class keys, comma-separated"),
});
