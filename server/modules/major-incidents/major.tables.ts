import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface MajorIncidentsTable {
  work_item_id: string;
  organization_id: string;
  manager_id: string;
  status: Generated<"active" | "resolved" | "closed">;
  audience: Generated<string>;
  update_cadence_minutes: Generated<number>;
  channels: ColumnType<string[], string[] | undefined, string[]>;
  next_update_due_at: NullableTimestamp;
  declared_by_id: string | null;
  declared_at: Timestamp;
  resolved_at: NullableTimestamp;
}

export interface MajorIncidentUpdatesTable {
  id: Generated<string>;
  organization_id: string;
  work_item_id: string;
  body: string;
  posted_by_id: string | null;
  children_count: Generated<number>;
  created_at: Timestamp;
}

export interface PostIncidentReviewsTable {
  work_item_id: string;
  organization_id: string;
  status: Generated<"draft" | "completed">;
  owner_id: string | null;
  summary: Generated<string>;
  root_cause: Generated<string>;
  lessons_learned: Generated<string>;
  follow_up_actions: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: NullableTimestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    major_incidents: MajorIncidentsTable;
    major_incident_updates: MajorIncidentUpdatesTable;
    post_incident_reviews: PostIncidentReviewsTable;
  }
}
