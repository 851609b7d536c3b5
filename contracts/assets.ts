import { z } from "zod";
import { ZCiRef } from "./cmdb";
import { ZPersonRef, ZRef } from "./common";

const ZDate = z.iso.date().describe("YYYY-MM-DD");
const ZMoney = z.number().min(0).max(1e12).multipleOf(0.01);
const ZCurrency = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR");
const ZName = z.string().trim().min(1).max(200);
const ZText = z.string().max(20_000);

export const ZIdParam = z.object({ id: z.uuid() });

// ── Vendors ──────────────────────────────────────────────────────────────────────────────────────

export const ZVendor = z
  .object({
    id: z.uuid(),
    name: z.string(),
    website: z.string().nullable(),
    contactName: z.string().nullable(),
    contactEmail: z.string().nullable(),
    phone: z.string().nullable(),
    notes: z.string(),
  })
  .meta({ id: "Vendor" });
export type TVendor = z.infer<typeof ZVendor>;

export const ZVendorInput = z.object({
  name: ZName,
  website: z.url().nullable().optional(),
  contactName: z.string().trim().max(200).nullable().optional(),
  contactEmail: z.email().nullable().optional(),
  phone: z.string().trim().max(50).nullable().optional(),
  notes: ZText.optional(),
});
export type TVendorInput = z.infer<typeof ZVendorInput>;

// ── Assets ───────────────────────────────────────────────────────────────────────────────────────

export const ASSET_STATUSES = ["stock", "in_use", "maintenance", "retired"] as const;
export const ZAssetStatus = z.enum(ASSET_STATUSES).describe("Lifecycle: in stock, in use, in maintenance, retired");

export const ZAsset = z
  .object({
    id: z.uuid(),
    assetTag: z.string(),
    kind: z.enum(["hardware", "software"]),
    name: z.string(),
    serialNumber: z.string().nullable(),
    model: z.string().nullable(),
    vendor: ZRef.nullable(),
    purchaseDate: z.string().nullable(),
    cost: z.number().nullable(),
    currency: z.string(),
    warrantyEnd: z.string().nullable(),
    /** True when the warranty has ended. */
    warrantyExpired: z.boolean(),
    assignedTo: ZPersonRef.nullable(),
    status: ZAssetStatus,
    ci: ZCiRef.nullable(),
    location: z.string().nullable(),
    notes: z.string(),
    version: z.number().int(),
  })
  .meta({ id: "Asset" });
export type TAsset = z.infer<typeof ZAsset>;

const assetFields = {
  assetTag: z.string().trim().min(1).max(100).describe("Unique in the organization"),
  kind: z.enum(["hardware", "software"]),
  name: ZName,
  serialNumber: z.string().trim().min(1).max(100).nullable(),
  model: z.string().trim().max(200).nullable(),
  vendorId: z.uuid().nullable(),
  purchaseDate: ZDate.nullable(),
  cost: ZMoney.nullable(),
  currency: ZCurrency,
  warrantyEnd: ZDate.nullable(),
  assignedToId: z.uuid().nullable().describe("The person using it"),
  status: ZAssetStatus,
  ciId: z.uuid().nullable().describe("Its configuration item"),
  location: z.string().trim().max(200).nullable(),
  notes: ZText,
};
export const ZCreateAssetRequest = z.object({
  ...assetFields,
  kind: assetFields.kind.default("hardware"),
  status: assetFields.status.default("stock"),
  currency: assetFields.currency.default("EUR"),
  notes: assetFields.notes.default(""),
  serialNumber: assetFields.serialNumber.optional(),
  model: assetFields.model.optional(),
  vendorId: assetFields.vendorId.optional(),
  purchaseDate: assetFields.purchaseDate.optional(),
  cost: assetFields.cost.optional(),
  warrantyEnd: assetFields.warrantyEnd.optional(),
  assignedToId: assetFields.assignedToId.optional(),
  ciId: assetFields.ciId.optional(),
  location: assetFields.location.optional(),
});
export type TCreateAssetRequest = z.infer<typeof ZCreateAssetRequest>;
export const ZUpdateAssetRequest = z
  .object(assetFields)
  .partial()
  .extend({ version: z.number().int().positive().optional().describe("The version you read; stale → 409") });
export type TUpdateAssetRequest = z.infer<typeof ZUpdateAssetRequest>;

export const ZListAssetsQuery = z.object({
  q: z.string().trim().max(200).optional().describe("Asset tag, serial or name contains"),
  status: z.enum(ASSET_STATUSES).optional(),
  assignedToId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

// ── Software licences ────────────────────────────────────────────────────────────────────────────

export const LICENCE_TYPES = ["per_device", "per_user", "subscription", "site"] as const;
export const ZLicenceType = z.enum(LICENCE_TYPES);

export const ZLicence = z
  .object({
    id: z.uuid(),
    name: z.string(),
    product: z.string(),
    vendor: ZRef.nullable(),
    licenceType: ZLicenceType,
    /** Seats bought; null = unlimited (site licence). */
    entitlements: z.number().int().nullable(),
    /** Seats assigned (devices or people). */
    used: z.number().int(),
    /** under: more in use than bought (non-compliant); over: seats unused; compliant: exactly used. */
    compliance: z.enum(["compliant", "under_licensed", "over_licensed"]),
    cost: z.number().nullable(),
    currency: z.string(),
    purchaseDate: z.string().nullable(),
    renewalDate: z.string().nullable(),
    noticeDays: z.number().int(),
    softwareCi: ZCiRef.nullable(),
    notes: z.string(),
  })
  .meta({ id: "SoftwareLicence" });
export type TLicence = z.infer<typeof ZLicence>;

export const ZLicenceAssignment = z
  .object({ id: z.uuid(), ci: ZCiRef.nullable(), user: ZPersonRef.nullable(), createdAt: z.string() })
  .meta({ id: "LicenceAssignment" });
export type TLicenceAssignment = z.infer<typeof ZLicenceAssignment>;

export const ZLicenceDetail = ZLicence.extend({ assignments: z.array(ZLicenceAssignment) });

const licenceFields = {
  name: ZName,
  product: ZName.describe("The software product"),
  vendorId: z.uuid().nullable(),
  licenceType: ZLicenceType,
  entitlements: z.number().int().min(0).max(10_000_000).nullable().describe("Seats bought; null for a site licence"),
  cost: ZMoney.nullable(),
  currency: ZCurrency,
  purchaseDate: ZDate.nullable(),
  renewalDate: ZDate.nullable(),
  noticeDays: z.number().int().min(0).max(730).describe("Days before renewal to send the notice"),
  softwareCiId: z.uuid().nullable().describe("The software CI it licenses"),
  notes: ZText,
};
export const ZCreateLicenceRequest = z.object({
  ...licenceFields,
  vendorId: licenceFields.vendorId.optional(),
  entitlements: licenceFields.entitlements.optional(),
  cost: licenceFields.cost.optional(),
  currency: licenceFields.currency.default("EUR"),
  purchaseDate: licenceFields.purchaseDate.optional(),
  renewalDate: licenceFields.renewalDate.optional(),
  noticeDays: licenceFields.noticeDays.default(30),
  softwareCiId: licenceFields.softwareCiId.optional(),
  notes: licenceFields.notes.default(""),
});
export type TCreateLicenceRequest = z.infer<typeof ZCreateLicenceRequest>;
export const ZUpdateLicenceRequest = z.object(licenceFields).partial();
export type TUpdateLicenceRequest = z.infer<typeof ZUpdateLicenceRequest>;

export const ZAssignLicenceRequest = z
  .object({ ciId: z.uuid().optional().describe("A device (per-device licences)"), userId: z.uuid().optional().describe("A person (per-user licences)") })
  .refine((v) => (v.ciId ? 1 : 0) + (v.userId ? 1 : 0) === 1, { message: "give exactly one of ciId or userId", path: ["ciId"] });

// ── Vendor contracts ─────────────────────────────────────────────────────────────────────────────

export const CONTRACT_KINDS = ["maintenance", "support", "underpinning", "warranty", "lease", "other"] as const;

export const ZVendorContract = z
  .object({
    id: z.uuid(),
    name: z.string(),
    reference: z.string().nullable(),
    vendor: ZRef,
    kind: z.enum(CONTRACT_KINDS),
    startDate: z.string(),
    endDate: z.string(),
    noticeDays: z.number().int(),
    autoRenew: z.boolean(),
    value: z.number().nullable(),
    currency: z.string(),
    slaReference: z.string().nullable().describe("The SLA the vendor commits to, e.g. “Gold: 4 h response”"),
    owner: ZPersonRef.nullable(),
    /** active, expiring (within the notice period), expired, terminated, or not yet started. */
    status: z.enum(["pending", "active", "expiring", "expired", "terminated"]),
    daysLeft: z.number().int(),
    cis: z.array(ZCiRef),
    assets: z.array(z.object({ id: z.uuid(), assetTag: z.string(), name: z.string() })),
    notes: z.string(),
  })
  .meta({ id: "VendorContract" });
export type TVendorContract = z.infer<typeof ZVendorContract>;

const contractFields = {
  name: ZName,
  reference: z.string().trim().max(100).nullable(),
  vendorId: z.uuid(),
  kind: z.enum(CONTRACT_KINDS),
  startDate: ZDate,
  endDate: ZDate,
  noticeDays: z.number().int().min(0).max(730).describe("Days before the end to send the renewal notice"),
  autoRenew: z.boolean(),
  value: ZMoney.nullable(),
  currency: ZCurrency,
  slaReference: z.string().trim().max(500).nullable(),
  ownerId: z.uuid().nullable().describe("Who manages it (gets the renewal notice)"),
  ciIds: z.array(z.uuid()).max(500).describe("Covered CIs"),
  assetIds: z.array(z.uuid()).max(500).describe("Covered assets"),
  notes: ZText,
  terminated: z.boolean().describe("Ended early"),
};
export const ZCreateContractRequest = z
  .object({
    ...contractFields,
    reference: contractFields.reference.optional(),
    noticeDays: contractFields.noticeDays.default(60),
    autoRenew: contractFields.autoRenew.default(false),
    value: contractFields.value.optional(),
    currency: contractFields.currency.default("EUR"),
    slaReference: contractFields.slaReference.optional(),
    ownerId: contractFields.ownerId.optional(),
    ciIds: contractFields.ciIds.default([]),
    assetIds: contractFields.assetIds.default([]),
    notes: contractFields.notes.default(""),
    terminated: contractFields.terminated.default(false),
  })
  .refine((v) => v.endDate >= v.startDate, { message: "must not be before the start date", path: ["endDate"] });
export type TCreateContractRequest = z.infer<typeof ZCreateContractRequest>;
export const ZUpdateContractRequest = z.object(contractFields).partial();
export type TUpdateContractRequest = z.infer<typeof ZUpdateContractRequest>;

export const ZRenewalNotice = z
  .object({
    id: z.uuid(),
    subjectType: z.enum(["vendor_contract", "software_licence"]),
    subjectId: z.uuid(),
    subjectName: z.string(),
    dueDate: z.string(),
    notifiedUser: ZPersonRef.nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "RenewalNotice" });
export type TRenewalNotice = z.infer<typeof ZRenewalNotice>;
