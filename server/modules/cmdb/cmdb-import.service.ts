import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { sql } from "kysely";
import type { TAttributeDef } from "../../../contracts/cmdb-attributes";
import type { TCmdbImportRequest, TCmdbImportResult, TImportRowResult } from "../../../contracts/cmdb-import";
import { CI_STATUSES, type CiStatus } from "../../../contracts/cmdb";
import type { Actor, Deps } from "../../deps";
import { type Tx, withTx } from "../../platform/db/db";
import { AppError, invalidField } from "../../platform/http/errors";
import * as repo from "./cmdb.repo";
import { createCiIn, requireStaff, updateCiIn } from "./cmdb.service";
import { createRelationshipIn } from "./cmdb-graph.service";
import * as graph from "./cmdb-graph.repo";

const CORE_COLUMNS = ["class", "name", "status", "description", "owner_email", "support_group", "location", "serial_number", "asset_tag"] as const;
const REL_COLUMNS = ["type", "source_class", "source", "target_class", "target"] as const;

class DryRunDone extends Error {}

/** Parses CSV text into row objects keyed by the header (BOM, blank lines and spaces tolerated). */
function parseCsv(text: string): Array<Record<string, unknown>> {
  try {
    return parse(text, {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    });
  } catch (e) {
    throw invalidField("body.content", `is not valid CSV: ${(e as Error).message}`);
  }
}

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v).trim());

/** A CI row (CSV columns or an export's JSON object) → the fields and attributes it sets. */
function readCiRow(r: Record<string, unknown>) {
  const attrs: Record<string, unknown> = {};
  if (r.attributes && typeof r.attributes === "object") Object.assign(attrs, r.attributes);
  for (const [k, v] of Object.entries(r)) if (k.startsWith("attr.") && str(v) !== "") attrs[k.slice(5)] = v;
  return {
    class: str(r.class ?? r.classKey),
    name: str(r.name),
    status: str(r.status),
    description: r.description === undefined ? undefined : str(r.description),
    ownerEmail: str(r.owner_email ?? (r.owner as { email?: string } | undefined)?.email),
    supportGroup: str(r.support_group ?? (r.supportGroup as { name?: string } | undefined)?.name),
    location: str(r.location),
    serialNumber: str(r.serial_number ?? r.serialNumber),
    assetTag: str(r.asset_tag ?? r.assetTag),
    attributes: attrs,
  };
}

async function importCiRow(tx: Tx, actor: Actor, raw: Record<string, unknown>, matchBy: TCmdbImportRequest["matchBy"]): Promise<Omit<TImportRowResult, "row">> {
  const r = readCiRow(raw);
  const label = r.name || "(no name)";
  const errors: TImportRowResult["errors"] = [];
  if (!r.class) errors.push({ field: "class", message: "required" });
  if (!r.name) errors.push({ field: "name", message: "required" });
  if (r.status && !CI_STATUSES.includes(r.status as CiStatus)) errors.push({ field: "status", message: `must be one of ${CI_STATUSES.join(", ")}` });
  const cls = r.class ? await repo.findClass(tx, actor.organizationId, r.class) : undefined;
  if (r.class && !cls) errors.push({ field: "class", message: `no CI class "${r.class}"` });
  const refs = await repo.findPeopleAndGroups(tx, actor.organizationId, r.ownerEmail || null, r.supportGroup || null);
  if (r.ownerEmail && !refs.ownerId) errors.push({ field: "owner_email", message: "no such active person in this organization" });
  if (r.supportGroup && !refs.groupId) errors.push({ field: "support_group", message: "no such group" });
  if (errors.length || !cls) return { action: "error", id: null, label, changes: [], errors };

  let existing: string | null = null;
  for (const key of matchBy) {
    const value = key === "name" ? r.name : key === "serial_number" ? r.serialNumber : r.assetTag;
    if (!value) continue;
    existing = await repo.matchCi(tx, actor.organizationId, key, value, cls.id);
    if (existing) break;
  }
  // Only the columns the file has change an existing CI; attributes merge into its current ones.
  const fields = {
    ...(r.status ? { status: r.status as CiStatus } : {}),
    ...(r.description !== undefined ? { description: r.description } : {}),
    ...("owner_email" in raw || "owner" in raw ? { ownerId: refs.ownerId } : {}),
    ...("support_group" in raw || "supportGroup" in raw ? { supportGroupId: refs.groupId } : {}),
    ...("location" in raw ? { location: r.location || null } : {}),
    ...(r.serialNumber ? { serialNumber: r.serialNumber } : {}),
    ...(r.assetTag ? { assetTag: r.assetTag } : {}),
  };
  try {
    if (existing) {
      const current = (await repo.findCi(tx, actor.organizationId, existing))!;
      if (current.class_id !== cls.id)
        return { action: "error", id: existing, label, changes: [], errors: [{ field: "class", message: `matches ${current.name}, a ${current.class_name}` }] };
      const attributes = Object.keys(r.attributes).length ? { ...current.attributes, ...r.attributes } : undefined;
      const changes = await updateCiIn(tx, actor, existing, { ...fields, name: r.name, ...(attributes ? { attributes } : {}) }, undefined, "import");
      return { action: changes.length ? "update" : "unchanged", id: existing, label, changes: changes.map((c) => c.field), errors: [] };
    }
    const id = await createCiIn(
      tx,
      actor,
      { class: cls.key, name: r.name, description: r.description ?? "", status: (r.status || "operational") as CiStatus, attributes: r.attributes, ...fields },
      "import",
    );
    return { action: "create", id, label, changes: [], errors: [] };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const errs = e.details?.length
      ? e.details.map((d) => ({ field: d.field?.replace(/^body\./, "").replace(/^attributes\./, "attr."), message: d.message }))
      : [{ message: e.message }];
    return { action: "error", id: null, label, changes: [], errors: errs };
  }
}

async function importRelationshipRow(tx: Tx, actor: Actor, raw: Record<string, unknown>): Promise<Omit<TImportRowResult, "row">> {
  const get = (k: (typeof REL_COLUMNS)[number], alt?: unknown) => str(raw[k] ?? alt);
  const source = raw.source as { name?: string; classKey?: string } | string | undefined;
  const target = raw.target as { name?: string; classKey?: string } | string | undefined;
  const v = {
    type: get("type", (raw.type as { key?: string } | undefined)?.key),
    sourceClass: str(raw.source_class ?? (typeof source === "object" ? source?.classKey : undefined)),
    source: typeof source === "object" ? str(source?.name) : get("source"),
    targetClass: str(raw.target_class ?? (typeof target === "object" ? target?.classKey : undefined)),
    target: typeof target === "object" ? str(target?.name) : get("target"),
  };
  const label = `${v.source} ${v.type} ${v.target}`;
  const errors: TImportRowResult["errors"] = [];
  const type = v.type ? await repo.findRelationshipType(tx, actor.organizationId, v.type) : undefined;
  if (!type) errors.push({ field: "type", message: v.type ? `no relationship type "${v.type}"` : "required" });
  const find = async (side: "source" | "target", cls: string, name: string) => {
    if (!name) return errors.push({ field: side, message: "required" }) && null;
    const k = cls ? await repo.findClass(tx, actor.organizationId, cls) : null;
    if (cls && !k) return errors.push({ field: `${side}_class`, message: `no CI class "${cls}"` }) && null;
    const ids = await repo.findCisByName(tx, actor.organizationId, name, k?.id ?? null);
    if (ids.length === 0) return errors.push({ field: side, message: `no CI named "${name}"` }) && null;
    if (ids.length > 1) return errors.push({ field: `${side}_class`, message: `"${name}" names CIs of several classes; give the class` }) && null;
    return ids[0];
  };
  const sourceId = await find("source", v.sourceClass, v.source);
  const targetId = await find("target", v.targetClass, v.target);
  if (errors.length || !type || !sourceId || !targetId) return { action: "error", id: null, label, changes: [], errors };
  const current = await graph.findCurrentRelationship(tx, sourceId, targetId, type.id);
  if (current) return { action: "unchanged", id: current.id, label, changes: [], errors: [] };
  try {
    const id = await createRelationshipIn(tx, actor, { type: type.key, sourceId, targetId }, "import");
    return { action: "create", id, label, changes: [], errors: [] };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { action: "error", id: null, label, changes: [], errors: [{ field: "target", message: e.message }] };
  }
}

/**
 * Imports CIs or relationships in one transaction, each row under a savepoint: a dry run rolls
 * everything back and reports; a real import with any row error changes nothing unless `partial`.
 */
export async function importCmdb(deps: Deps, actor: Actor, input: TCmdbImportRequest): Promise<TCmdbImportResult> {
  requireStaff(actor);
  const rows = input.format === "csv" ? parseCsv(input.content ?? "") : (input.rows ?? []);
  if (input.format === "csv" && input.content === undefined) throw invalidField("body.content", "required for CSV");
  if (input.format === "json" && input.rows === undefined) throw invalidField("body.rows", "required for JSON");
  if (rows.length > 50_000) throw invalidField("body", "at most 50,000 rows per import");
  const results: TImportRowResult[] = [];
  let applied = false;
  try {
    await withTx(deps.db, async (tx) => {
      for (const [i, raw] of rows.entries()) {
        await sql`savepoint import_row`.execute(tx);
        const r = input.kind === "cis" ? await importCiRow(tx, actor, raw, input.matchBy) : await importRelationshipRow(tx, actor, raw);
        await sql.raw(r.action === "error" ? "rollback to savepoint import_row" : "release savepoint import_row").execute(tx);
        results.push({ row: input.format === "csv" ? i + 2 : i + 1, ...r });
      }
      const failed = results.some((r) => r.action === "error");
      if (input.dryRun || (failed && !input.partial)) throw new DryRunDone();
      applied = true;
    });
  } catch (e) {
    if (!(e instanceof DryRunDone)) throw e;
  }
  const summary = { create: 0, update: 0, unchanged: 0, error: 0 };
  for (const r of results) summary[r.action]++;
  return { dryRun: input.dryRun, applied, summary, rows: results };
}

/** Every CI of the organization (optionally of some classes) as CSV (attribute columns `attr.<key>`) or JSON. */
export async function exportCis(deps: Deps, actor: Actor, format: "csv" | "json", classKeys?: string[]) {
  requireStaff(actor);
  const classes = await repo.listClasses(deps.db, actor.organizationId);
  const wanted = classKeys?.length ? classes.filter((c) => classKeys.includes(c.key)) : classes;
  if (classKeys?.length && wanted.length !== classKeys.length) throw invalidField("query.class", "unknown class key");
  const rows: Array<Record<string, unknown>> = [];
  let after: { name: string; id: string } | undefined;
  for (;;) {
    const page = await repo.listCis(deps.db, actor.organizationId, { classIds: wanted.map((c) => c.id), after, limit: 1000 });
    for (const c of page.slice(0, 1000))
      rows.push({
        class: c.class_key,
        name: c.name,
        status: c.status,
        description: c.description,
        owner_email: c.owner?.email ?? "",
        support_group: c.support_group?.name ?? "",
        location: c.location ?? "",
        serial_number: c.serial_number ?? "",
        asset_tag: c.asset_tag ?? "",
        attributes: c.attributes,
      });
    if (page.length <= 1000) break;
    const last = page[999];
    after = { name: last.name.toLowerCase(), id: last.id };
  }
  if (format === "json") return JSON.stringify({ items: rows }, null, 2);
  const attrKeys = [...new Set(wanted.flatMap((c) => (c.attributes as TAttributeDef[]).map((d) => d.key)))];
  const columns = [...CORE_COLUMNS, ...attrKeys.map((k) => `attr.${k}`)];
  return stringify(
    rows.map((r) => {
      const { attributes, ...rest } = r as { attributes: Record<string, unknown> };
      return { ...rest, ...Object.fromEntries(attrKeys.map((k) => [`attr.${k}`, attributes[k] ?? ""])) };
    }),
    { header: true, columns },
  );
}

/** Every current relationship of the organization as CSV or JSON (the import's columns). */
export async function exportRelationships(deps: Deps, actor: Actor, format: "csv" | "json") {
  requireStaff(actor);
  const rows = await repo.listAllRelationships(deps.db, actor.organizationId);
  const out = rows.map((r) => ({ type: r.type_key, source_class: r.source_class, source: r.source_name, target_class: r.target_class, target: r.target_name }));
  if (format === "json") return JSON.stringify({ items: out }, null, 2);
  return stringify(out, { header: true, columns: [...REL_COLUMNS] });
}
