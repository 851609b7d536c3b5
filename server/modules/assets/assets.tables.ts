import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A DATE column: read as YYYY-MM-DD text (see the type parser in assets.repo.ts). */
type DateText = ColumnType<string, string, string>;
type NullableDateText = ColumnType<string | null, string | null | undefined, string | null>;
/** numeric comes back as text from pg. */
type Numeric = ColumnType<string | null, number | string | null | undefined, number | string | null>;

export interface VendorsTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  website: string | null;
  contact_name: string | null;
  contact_email: string | null;
  phone: string | null;
  notes: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AssetsTable {
  id: Generated<string>;
  organization_id: string;
  asset_tag: string;
  kind: Generated<"hardware" | "software">;
  name: string;
  serial_number: string | null;
  model: string | null;
  vendor_id: string | null;
  purchase_date: NullableDateText;
  cost: Numeric;
  currency: Generated<string>;
  warranty_end: NullableDateText;
  assigned_to_id: string | null;
  status: Generated<"stock" | "in_use" | "maintenance" | "retired">;
  ci_id: string | null;
  location: string | null;
  notes: Generated<string>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SoftwareLicencesTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  product: string;
  vendor_id: string | null;
  licence_type: "per_device" | "per_user" | "subscription" | "site";
  entitlements: number | null;
  cost: Numeric;
  currency: Generated<string>;
  purchase_date: NullableDateText;
  renewal_date: NullableDateText;
  notice_days: Generated<number>;
  software_ci_id: string | null;
  notes: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LicenceAssignmentsTable {
  id: Generated<string>;
  organization_id: string;
  licence_id: string;
  ci_id: string | null;
  user_id: string | null;
  created_by_id: string | null;
  created_at: Timestamp;
}

export interface VendorContractsTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  reference: string | null;
  vendor_id: string;
  kind: "maintenance" | "support" | "underpinning" | "warranty" | "lease" | "other";
  start_date: DateText;
  end_date: DateText;
  notice_days: Generated<number>;
  auto_renew: Generated<boolean>;
  value: Numeric;
  currency: Generated<string>;
  sla_reference: string | null;
  owner_id: string | null;
  terminated_at: NullableTimestamp;
  notes: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface VendorContractItemsTable {
  organization_id: string;
  contract_id: string;
  ci_id: string | null;
  asset_id: string | null;
  created_at: Timestamp;
}

export interface RenewalNoticesTable {
  id: Generated<string>;
  organization_id: string;
  subject_type: "vendor_contract" | "software_licence";
  subject_id: string;
  due_date: DateText;
  notified_user_id: string | null;
  created_at: Timestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    vendors: VendorsTable;
    assets: AssetsTable;
    software_licences: SoftwareLicencesTable;
    licence_assignments: LicenceAssignmentsTable;
    vendor_contracts: VendorContractsTable;
    vendor_contract_items: VendorContractItemsTable;
    renewal_notices: RenewalNoticesTable;
  }
}
