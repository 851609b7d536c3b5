import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Day = ColumnType<string, string, string>;

export interface SupportContractsTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  starts_on: Day;
  ends_on: ColumnType<string | null, string | null | undefined, string | null>;
  monthly_hours: ColumnType<string, number | string, number | string>;
  thresholds: ColumnType<number[], number[] | undefined, number[]>;
  active: Generated<boolean>;
  created_by_id: string | null;
  created_at: Timestamp;
}

export interface SupportContractAlertsTable {
  contract_id: string;
  month: Day;
  threshold: number;
  organization_id: string;
  used_minutes: number;
  work_item_id: string | null;
  reached_at: Timestamp;
}

export interface TimeEntriesTable {
  id: Generated<string>;
  organization_id: string;
  work_item_id: string;
  user_id: string;
  work_date: Day;
  minutes: number;
  activity: string;
  billable: boolean;
  note: string;
  source: "manual" | "timer";
  contract_id: string | null;
  created_at: Timestamp;
}

export interface TimeTimersTable {
  user_id: string;
  work_item_id: string;
  organization_id: string;
  started_at: Timestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    support_contracts: SupportContractsTable;
    support_contract_alerts: SupportContractAlertsTable;
    time_entries: TimeEntriesTable;
    time_timers: TimeTimersTable;
  }
}
