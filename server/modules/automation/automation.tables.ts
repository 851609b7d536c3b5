import type { ColumnType, Generated } from "kysely";

type Ts = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface EventConsumersTable {
  organization_id: string;
  consumer: string;
  created_at: Generated<Date>;
}
export interface AutomationRulesTable {
  id: Generated<string>;
  organization_id: string;
  position: number;
  name: string;
  description: Generated<string>;
  active: Generated<boolean>;
  item_type: string;
  trigger: string;
  cron: string | null;
  timezone: Generated<string>;
  conditions: Json | null;
  actions: Json<unknown[]>;
  stop_processing: Generated<boolean>;
  react_to_rules: Generated<boolean>;
  next_run_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  version: Generated<number>;
  created_by_id: string | null;
  created_at: Ts;
  updated_at: Ts;
}
export interface AutomationRuleRunsTable {
  id: Generated<number>;
  organization_id: string;
  rule_id: string | null;
  rule_name: string;
  run_key: string;
  work_item_id: string | null;
  outcome: "applied" | "error" | "loop_stopped";
  message: string | null;
  created_at: Ts;
}
export interface AutomationRevisionsTable {
  organization_id: string;
  revision: Generated<number>;
}
export interface GroupAssignmentTable {
  group_id: string;
  organization_id: string;
  strategy: string;
  calendar_id: string | null;
  last_assigned_user_id: string | null;
  last_assigned_at: Date | null;
  updated_at: Ts;
}
export interface AgentAvailabilityTable {
  user_id: string;
  organization_id: string;
  away: Generated<boolean>;
  away_until: Date | string | null;
  calendar_id: string | null;
  skills: ColumnType<string[], string[] | undefined, string[]>;
  updated_at: Ts;
}
export interface RecurringSchedulesTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  active: Generated<boolean>;
  cron: string | null;
  rrule: string | null;
  timezone: Generated<string>;
  template: Json<Record<string, unknown>>;
  next_run_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_by_id: string | null;
  created_at: Ts;
  updated_at: Ts;
}
export interface RecurringOccurrencesTable {
  schedule_id: string;
  occurrence_at: ColumnType<Date, Date | string, Date | string>;
  organization_id: string;
  work_item_id: string | null;
  created_at: Ts;
}

declare module "../../platform/db/schema" {
  interface Database {
    event_consumers: EventConsumersTable;
    automation_rules: AutomationRulesTable;
    automation_rule_runs: AutomationRuleRunsTable;
    automation_revisions: AutomationRevisionsTable;
    group_assignment: GroupAssignmentTable;
    agent_availability: AgentAvailabilityTable;
    recurring_schedules: RecurringSchedulesTable;
    recurring_occurrences: RecurringOccurrencesTable;
  }
}
