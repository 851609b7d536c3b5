import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

/** The change extension of a work item (1:1). */
export interface ChangesTable {
  work_item_id: string;
  organization_id: string;
  change_type: "standard" | "normal" | "emergency";
  template_id: string | null;
  planned_start: NullableTimestamp;
  planned_end: NullableTimestamp;
  actual_start: NullableTimestamp;
  actual_end: NullableTimestamp;
  implementation_plan: Generated<string>;
  backout_plan: Generated<string>;
  test_plan: Generated<string>;
  justification: Generated<string>;
  risk: string | null;
  risk_score: number | null;
  risk_answers: Json<Record<string, string>> | null;
  risk_factors: Json<Array<{ factor: string; points: number; detail: string }>> | null;
  approved_at: NullableTimestamp;
  outcome: string | null;
  review_notes: string | null;
  freeze_override_by_id: string | null;
  freeze_override_reason: string | null;
  freeze_override_start: NullableTimestamp;
  freeze_override_end: NullableTimestamp;
}

export interface ChangeAffectedServicesTable {
  change_id: string;
  service_id: string;
  organization_id: string;
}

export interface ChangeTemplatesTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  description: Generated<string>;
  implementation_plan: Generated<string>;
  backout_plan: Generated<string>;
  test_plan: Generated<string>;
  service_id: string | null;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FreezeWindowsTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  reason: Generated<string>;
  starts_at: ColumnType<Date, Date | string, Date | string>;
  ends_at: ColumnType<Date, Date | string, Date | string>;
  service_id: string | null;
  created_by_id: string | null;
  created_at: Timestamp;
}

export interface ChangeSettingsTable {
  organization_id: string;
  cab_group_id: string | null;
  cab_rule: Generated<"all" | "quorum">;
  cab_quorum: number | null;
  manager_group_id: string | null;
  updated_at: Timestamp;
}

export interface CalendarFeedsTable {
  id: Generated<string>;
  organization_id: string;
  owner_id: string;
  name: string;
  token_hash: Buffer;
  prefix: string;
  service_id: string | null;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    changes: ChangesTable;
    change_affected_services: ChangeAffectedServicesTable;
    change_templates: ChangeTemplatesTable;
    freeze_windows: FreezeWindowsTable;
    change_settings: ChangeSettingsTable;
    calendar_feeds: CalendarFeedsTable;
  }
}
