import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

/** One pre-computed row per work item, refreshed every minute (report.refresh.ts). */
export interface ReportItemFactsTable {
  work_item_id: string;
  organization_id: string;
  type: string;
  state: string;
  priority: number;
  channel: string;
  group_id: string | null;
  assignee_id: string | null;
  service_id: string | null;
  category_id: string | null;
  desk_id: string | null;
  requester_id: string;
  created_at: Timestamp;
  first_response_at: NullableTimestamp;
  resolved_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  response_ms: number | null;
  response_business_ms: number | null;
  resolution_ms: number | null;
  resolution_business_ms: number | null;
  response_sla: "met" | "breached" | null;
  resolution_sla: "met" | "breached" | null;
  reopen_count: number;
  staff_replies: number;
  fcr: boolean | null;
  change_outcome: string | null;
  refreshed_at: Timestamp;
}

export interface ReportRefreshStateTable {
  id: number;
  watermark: NullableTimestamp;
  last_run_at: NullableTimestamp;
  last_items: number;
}

export interface CsatSurveysTable {
  id: Generated<string>;
  organization_id: string;
  work_item_id: string;
  requester_id: string;
  token_hash: Buffer;
  assignee_id: string | null;
  group_id: string | null;
  service_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  score: number | null;
  comment: string | null;
  responded_at: NullableTimestamp;
  updated_at: Timestamp;
}

export interface SavedReportsTable {
  id: Generated<string>;
  organization_id: string;
  owner_id: string | null;
  name: string;
  shared: boolean;
  definition: Json<unknown>;
  schedule: Json<unknown> | null;
  next_run_at: NullableTimestamp;
  last_run_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    report_item_facts: ReportItemFactsTable;
    report_refresh_state: ReportRefreshStateTable;
    csat_surveys: CsatSurveysTable;
    saved_reports: SavedReportsTable;
  }
}
