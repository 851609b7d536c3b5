import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./assets.tables";
import "../cmdb/cmdb.tables";

// DATE columns are read as text (YYYY-MM-DD) so no time zone shifts them; numeric as float.
const d = (col: string) => sql<string | null>`${sql.ref(col)}::text`;
const n = (col: string) => sql<number | null>`${sql.ref(col)}::float8`;
const personJson = (alias: string) =>
  sql<{
    id: string;
    name: string;
    email: string;
  } | null>`case when ${sql.ref(`${alias}.id`)} is null then null else json_build_object('id', ${sql.ref(`${alias}.id`)}, 'name', ${sql.ref(`${alias}.name`)}, 'email', ${sql.ref(`${alias}.email`)}) end`;
const ciJson = (alias: string, klass: string) =>
  sql<{
    id: string;
    name: string;
    classKey: string;
    className: string;
    status: string;
  } | null>`case when ${sql.ref(`${alias}.id`)} is null then null else json_build_object('id', ${sql.ref(`${alias}.id`)}, 'name', ${sql.ref(`${alias}.name`)}, 'classKey', ${sql.ref(`${klass}.key`)}, 'className', ${sql.ref(`${klass}.name`)}, 'status', ${sql.ref(`${alias}.status`)}) end`;
const vendorJson = sql<{ id: string; name: string } | null>`case when v.id is null then null else json_build_object('id', v.id, 'name', v.name) end`;

// ── Vendors ──────────────────────────────────────────────────────────────────────────────────────

/** The organization's vendors by name. */
export function listVendors(db: DbOrTx, orgId: string) {
  return db.selectFrom("vendors").selectAll().where("organization_id", "=", orgId).orderBy(sql`lower(name)`).limit(1000).execute();
}

/** One vendor of the organization. */
export function findVendor(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("vendors").selectAll().where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}
export type VendorRow = NonNullable<Awaited<ReturnType<typeof findVendor>>>;

export type VendorValues = {
  name: string;
  website: string | null;
  contact_name: string | null;
  contact_email: string | null;
  phone: string | null;
  notes: string;
};

/** Inserts or updates a vendor. */
export async function saveVendor(db: DbOrTx, orgId: string, id: string | null, v: Partial<VendorValues>): Promise<string> {
  if (id) {
    await db
      .updateTable("vendors")
      .set({ ...v, updated_at: new Date() })
      .where("id", "=", id)
      .where("organization_id", "=", orgId)
      .execute();
    return id;
  }
  return (
    await db
      .insertInto("vendors")
      .values({ organization_id: orgId, name: v.name ?? "", ...v })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

// ── Assets ───────────────────────────────────────────────────────────────────────────────────────

function assetSelect(db: DbOrTx) {
  return db
    .selectFrom("assets as a")
    .leftJoin("vendors as v", "v.id", "a.vendor_id")
    .leftJoin("users as u", "u.id", "a.assigned_to_id")
    .leftJoin("configuration_items as c", "c.id", "a.ci_id")
    .leftJoin("ci_classes as k", "k.id", "c.class_id")
    .select(["a.id", "a.asset_tag", "a.kind", "a.name", "a.serial_number", "a.model", "a.currency", "a.status", "a.location", "a.notes", "a.version"])
    .select(["a.vendor_id", "a.assigned_to_id", "a.ci_id"])
    .select([
      d("a.purchase_date").as("purchase_date"),
      d("a.warranty_end").as("warranty_end"),
      n("a.cost").as("cost"),
      sql<boolean>`coalesce(a.warranty_end < current_date, false)`.as("warranty_expired"),
      vendorJson.as("vendor"),
      personJson("u").as("assigned_to"),
      ciJson("c", "k").as("ci"),
    ]);
}

/** One asset of the organization, optionally locked. */
export function findAsset(db: DbOrTx, orgId: string, id: string, forUpdate = false) {
  let q = assetSelect(db).where("a.organization_id", "=", orgId).where("a.id", "=", id);
  if (forUpdate) q = q.forUpdate("a");
  return q.executeTakeFirst();
}
export type AssetRow = NonNullable<Awaited<ReturnType<typeof findAsset>>>;

/** Assets by tag, filtered by text, status or person. */
export function listAssets(db: DbOrTx, orgId: string, f: { q?: string; status?: string; assignedToId?: string; limit: number }) {
  let q = assetSelect(db).where("a.organization_id", "=", orgId);
  if (f.status) q = q.where("a.status", "=", f.status as never);
  if (f.assignedToId) q = q.where("a.assigned_to_id", "=", f.assignedToId);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb("a.asset_tag", "ilike", like), eb("a.name", "ilike", like), eb("a.serial_number", "ilike", like)]));
  }
  return q.orderBy(sql`lower(a.asset_tag)`).limit(f.limit).execute();
}

export type AssetValues = {
  asset_tag: string;
  kind: "hardware" | "software";
  name: string;
  serial_number: string | null;
  model: string | null;
  vendor_id: string | null;
  purchase_date: string | null;
  cost: number | null;
  currency: string;
  warranty_end: string | null;
  assigned_to_id: string | null;
  status: "stock" | "in_use" | "maintenance" | "retired";
  ci_id: string | null;
  location: string | null;
  notes: string;
};

/** Inserts an asset. */
export async function insertAsset(db: DbOrTx, orgId: string, v: AssetValues): Promise<string> {
  return (
    await db
      .insertInto("assets")
      .values({ organization_id: orgId, ...v })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

/** Writes changed asset fields and bumps the version. */
export async function updateAsset(db: DbOrTx, id: string, v: Partial<AssetValues>): Promise<void> {
  await db
    .updateTable("assets")
    .set({ ...v, version: sql`version + 1`, updated_at: new Date() })
    .where("id", "=", id)
    .execute();
}

/** Which of the referenced records exist in the organization. */
export async function checkRefs(db: DbOrTx, orgId: string, r: { vendorId?: string | null; userId?: string | null; ciIds?: string[]; assetIds?: string[] }) {
  const [vendor, user, cis, assets] = await Promise.all([
    r.vendorId ? db.selectFrom("vendors").select("id").where("id", "=", r.vendorId).where("organization_id", "=", orgId).executeTakeFirst() : null,
    r.userId
      ? db.selectFrom("users").select("id").where("id", "=", r.userId).where("organization_id", "=", orgId).where("active", "=", true).executeTakeFirst()
      : null,
    r.ciIds?.length ? db.selectFrom("configuration_items").select("id").where("id", "in", r.ciIds).where("organization_id", "=", orgId).execute() : [],
    r.assetIds?.length ? db.selectFrom("assets").select("id").where("id", "in", r.assetIds).where("organization_id", "=", orgId).execute() : [],
  ]);
  return { vendor: Boolean(vendor), user: Boolean(user), ciIds: new Set(cis.map((x) => x.id)), assetIds: new Set(assets.map((x) => x.id)) };
}

// ── Licences ─────────────────────────────────────────────────────────────────────────────────────

function licenceSelect(db: DbOrTx) {
  return db
    .selectFrom("software_licences as l")
    .leftJoin("vendors as v", "v.id", "l.vendor_id")
    .leftJoin("configuration_items as c", "c.id", "l.software_ci_id")
    .leftJoin("ci_classes as k", "k.id", "c.class_id")
    .select(["l.id", "l.name", "l.product", "l.licence_type", "l.entitlements", "l.currency", "l.notice_days", "l.notes", "l.vendor_id", "l.software_ci_id"])
    .select([
      d("l.purchase_date").as("purchase_date"),
      d("l.renewal_date").as("renewal_date"),
      n("l.cost").as("cost"),
      vendorJson.as("vendor"),
      ciJson("c", "k").as("software_ci"),
      (eb) =>
        eb
          .selectFrom("licence_assignments as x")
          .select((e) => e.fn.countAll<number>().as("n"))
          .whereRef("x.licence_id", "=", "l.id")
          .as("used"),
    ]);
}

/** The organization's licences with seats used. */
export function listLicences(db: DbOrTx, orgId: string) {
  return licenceSelect(db).where("l.organization_id", "=", orgId).orderBy(sql`lower(l.name)`).limit(1000).execute();
}

/** One licence. */
export function findLicence(db: DbOrTx, orgId: string, id: string) {
  return licenceSelect(db).where("l.organization_id", "=", orgId).where("l.id", "=", id).executeTakeFirst();
}
export type LicenceRow = NonNullable<Awaited<ReturnType<typeof findLicence>>>;

export type LicenceValues = {
  name: string;
  product: string;
  vendor_id: string | null;
  licence_type: "per_device" | "per_user" | "subscription" | "site";
  entitlements: number | null;
  cost: number | null;
  currency: string;
  purchase_date: string | null;
  renewal_date: string | null;
  notice_days: number;
  software_ci_id: string | null;
  notes: string;
};

/** Inserts or updates a licence. */
export async function saveLicence(db: DbOrTx, orgId: string, id: string | null, v: Partial<LicenceValues>): Promise<string> {
  if (id) {
    await db
      .updateTable("software_licences")
      .set({ ...v, updated_at: new Date() })
      .where("id", "=", id)
      .where("organization_id", "=", orgId)
      .execute();
    return id;
  }
  return (
    await db
      .insertInto("software_licences")
      .values({ organization_id: orgId, ...(v as LicenceValues) })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

/** A licence's assignments (devices or people). */
export function listAssignments(db: DbOrTx, licenceId: string) {
  return db
    .selectFrom("licence_assignments as x")
    .leftJoin("configuration_items as c", "c.id", "x.ci_id")
    .leftJoin("ci_classes as k", "k.id", "c.class_id")
    .leftJoin("users as u", "u.id", "x.user_id")
    .select(["x.id", "x.created_at", ciJson("c", "k").as("ci"), personJson("u").as("user")])
    .where("x.licence_id", "=", licenceId)
    .orderBy("x.created_at")
    .execute();
}

/** Assigns a seat; false when the device/person already has one. */
export async function insertAssignment(
  db: DbOrTx,
  v: { organizationId: string; licenceId: string; ciId: string | null; userId: string | null; actorId: string },
) {
  const r = await db
    .insertInto("licence_assignments")
    .values({ organization_id: v.organizationId, licence_id: v.licenceId, ci_id: v.ciId, user_id: v.userId, created_by_id: v.actorId })
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  return Boolean(r);
}

/** Frees a seat. */
export async function deleteAssignment(db: DbOrTx, licenceId: string, assignmentId: string): Promise<boolean> {
  const r = await db.deleteFrom("licence_assignments").where("licence_id", "=", licenceId).where("id", "=", assignmentId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ── Contracts ────────────────────────────────────────────────────────────────────────────────────

function contractSelect(db: DbOrTx) {
  return db
    .selectFrom("vendor_contracts as t")
    .innerJoin("vendors as v", "v.id", "t.vendor_id")
    .leftJoin("users as u", "u.id", "t.owner_id")
    .select([
      "t.id",
      "t.name",
      "t.reference",
      "t.kind",
      "t.notice_days",
      "t.auto_renew",
      "t.currency",
      "t.sla_reference",
      "t.terminated_at",
      "t.notes",
      "t.vendor_id",
      "t.owner_id",
    ])
    .select([
      d("t.start_date").as("start_date"),
      d("t.end_date").as("end_date"),
      n("t.value").as("value"),
      sql<number>`(t.end_date - current_date)`.as("days_left"),
      sql<boolean>`t.start_date > current_date`.as("pending"),
      sql<{ id: string; name: string }>`json_build_object('id', v.id, 'name', v.name)`.as("vendor"),
      personJson("u").as("owner"),
      (eb) =>
        eb
          .selectFrom("vendor_contract_items as i")
          .innerJoin("configuration_items as c", "c.id", "i.ci_id")
          .innerJoin("ci_classes as k", "k.id", "c.class_id")
          .select(
            sql<
              Array<{ id: string; name: string; classKey: string; className: string; status: string }>
            >`coalesce(json_agg(json_build_object('id', c.id, 'name', c.name, 'classKey', k.key, 'className', k.name, 'status', c.status) order by c.name), '[]')`.as(
              "x",
            ),
          )
          .whereRef("i.contract_id", "=", "t.id")
          .as("cis"),
      (eb) =>
        eb
          .selectFrom("vendor_contract_items as i")
          .innerJoin("assets as a", "a.id", "i.asset_id")
          .select(
            sql<
              Array<{ id: string; assetTag: string; name: string }>
            >`coalesce(json_agg(json_build_object('id', a.id, 'assetTag', a.asset_tag, 'name', a.name) order by a.asset_tag), '[]')`.as("x"),
          )
          .whereRef("i.contract_id", "=", "t.id")
          .as("assets"),
    ]);
}

/** The organization's contracts, soonest end first. */
export function listContracts(db: DbOrTx, orgId: string) {
  return contractSelect(db).where("t.organization_id", "=", orgId).orderBy("t.end_date").limit(1000).execute();
}

/** One contract. */
export function findContract(db: DbOrTx, orgId: string, id: string) {
  return contractSelect(db).where("t.organization_id", "=", orgId).where("t.id", "=", id).executeTakeFirst();
}
export type ContractRow = NonNullable<Awaited<ReturnType<typeof findContract>>>;

export type ContractValues = {
  name: string;
  reference: string | null;
  vendor_id: string;
  kind: "maintenance" | "support" | "underpinning" | "warranty" | "lease" | "other";
  start_date: string;
  end_date: string;
  notice_days: number;
  auto_renew: boolean;
  value: number | null;
  currency: string;
  sla_reference: string | null;
  owner_id: string | null;
  notes: string;
  terminated_at: Date | null;
};

/** Inserts or updates a contract. */
export async function saveContract(db: DbOrTx, orgId: string, id: string | null, v: Partial<ContractValues>): Promise<string> {
  if (id) {
    await db
      .updateTable("vendor_contracts")
      .set({ ...v, updated_at: new Date() })
      .where("id", "=", id)
      .where("organization_id", "=", orgId)
      .execute();
    return id;
  }
  return (
    await db
      .insertInto("vendor_contracts")
      .values({ organization_id: orgId, ...(v as ContractValues) })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

/** Replaces the CIs and assets a contract covers. */
export async function setContractItems(db: DbOrTx, orgId: string, contractId: string, ciIds: string[] | undefined, assetIds: string[] | undefined) {
  if (ciIds) {
    await db.deleteFrom("vendor_contract_items").where("contract_id", "=", contractId).where("ci_id", "is not", null).execute();
    if (ciIds.length)
      await db
        .insertInto("vendor_contract_items")
        .values([...new Set(ciIds)].map((ci) => ({ organization_id: orgId, contract_id: contractId, ci_id: ci, asset_id: null })))
        .execute();
  }
  if (assetIds) {
    await db.deleteFrom("vendor_contract_items").where("contract_id", "=", contractId).where("asset_id", "is not", null).execute();
    if (assetIds.length)
      await db
        .insertInto("vendor_contract_items")
        .values([...new Set(assetIds)].map((a) => ({ organization_id: orgId, contract_id: contractId, ci_id: null, asset_id: a })))
        .execute();
  }
}

// ── Renewal notices ──────────────────────────────────────────────────────────────────────────────

/** Contracts and licences (all organizations) whose notice date has come and that have no notice for this term. */
export async function dueRenewals(db: DbOrTx, today: string) {
  const r = await sql<{
    subject_type: "vendor_contract" | "software_licence";
    subject_id: string;
    organization_id: string;
    due_date: string;
    user_id: string | null;
    name: string;
  }>`
    select 'vendor_contract' as subject_type, t.id as subject_id, t.organization_id, t.end_date::text as due_date, t.owner_id as user_id, t.name
    from vendor_contracts t
    where t.terminated_at is null and t.end_date >= ${today}::date and t.end_date - t.notice_days <= ${today}::date
      and not exists (select 1 from renewal_notices n where n.subject_type = 'vendor_contract' and n.subject_id = t.id and n.due_date = t.end_date)
    union all
    select 'software_licence', l.id, l.organization_id, l.renewal_date::text, null, l.name
    from software_licences l
    where l.renewal_date is not null and l.renewal_date >= ${today}::date and l.renewal_date - l.notice_days <= ${today}::date
      and not exists (select 1 from renewal_notices n where n.subject_type = 'software_licence' and n.subject_id = l.id and n.due_date = l.renewal_date)
    limit 1000`.execute(db);
  return r.rows;
}

/** Records a notice (once per subject and term); false when it already exists. */
export async function insertNotice(
  db: DbOrTx,
  v: { organizationId: string; subjectType: "vendor_contract" | "software_licence"; subjectId: string; dueDate: string; userId: string | null },
) {
  const r = await db
    .insertInto("renewal_notices")
    .values({ organization_id: v.organizationId, subject_type: v.subjectType, subject_id: v.subjectId, due_date: v.dueDate, notified_user_id: v.userId })
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  return Boolean(r);
}

/** The organization's renewal notices, newest first, with the subject's name. */
export function listNotices(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("renewal_notices as n")
    .leftJoin("vendor_contracts as t", (j) => j.onRef("t.id", "=", "n.subject_id").on("n.subject_type", "=", "vendor_contract"))
    .leftJoin("software_licences as l", (j) => j.onRef("l.id", "=", "n.subject_id").on("n.subject_type", "=", "software_licence"))
    .leftJoin("users as u", "u.id", "n.notified_user_id")
    .select([
      "n.id",
      "n.subject_type",
      "n.subject_id",
      "n.created_at",
      d("n.due_date").as("due_date"),
      sql<string>`coalesce(t.name, l.name, '')`.as("subject_name"),
      personJson("u").as("user"),
    ])
    .where("n.organization_id", "=", orgId)
    .orderBy("n.created_at", "desc")
    .limit(200)
    .execute();
}

/** An audit event written by the system (no actor). */
export async function insertAudit(
  db: DbOrTx,
  e: { organizationId: string; action: string; entityType: string; entityId: string; data: Record<string, unknown> },
) {
  await db
    .insertInto("audit_events")
    .values({
      organization_id: e.organizationId,
      actor_id: null,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId,
      data: JSON.stringify(e.data),
      ip: null,
    })
    .execute();
}
