import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface AlertIntegrationsTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  active: Generated<boolean>;
  /** SHA-256 of the bearer secret. */
  token_hash: Buffer;
  token_hint: string;
  run_as_user_id: string;
  assignment_group_id: string | null;
  service_id: string | null;
  severity_map: ColumnType<unknown, string, string>;
  auto_resolve: Generated<boolean>;
  repeat_note_minutes: Generated<number>;
  last_received_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AlertsTable {
  id: Generated<string>;
  organization_id: string;
  integration_id: string;
  alert_key: string;
  status: Generated<"firing" | "resolved">;
  work_item_id: string | null;
  title: string;
  count: Generated<number>;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  last_noted_at: Timestamp;
  resolved_at: NullableTimestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    alert_integrations: AlertIntegrationsTable;
    alerts: AlertsTable;
  }
}
