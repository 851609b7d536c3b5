import { type TAttributeDef, validateAttributes } from "../../../contracts/cmdb-attributes";
import type {
  TCi,
  TCiClass,
  TCiHistoryEvent,
  TCiPage,
  TCiRef,
  TCreateCiClassRequest,
  TCreateCiRequest,
  TCreateRelationshipTypeRequest,
  TListCisQuery,
  TRelationshipType,
  TUpdateCiClassRequest,
  TUpdateCiRequest,
} from "../../../contracts/cmdb";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, type ErrorDetail, invalidField, notFound } from "../../platform/http/errors";
import { isStaffActor } from "../work-items/work-item.policy";
import { presentCi, presentCiRef, presentCiSummary, presentClass, presentRelationshipType } from "./cmdb.presenter";
import * as repo from "./cmdb.repo";

/** CMDB reads and writes are for the desk (agents and admins); requesters get 403. */
export function requireStaff(actor: Actor): void {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "The CMDB is for agents");
}

/** Classes and relationship types are configuration: admins only. */
export function requireAdmin(actor: Actor): void {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators can change CMDB classes and relationship types");
}

const UNIQUE_FIELDS: Record<string, string> = {
  configuration_items_name_key: "body.name",
  configuration_items_serial_key: "body.serialNumber",
  configuration_items_tag_key: "body.assetTag",
  ci_classes_key: "body.key",
  ci_relationship_types_key: "body.key",
};

/** Turns a unique violation into a 409 naming the field; rethrows anything else. */
export function mapUniqueViolation(e: unknown): never {
  const err = e as { code?: string; constraint?: string };
  if (err?.code === "23505" && err.constraint && UNIQUE_FIELDS[err.constraint]) {
    const field = UNIQUE_FIELDS[err.constraint];
    throw new AppError("CONFLICT", `${field.replace("body.", "")} is already used`, [{ field, message: "is already used", code: "duplicate" }]);
  }
  throw e;
}

// ── Classes and types ────────────────────────────────────────────────────────────────────────────

/** Every class the organization can use, built-in first by name. */
export async function listClasses(deps: Deps, actor: Actor): Promise<TCiClass[]> {
  requireStaff(actor);
  return (await repo.listClasses(deps.db, actor.organizationId)).map(presentClass);
}

/** Adds an organization's own CI class with its attribute schema (admins). */
export async function createClass(deps: Deps, actor: Actor, input: TCreateCiClassRequest): Promise<TCiClass> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    if (await repo.findClass(tx, actor.organizationId, input.key))
      throw new AppError("CONFLICT", "key is already used", [{ field: "body.key", message: "is already used" }]);
    const { id } = await repo.insertClass(tx, { organizationId: actor.organizationId, ...input }).catch(mapUniqueViolation);
    return presentClass({ ...(await repo.findClass(tx, actor.organizationId, id))!, ci_count: 0 });
  });
}

/** Changes an organization's own class; a new required attribute is refused while CIs lack it. */
export async function updateClass(deps: Deps, actor: Actor, id: string, input: TUpdateCiClassRequest): Promise<TCiClass> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    const cls = await repo.findClass(tx, actor.organizationId, id);
    if (!cls) throw notFound("CI class");
    if (cls.organization_id === null) throw new AppError("FORBIDDEN", "Built-in classes cannot be changed; add a class of your own");
    if (input.attributes) {
      const before = new Map((cls.attributes as TAttributeDef[]).map((d) => [d.key, d]));
      for (const [i, d] of input.attributes.entries()) {
        if (!d.required || before.get(d.key)?.required) continue;
        const missing = await repo.countCisMissingAttribute(tx, actor.organizationId, cls.id, d.key);
        if (missing > 0)
          throw new AppError("CONFLICT", `${missing} CI(s) of this class have no ${d.label}; fill it in before making it required`, [
            { field: `body.attributes.${i}.required`, message: `${missing} CI(s) have no value` },
          ]);
      }
    }
    await repo.updateClass(tx, cls.id, input);
    const all = await repo.listClasses(tx, actor.organizationId);
    return presentClass(all.find((c) => c.id === cls.id)!);
  });
}

/** Every relationship type the organization can use. */
export async function listRelationshipTypes(deps: Deps, actor: Actor): Promise<TRelationshipType[]> {
  requireStaff(actor);
  return (await repo.listRelationshipTypes(deps.db, actor.organizationId)).map(presentRelationshipType);
}

/** Adds an organization's own relationship type (admins). */
export async function createRelationshipType(deps: Deps, actor: Actor, input: TCreateRelationshipTypeRequest): Promise<TRelationshipType> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    if (await repo.findRelationshipType(tx, actor.organizationId, input.key))
      throw new AppError("CONFLICT", "key is already used", [{ field: "body.key", message: "is already used" }]);
    const { id } = await repo.insertRelationshipType(tx, { organizationId: actor.organizationId, ...input }).catch(mapUniqueViolation);
    return presentRelationshipType((await repo.findRelationshipType(tx, actor.organizationId, id))!);
  });
}

// ── CIs ──────────────────────────────────────────────────────────────────────────────────────────

/** Validates attribute values against the class (types, required, choices, uniqueness); the cleaned values. */
export async function checkAttributes(db: DbOrTx, orgId: string, cls: repo.ClassRow, raw: unknown, ciId: string | null, field = "body.attributes") {
  const defs = cls.attributes as TAttributeDef[];
  const r = validateAttributes(defs, raw);
  if (!r.ok) {
    const details: ErrorDetail[] = r.issues.map((i) => ({ field: `${field}.${i.path}`, message: i.message }));
    throw new AppError(
      "VALIDATION_FAILED",
      `Attributes do not fit the class ${cls.name}: ${details.map((d) => `${d.field} ${d.message}`).join("; ")}`,
      details,
    );
  }
  for (const d of defs) {
    if (!d.unique || r.value[d.key] === undefined) continue;
    await repo.lockAttribute(db, cls.id, d.key);
    if (await repo.attributeValueTaken(db, orgId, cls.id, d.key, r.value[d.key], ciId))
      throw new AppError("CONFLICT", `${d.label} "${r.value[d.key]}" is already used by another ${cls.name}`, [
        { field: `${field}.${d.key}`, message: "is already used", code: "duplicate" },
      ]);
  }
  return r.value;
}

async function assertCiReferences(db: DbOrTx, orgId: string, ownerId?: string | null, supportGroupId?: string | null) {
  if (!ownerId && !supportGroupId) return;
  const r = await repo.checkCiReferences(db, orgId, { ownerId, supportGroupId });
  if (!r.owner) throw invalidField("body.ownerId", "no such active person in this organization");
  if (!r.group) throw invalidField("body.supportGroupId", "no such group");
}

/** Finds a class the organization may use, or a 400 naming the field. */
export async function resolveClass(db: DbOrTx, orgId: string, ref: string, field = "body.class") {
  const cls = await repo.findClass(db, orgId, ref);
  if (!cls) throw invalidField(field, `no CI class "${ref}"`);
  return cls;
}

/** Creates a CI (inside the caller's transaction when given one) and records it in its history. */
export async function createCiIn(db: DbOrTx, actor: Actor, input: TCreateCiRequest, via: string = "api"): Promise<string> {
  return withTx(db, async (tx) => {
    const cls = await resolveClass(tx, actor.organizationId, input.class);
    const attributes = await checkAttributes(tx, actor.organizationId, cls, input.attributes, null);
    await assertCiReferences(tx, actor.organizationId, input.ownerId, input.supportGroupId);
    const values: repo.CiValues = {
      name: input.name,
      description: input.description,
      status: input.status,
      owner_id: input.ownerId ?? null,
      support_group_id: input.supportGroupId ?? null,
      location: input.location ?? null,
      serial_number: input.serialNumber ?? null,
      asset_tag: input.assetTag ?? null,
      attributes,
    };
    const { id } = await repo.insertCi(tx, actor.organizationId, cls.id, values, actor.userId).catch(mapUniqueViolation);
    await repo.insertHistory(tx, {
      organizationId: actor.organizationId,
      ciId: id,
      actorId: actor.userId,
      kind: "created",
      data: { class: cls.key, name: input.name, via },
    });
    return id;
  });
}

/** Creates a configuration item of a class, its attributes validated against the class. */
export async function createCi(deps: Deps, actor: Actor, input: TCreateCiRequest): Promise<TCi> {
  requireStaff(actor);
  return withTx(deps.db, async (tx) => {
    const id = await createCiIn(tx, actor, input);
    return presentCi((await repo.findCi(tx, actor.organizationId, id))!);
  });
}

/** One CI of the caller's organization. */
export async function getCi(deps: Deps, actor: Actor, id: string): Promise<TCi> {
  requireStaff(actor);
  const row = await repo.findCi(deps.db, actor.organizationId, id);
  if (!row) throw notFound("Configuration item");
  return presentCi(row);
}

const FIELD_MAP = {
  name: "name",
  description: "description",
  status: "status",
  ownerId: "owner_id",
  supportGroupId: "support_group_id",
  location: "location",
  serialNumber: "serial_number",
  assetTag: "asset_tag",
} as const;

/** Applies an edit to a CI inside the caller's transaction; returns the changes (empty: nothing changed). */
export async function updateCiIn(db: DbOrTx, actor: Actor, id: string, input: TUpdateCiRequest, expectedVersion?: number, via = "api") {
  return withTx(db, async (tx) => {
    const row = await repo.findCi(tx, actor.organizationId, id, { forUpdate: true });
    if (!row) throw notFound("Configuration item");
    const expected = expectedVersion ?? input.version;
    if (expected !== undefined && expected !== row.version)
      throw new AppError("VERSION_CONFLICT", `Someone else changed this CI (you read version ${expected}, it is now ${row.version}); reload and try again`);
    const patch: Partial<repo.CiValues> = {};
    const changes: repo.Change[] = [];
    for (const [key, col] of Object.entries(FIELD_MAP) as Array<[keyof typeof FIELD_MAP, (typeof FIELD_MAP)[keyof typeof FIELD_MAP]]>) {
      const v = input[key];
      if (v === undefined || v === row[col]) continue;
      (patch as Record<string, unknown>)[col] = v;
      changes.push({ field: key, from: row[col], to: v });
    }
    if (input.attributes !== undefined) {
      const cls = (await repo.findClass(tx, actor.organizationId, row.class_id))!;
      const next = await checkAttributes(tx, actor.organizationId, cls, input.attributes, row.id);
      const keys = new Set([...Object.keys(row.attributes), ...Object.keys(next)]);
      for (const k of keys) {
        if (JSON.stringify(row.attributes[k]) === JSON.stringify(next[k])) continue;
        changes.push({ field: `attributes.${k}`, from: row.attributes[k] ?? null, to: next[k] ?? null });
      }
      if (changes.some((c) => c.field.startsWith("attributes."))) patch.attributes = next;
    }
    await assertCiReferences(tx, actor.organizationId, patch.owner_id, patch.support_group_id);
    if (!changes.length) return changes;
    await repo.updateCi(tx, row.id, patch).catch(mapUniqueViolation);
    await repo.insertHistory(tx, { organizationId: actor.organizationId, ciId: row.id, actorId: actor.userId, kind: "updated", changes, data: { via } });
    return changes;
  });
}

/** Edits a CI's fields and attributes; a stale version gets 409; every change lands in the history. */
export async function updateCi(deps: Deps, actor: Actor, id: string, input: TUpdateCiRequest, expectedVersion?: number): Promise<TCi> {
  requireStaff(actor);
  return withTx(deps.db, async (tx) => {
    await updateCiIn(tx, actor, id, input, expectedVersion);
    return presentCi((await repo.findCi(tx, actor.organizationId, id))!);
  });
}

function encodeCursor(name: string, id: string) {
  return Buffer.from(JSON.stringify([name, id])).toString("base64url");
}
function decodeCursor(c: string): { name: string; id: string } {
  try {
    const [name, id] = JSON.parse(Buffer.from(c, "base64url").toString());
    if (typeof name === "string" && typeof id === "string" && /^[0-9a-f-]{36}$/i.test(id)) return { name, id };
  } catch {}
  throw invalidField("query.cursor", "invalid cursor");
}

/** The CMDB list: filter by class, status, group and text; by name, cursor-paged. */
export async function listCis(deps: Deps, actor: Actor, query: TListCisQuery): Promise<TCiPage> {
  requireStaff(actor);
  let classIds: string[] | undefined;
  if (query.class) {
    classIds = [];
    for (const ref of query.class) classIds.push((await resolveClass(deps.db, actor.organizationId, ref, "query.class")).id);
  }
  const rows = await repo.listCis(deps.db, actor.organizationId, {
    classIds,
    statuses: query.status,
    q: query.q,
    supportGroupId: query.supportGroupId,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
    limit: query.limit,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map(presentCiSummary), nextCursor: rows.length > query.limit && last ? encodeCursor(last.name.toLowerCase(), last.id) : null };
}

/** Typeahead search of CIs by name (trigram), serial number or asset tag: for pickers. */
export async function searchCis(db: DbOrTx, orgId: string, text: string, opts: { classKeys?: string[]; limit?: number } = {}): Promise<TCiRef[]> {
  return (await repo.searchCis(db, orgId, text, opts.classKeys, opts.limit ?? 10)).map(presentCiRef);
}

/** The CI's history, newest first. */
export async function getHistory(deps: Deps, actor: Actor, id: string, cursor: string | undefined, limit: number) {
  requireStaff(actor);
  if (!(await repo.findCiRefs(deps.db, actor.organizationId, [id])).length) throw notFound("Configuration item");
  const before = cursor ? Number(cursor) : null;
  if (before !== null && !Number.isSafeInteger(before)) throw invalidField("query.cursor", "invalid cursor");
  const rows = await repo.listHistory(deps.db, id, before, limit);
  const page = rows.slice(0, limit);
  const items: TCiHistoryEvent[] = page.map((r) => ({
    id: String(r.id),
    kind: r.kind,
    actor: r.actor,
    changes: r.changes,
    data: r.data,
    createdAt: new Date(r.created_at).toISOString(),
  }));
  return { items, nextCursor: rows.length > limit && page.length ? String(page.at(-1)!.id) : null };
}
