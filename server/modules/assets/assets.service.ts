import type {
  TAsset,
  TCreateAssetRequest,
  TCreateContractRequest,
  TCreateLicenceRequest,
  TLicence,
  TLicenceAssignment,
  TRenewalNotice,
  TUpdateAssetRequest,
  TUpdateContractRequest,
  TUpdateLicenceRequest,
  TVendor,
  TVendorContract,
  TVendorInput,
} from "../../../contracts/assets";
import type { CiStatus } from "../../../contracts/cmdb";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { requireStaff } from "../cmdb/cmdb.service";
import * as repo from "./assets.repo";

const ci = (c: { id: string; name: string; classKey: string; className: string; status: string } | null) => (c ? { ...c, status: c.status as CiStatus } : null);

function conflictOnUnique(e: unknown): never {
  const err = e as { code?: string; constraint?: string };
  const fields: Record<string, string> = { vendors_name_key: "body.name", assets_tag_key: "body.assetTag", assets_serial_key: "body.serialNumber" };
  if (err?.code === "23505" && err.constraint && fields[err.constraint])
    throw new AppError("CONFLICT", `${fields[err.constraint].slice(5)} is already used`, [{ field: fields[err.constraint], message: "is already used" }]);
  throw e;
}

async function assertRefs(
  db: DbOrTx,
  orgId: string,
  r: { vendorId?: string | null; userId?: string | null; userField?: string; ciIds?: string[]; ciField?: string; assetIds?: string[] },
) {
  const found = await repo.checkRefs(db, orgId, r);
  if (r.vendorId && !found.vendor) throw invalidField("body.vendorId", "no such vendor");
  if (r.userId && !found.user) throw invalidField(r.userField ?? "body.assignedToId", "no such active person in this organization");
  if (r.ciIds?.some((id) => !found.ciIds.has(id))) throw invalidField(r.ciField ?? "body.ciIds", "no such configuration item");
  if (r.assetIds?.some((id) => !found.assetIds.has(id))) throw invalidField("body.assetIds", "no such asset");
}

// ── Vendors ──────────────────────────────────────────────────────────────────────────────────────

const presentVendor = (v: repo.VendorRow): TVendor => ({
  id: v.id,
  name: v.name,
  website: v.website,
  contactName: v.contact_name,
  contactEmail: v.contact_email,
  phone: v.phone,
  notes: v.notes,
});

/** The organization's vendors. */
export async function listVendors(deps: Deps, actor: Actor): Promise<TVendor[]> {
  requireStaff(actor);
  return (await repo.listVendors(deps.db, actor.organizationId)).map(presentVendor);
}

/** Adds or changes a vendor (a third party that supplies, maintains or supports). */
export async function saveVendor(deps: Deps, actor: Actor, id: string | null, input: Partial<TVendorInput>): Promise<TVendor> {
  requireStaff(actor);
  return withTx(deps.db, async (tx) => {
    if (id && !(await repo.findVendor(tx, actor.organizationId, id))) throw notFound("Vendor");
    const saved = await repo
      .saveVendor(tx, actor.organizationId, id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.website !== undefined ? { website: input.website } : {}),
        ...(input.contactName !== undefined ? { contact_name: input.contactName } : {}),
        ...(input.contactEmail !== undefined ? { contact_email: input.contactEmail } : {}),
        ...(input.phone !== undefined ? { phone: input.phone } : {}),
        ...(input.notes !== undefined ? { notes: input.notes } : {}),
      })
      .catch(conflictOnUnique);
    return presentVendor((await repo.findVendor(tx, actor.organizationId, saved))!);
  });
}

// ── Assets ───────────────────────────────────────────────────────────────────────────────────────

const presentAsset = (a: repo.AssetRow): TAsset => ({
  id: a.id,
  assetTag: a.asset_tag,
  kind: a.kind,
  name: a.name,
  serialNumber: a.serial_number,
  model: a.model,
  vendor: a.vendor,
  purchaseDate: a.purchase_date,
  cost: a.cost,
  currency: a.currency,
  warrantyEnd: a.warranty_end,
  warrantyExpired: a.warranty_expired,
  assignedTo: a.assigned_to,
  status: a.status,
  ci: ci(a.ci),
  location: a.location,
  notes: a.notes,
  version: a.version,
});

const ASSET_COLUMNS = {
  assetTag: "asset_tag",
  kind: "kind",
  name: "name",
  serialNumber: "serial_number",
  model: "model",
  vendorId: "vendor_id",
  purchaseDate: "purchase_date",
  cost: "cost",
  currency: "currency",
  warrantyEnd: "warranty_end",
  assignedToId: "assigned_to_id",
  status: "status",
  ciId: "ci_id",
  location: "location",
  notes: "notes",
} as const;

function toAssetValues(input: TUpdateAssetRequest): Partial<repo.AssetValues> {
  const out: Record<string, unknown> = {};
  for (const [k, col] of Object.entries(ASSET_COLUMNS))
    if (input[k as keyof typeof ASSET_COLUMNS] !== undefined) out[col] = input[k as keyof typeof ASSET_COLUMNS];
  return out as Partial<repo.AssetValues>;
}

/** Assets, filtered. */
export async function listAssets(deps: Deps, actor: Actor, f: { q?: string; status?: string; assignedToId?: string; limit: number }): Promise<TAsset[]> {
  requireStaff(actor);
  return (await repo.listAssets(deps.db, actor.organizationId, f)).map(presentAsset);
}

/** One asset. */
export async function getAsset(deps: Deps, actor: Actor, id: string): Promise<TAsset> {
  requireStaff(actor);
  const a = await repo.findAsset(deps.db, actor.organizationId, id);
  if (!a) throw notFound("Asset");
  return presentAsset(a);
}

/** Registers an asset (tag unique), optionally assigned to a person and linked to its CI. */
export async function createAsset(deps: Deps, actor: Actor, input: TCreateAssetRequest): Promise<TAsset> {
  requireStaff(actor);
  return withTx(deps.db, async (tx) => {
    await assertRefs(tx, actor.organizationId, {
      vendorId: input.vendorId,
      userId: input.assignedToId,
      ciIds: input.ciId ? [input.ciId] : [],
      ciField: "body.ciId",
    });
    if (input.status === "in_use" && !input.assignedToId && !input.ciId) throw invalidField("body.assignedToId", "an asset in use needs a person or a CI");
    const id = await repo.insertAsset(tx, actor.organizationId, toAssetValues(input) as repo.AssetValues).catch(conflictOnUnique);
    return presentAsset((await repo.findAsset(tx, actor.organizationId, id))!);
  });
}

/** Changes an asset (lifecycle stock → in use → retired, assignment, CI link); a stale version gets 409. */
export async function updateAsset(deps: Deps, actor: Actor, id: string, input: TUpdateAssetRequest): Promise<TAsset> {
  requireStaff(actor);
  return withTx(deps.db, async (tx) => {
    const a = await repo.findAsset(tx, actor.organizationId, id, true);
    if (!a) throw notFound("Asset");
    if (input.version !== undefined && input.version !== a.version)
      throw new AppError("VERSION_CONFLICT", "Someone else changed this asset; reload and try again");
    await assertRefs(tx, actor.organizationId, {
      vendorId: input.vendorId,
      userId: input.assignedToId,
      ciIds: input.ciId ? [input.ciId] : [],
      ciField: "body.ciId",
    });
    const values = toAssetValues(input);
    // Retiring frees the asset from its person.
    if (input.status === "retired" && input.assignedToId === undefined) values.assigned_to_id = null;
    await repo.updateAsset(tx, id, values).catch(conflictOnUnique);
    return presentAsset((await repo.findAsset(tx, actor.organizationId, id))!);
  });
}

// ── Licences ─────────────────────────────────────────────────────────────────────────────────────

/** Compliance of a licence: under-licensed when more seats are used than bought. */
export function licenceCompliance(entitlements: number | null, used: number): TLicence["compliance"] {
  if (entitlements === null) return "compliant";
  if (used > entitlements) return "under_licensed";
  if (used < entitlements) return "over_licensed";
  return "compliant";
}

const presentLicence = (l: repo.LicenceRow): TLicence => ({
  id: l.id,
  name: l.name,
  product: l.product,
  vendor: l.vendor,
  licenceType: l.licence_type,
  entitlements: l.entitlements,
  used: Number(l.used ?? 0),
  compliance: licenceCompliance(l.entitlements, Number(l.used ?? 0)),
  cost: l.cost,
  currency: l.currency,
  purchaseDate: l.purchase_date,
  renewalDate: l.renewal_date,
  noticeDays: l.notice_days,
  softwareCi: ci(l.software_ci),
  notes: l.notes,
});

function toLicenceValues(input: TUpdateLicenceRequest): Partial<repo.LicenceValues> {
  const map = {
    name: "name",
    product: "product",
    vendorId: "vendor_id",
    licenceType: "licence_type",
    entitlements: "entitlements",
    cost: "cost",
    currency: "currency",
    purchaseDate: "purchase_date",
    renewalDate: "renewal_date",
    noticeDays: "notice_days",
    softwareCiId: "software_ci_id",
    notes: "notes",
  } as const;
  const out: Record<string, unknown> = {};
  for (const [k, col] of Object.entries(map)) if (input[k as keyof typeof map] !== undefined) out[col] = input[k as keyof typeof map];
  return out as Partial<repo.LicenceValues>;
}

/** Licences with seats used and compliance. */
export async function listLicences(deps: Deps, actor: Actor): Promise<TLicence[]> {
  requireStaff(actor);
  return (await repo.listLicences(deps.db, actor.organizationId)).map(presentLicence);
}

/** One licence with its assignments. */
export async function getLicence(deps: Deps, actor: Actor, id: string): Promise<TLicence & { assignments: TLicenceAssignment[] }> {
  requireStaff(actor);
  const l = await repo.findLicence(deps.db, actor.organizationId, id);
  if (!l) throw notFound("Licence");
  const assignments = (await repo.listAssignments(deps.db, id)).map((a) => ({
    id: a.id,
    ci: ci(a.ci),
    user: a.user,
    createdAt: new Date(a.created_at).toISOString(),
  }));
  return { ...presentLicence(l), assignments };
}

/** Records a licence (or changes one); a site licence has no seat count. */
export async function saveLicence(deps: Deps, actor: Actor, id: string | null, input: TCreateLicenceRequest | TUpdateLicenceRequest) {
  requireStaff(actor);
  return withTx(deps.db, async (tx) => {
    if (id && !(await repo.findLicence(tx, actor.organizationId, id))) throw notFound("Licence");
    await assertRefs(tx, actor.organizationId, {
      vendorId: input.vendorId,
      ciIds: input.softwareCiId ? [input.softwareCiId] : [],
      ciField: "body.softwareCiId",
    });
    if (input.licenceType && input.licenceType !== "site" && input.entitlements === null)
      throw invalidField("body.entitlements", "required unless it is a site licence");
    const saved = await repo.saveLicence(tx, actor.organizationId, id, toLicenceValues(input));
    return getLicence({ ...deps, db: tx }, actor, saved);
  });
}

/** Assigns a seat to a device (per device) or a person (per user / subscription); site licences need none. */
export async function assignLicence(deps: Deps, actor: Actor, id: string, v: { ciId?: string; userId?: string }) {
  requireStaff(actor);
  await withTx(deps.db, async (tx) => {
    const l = await repo.findLicence(tx, actor.organizationId, id);
    if (!l) throw notFound("Licence");
    if (l.licence_type === "per_device" && !v.ciId) throw invalidField("body.ciId", "a per-device licence is assigned to a device");
    if ((l.licence_type === "per_user" || l.licence_type === "subscription") && !v.userId)
      throw invalidField("body.userId", "this licence is assigned to people");
    await assertRefs(tx, actor.organizationId, { userId: v.userId, userField: "body.userId", ciIds: v.ciId ? [v.ciId] : [], ciField: "body.ciId" });
    if (
      !(await repo.insertAssignment(tx, {
        organizationId: actor.organizationId,
        licenceId: id,
        ciId: v.ciId ?? null,
        userId: v.userId ?? null,
        actorId: actor.userId,
      }))
    )
      throw new AppError("CONFLICT", "Already assigned", [{ field: v.ciId ? "body.ciId" : "body.userId", message: "already has a seat" }]);
  });
  return getLicence(deps, actor, id);
}

/** Frees a seat. */
export async function unassignLicence(deps: Deps, actor: Actor, id: string, assignmentId: string) {
  requireStaff(actor);
  if (!(await repo.findLicence(deps.db, actor.organizationId, id))) throw notFound("Licence");
  if (!(await repo.deleteAssignment(deps.db, id, assignmentId))) throw notFound("Assignment");
  return getLicence(deps, actor, id);
}

// ── Contracts ────────────────────────────────────────────────────────────────────────────────────

const presentContract = (t: repo.ContractRow): TVendorContract => ({
  id: t.id,
  name: t.name,
  reference: t.reference,
  vendor: t.vendor,
  kind: t.kind,
  startDate: t.start_date as string,
  endDate: t.end_date as string,
  noticeDays: t.notice_days,
  autoRenew: t.auto_renew,
  value: t.value,
  currency: t.currency,
  slaReference: t.sla_reference,
  owner: t.owner,
  status: t.terminated_at ? "terminated" : t.days_left < 0 ? "expired" : t.pending ? "pending" : t.days_left <= t.notice_days ? "expiring" : "active",
  daysLeft: t.days_left,
  cis: (t.cis ?? []).map((c) => ci(c)!),
  assets: t.assets ?? [],
  notes: t.notes,
});

/** Third-party contracts, soonest end first, with status and days left. */
export async function listContracts(deps: Deps, actor: Actor): Promise<TVendorContract[]> {
  requireStaff(actor);
  return (await repo.listContracts(deps.db, actor.organizationId)).map(presentContract);
}

/** One contract. */
export async function getContract(deps: Deps, actor: Actor, id: string): Promise<TVendorContract> {
  requireStaff(actor);
  const t = await repo.findContract(deps.db, actor.organizationId, id);
  if (!t) throw notFound("Contract");
  return presentContract(t);
}

/** Records or changes a vendor contract and the CIs and assets it covers. */
export async function saveContract(
  deps: Deps,
  actor: Actor,
  id: string | null,
  input: TCreateContractRequest | TUpdateContractRequest,
): Promise<TVendorContract> {
  requireStaff(actor);
  return withTx(deps.db, async (tx) => {
    const before = id ? await repo.findContract(tx, actor.organizationId, id) : null;
    if (id && !before) throw notFound("Contract");
    await assertRefs(tx, actor.organizationId, {
      vendorId: input.vendorId,
      userId: input.ownerId,
      userField: "body.ownerId",
      ciIds: input.ciIds,
      assetIds: input.assetIds,
    });
    const start = input.startDate ?? before?.start_date;
    const end = input.endDate ?? before?.end_date;
    if (start && end && end < start) throw invalidField("body.endDate", "must not be before the start date");
    const map = {
      name: "name",
      reference: "reference",
      vendorId: "vendor_id",
      kind: "kind",
      startDate: "start_date",
      endDate: "end_date",
      noticeDays: "notice_days",
      autoRenew: "auto_renew",
      value: "value",
      currency: "currency",
      slaReference: "sla_reference",
      ownerId: "owner_id",
      notes: "notes",
    } as const;
    const values: Record<string, unknown> = {};
    for (const [k, col] of Object.entries(map)) if (input[k as keyof typeof map] !== undefined) values[col] = input[k as keyof typeof map];
    if (input.terminated !== undefined) values.terminated_at = input.terminated ? (before?.terminated_at ?? new Date()) : null;
    const saved = await repo.saveContract(tx, actor.organizationId, id, values as Partial<repo.ContractValues>);
    await repo.setContractItems(tx, actor.organizationId, saved, input.ciIds, input.assetIds);
    return presentContract((await repo.findContract(tx, actor.organizationId, saved))!);
  });
}

// ── Renewal notices ──────────────────────────────────────────────────────────────────────────────

/** Daily sweep (job): records one renewal notice per contract end / licence renewal once its notice period starts. */
export async function sendRenewalNotices(deps: Deps, today = new Date().toISOString().slice(0, 10)): Promise<number> {
  let sent = 0;
  await withTx(deps.db, async (tx) => {
    for (const due of await repo.dueRenewals(tx, today)) {
      const created = await repo.insertNotice(tx, {
        organizationId: due.organization_id,
        subjectType: due.subject_type,
        subjectId: due.subject_id,
        dueDate: due.due_date,
        userId: due.user_id,
      });
      if (!created) continue;
      sent++;
      await repo.insertAudit(tx, {
        organizationId: due.organization_id,
        action: "renewal_notice.sent",
        entityType: due.subject_type,
        entityId: due.subject_id,
        data: { name: due.name, dueDate: due.due_date, notifiedUserId: due.user_id },
      });
    }
  });
  deps.log.info({ sent, today }, "renewal notices");
  return sent;
}

/** Renewal notices of the organization, newest first. */
export async function listRenewalNotices(deps: Deps, actor: Actor): Promise<TRenewalNotice[]> {
  requireStaff(actor);
  return (await repo.listNotices(deps.db, actor.organizationId)).map((n) => ({
    id: n.id,
    subjectType: n.subject_type,
    subjectId: n.subject_id,
    subjectName: n.subject_name,
    dueDate: n.due_date as string,
    notifiedUser: n.user,
    createdAt: new Date(n.created_at).toISOString(),
  }));
}
