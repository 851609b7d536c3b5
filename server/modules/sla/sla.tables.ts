import type { ColumnType, Generated } from "kysely";
import type { TCalendarInput, TSlaCondition, TThreshold } from "../../../contracts/sla";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;
/** bigint milliseconds: read as numbers (see db.ts), written as numbers. */
type Millis = ColumnType<number, number | undefined, number>;

export type ClockState = "running" | "paused" | "met" | "breached" | "cancelled";
export type Metric = "response" | "resolution" | "custom";

export interface SlaCalendarsTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  description: Generated<string>;
  time_zone: string;
  hours: Json<TCalendarInput["hours"]>;
  holidays: Json<TCalendarInput["holidays"]>;
  exceptions: Json<TCalendarInput["exceptions"]>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SlaPoliciesTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  description: Generated<string>;
  active: Generated<boolean>;
  position: Generated<number>;
  conditions: Json<TSlaCondition[]>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SlaTargetsTable {
  id: Generated<string>;
  organization_id: string;
  policy_id: string;
  ordinal: number;
  kind: "sla" | "ola";
  metric: Metric;
  name: string;
  group_id: string | null;
  duration_minutes: number;
  calendar_id: string | null;
  start_when: Json<TSlaCondition[]>;
  stop_when: Json<TSlaCondition[]>;
  pause_when: Json<TSlaCondition[]>;
  thresholds: Json<TThreshold[]>;
}

export interface SlaClocksTable {
  id: Generated<string>;
  organization_id: string;
  work_item_id: string;
  policy_id: string | null;
  kind: "sla" | "ola";
  metric: Metric;
  metric_key: string;
  name: string;
  group_id: string | null;
  calendar_id: string | null;
  target_ms: Millis;
  thresholds: Json<TThreshold[]>;
  state: ClockState;
  started_at: Timestamp;
  elapsed_ms: Millis;
  elapsed_at: Timestamp;
  paused_at: NullableTimestamp;
  paused_ms: Millis;
  due_at: NullableTimestamp;
  stopped_at: NullableTimestamp;
  breached_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SlaClockEventsTable {
  id: Generated<number>;
  organization_id: string;
  clock_id: string;
  kind: string;
  at: Timestamp;
  data: Json<Record<string, unknown>>;
}

export interface SlaThresholdFiringsTable {
  clock_id: string;
  threshold_key: string;
  organization_id: string;
  fired_at: Timestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    sla_calendars: SlaCalendarsTable;
    sla_policies: SlaPoliciesTable;
    sla_targets: SlaTargetsTable;
    sla_clocks: SlaClocksTable;
    sla_clock_events: SlaClockEventsTable;
    sla_threshold_firings: SlaThresholdFiringsTable;
  }
  interface WorkItemsTable {
    sla_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  }
}
