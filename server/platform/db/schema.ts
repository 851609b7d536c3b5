import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** Kysely's view of the database; kept beside the migrations and changed with them. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  slug: string;
  settings: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  organization_id: string;
  email: string;
  name: string;
  role: "requester" | "agent" | "admin";
  password_hash: string | null;
  active: Generated<boolean>;
  locale: Generated<string>;
  time_zone: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupsTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  description: Generated<string>;
  email: string | null;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  organization_id: string;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  token_hash: Buffer;
  user_id: string;
  organization_id: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  organization_id: string;
  name: string;
  token_hash: Buffer;
  prefix: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface LoginThrottleTable {
  key: string;
  failures: Generated<number>;
  window_started_at: Timestamp;
  locked_until: NullableTimestamp;
}

export interface AuditEventsTable {
  id: Generated<string>;
  organization_id: string | null;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  data: Json<Record<string, unknown>>;
  ip: string | null;
  created_at: Timestamp;
}

export interface ServicesTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  description: Generated<string>;
  support_group_id: string | null;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CategoriesTable {
  id: Generated<string>;
  organization_id: string;
  parent_id: string | null;
  name: string;
  active: Generated<boolean>;
  created_at: Timestamp;
}

export interface PriorityMatrixTable {
  organization_id: string;
  impact: string;
  urgency: string;
  priority: number;
}

export interface WorkItemsTable {
  id: Generated<string>;
  organization_id: string;
  type: WorkItemType;
  number: string;
  title: string;
  description: Generated<string>;
  state: string;
  impact: string;
  urgency: string;
  priority: number;
  category_id: string | null;
  subcategory_id: string | null;
  requester_id: string;
  assignment_group_id: string | null;
  assignee_id: string | null;
  service_id: string | null;
  channel: Generated<string>;
  created_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  version: Generated<number>;
  search: ColumnType<string, never, never>;
}

export interface IncidentsTable {
  work_item_id: string;
  organization_id: string;
  hold_reason: string | null;
  resolution_code: string | null;
  resolution_notes: string | null;
  reopen_count: Generated<number>;
}

export interface TimelineEventsTable {
  id: Generated<string>;
  organization_id: string;
  work_item_id: string;
  actor_id: string | null;
  kind: string;
  visibility: Generated<"public" | "internal">;
  changes: Json<Array<{ field: string; from: unknown; to: unknown }>>;
  data: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface CommentsTable {
  id: Generated<string>;
  organization_id: string;
  work_item_id: string;
  author_id: string | null;
  visibility: "public" | "internal";
  body: string;
  created_at: Timestamp;
}

export interface BlobsTable {
  sha256: string;
  size: number;
  content: Buffer;
  created_at: Timestamp;
}

export interface AttachmentsTable {
  id: Generated<string>;
  organization_id: string;
  work_item_id: string;
  blob_sha256: string;
  filename: string;
  content_type: string;
  size: number;
  uploaded_by_id: string | null;
  created_at: Timestamp;
}

export interface WatchersTable {
  work_item_id: string;
  user_id: string;
  organization_id: string;
  created_at: Timestamp;
}

export interface WorkItemLinksTable {
  id: Generated<string>;
  organization_id: string;
  source_id: string;
  target_id: string;
  kind: "child_of" | "duplicate_of" | "related_to" | "caused_by";
  created_by_id: string | null;
  created_at: Timestamp;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  organization_id: string;
  request_hash: string;
  status_code: number | null;
  response: Json<unknown> | null;
  created_at: Timestamp;
}

export interface SavedViewsTable {
  id: Generated<string>;
  organization_id: string;
  owner_id: string | null;
  name: string;
  filters: Json<Record<string, unknown>>;
  sort: Generated<string>;
  created_at: Timestamp;
}

/** Every practice built on the work-item core (numbers: INC, REQ, TASK, PRB, CHG, CTASK). */
export type WorkItemType = "incident" | "request" | "request_task" | "problem" | "change" | "change_task";

/**
 * Every table Kysely knows. Modules added after the foundation declare their own tables beside their
 * repos with `declare module "../../platform/db/schema" { interface Database { … } }` (interface
 * merging), so practices never edit this file to exist side by side.
 */
export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_throttle: LoginThrottleTable;
  audit_events: AuditEventsTable;
  services: ServicesTable;
  categories: CategoriesTable;
  priority_matrix: PriorityMatrixTable;
  work_items: WorkItemsTable;
  incidents: IncidentsTable;
  timeline_events: TimelineEventsTable;
  comments: CommentsTable;
  blobs: BlobsTable;
  attachments: AttachmentsTable;
  watchers: WatchersTable;
  work_item_links: WorkItemLinksTable;
  idempotency_keys: IdempotencyKeysTable;
  saved_views: SavedViewsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type WorkItem = Selectable<WorkItemsTable>;
export type WorkItemUpdate = Updateable<WorkItemsTable>;
