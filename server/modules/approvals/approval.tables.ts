import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export type StageState = "waiting" | "pending" | "approved" | "rejected" | "skipped" | "cancelled";
export type ApprovalState = "pending" | "approved" | "rejected" | "not_required" | "cancelled";

export interface ApprovalStagesTable {
  id: Generated<string>;
  organization_id: string;
  work_item_id: string;
  position: number;
  name: string;
  rule: "any" | "all" | "quorum";
  quorum: number | null;
  approver_sources: Json<Array<{ kind: "manager" } | { kind: "user"; userId: string } | { kind: "group"; groupId: string }>>;
  state: Generated<StageState>;
  started_at: NullableTimestamp;
  decided_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface ApprovalsTable {
  id: Generated<string>;
  organization_id: string;
  work_item_id: string;
  stage_id: string;
  approver_id: string;
  source: "user" | "manager" | "group";
  group_id: string | null;
  state: Generated<ApprovalState>;
  comment: string | null;
  decided_at: NullableTimestamp;
  created_at: Timestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    approval_stages: ApprovalStagesTable;
    approvals: ApprovalsTable;
  }
}
