import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;

export interface CiClassesTable {
  id: Generated<string>;
  organization_id: string | null;
  key: string;
  name: string;
  description: Generated<string>;
  attributes: Json<unknown[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CiRelationshipTypesTable {
  id: Generated<string>;
  organization_id: string | null;
  key: string;
  name: string;
  reverse_name: string;
  dependent_end: "source" | "target";
  acyclic: Generated<boolean>;
  created_at: Timestamp;
}

export interface ConfigurationItemsTable {
  id: Generated<string>;
  organization_id: string;
  class_id: string;
  name: string;
  description: Generated<string>;
  status: string;
  owner_id: string | null;
  support_group_id: string | null;
  location: string | null;
  serial_number: string | null;
  asset_tag: string | null;
  attributes: Json<Record<string, unknown>>;
  version: Generated<number>;
  created_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CiRelationshipsTable {
  id: Generated<string>;
  organization_id: string;
  type_id: string;
  source_id: string;
  target_id: string;
  dependent_id: string;
  dependency_id: string;
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
  created_by_id: string | null;
  ended_by_id: string | null;
}

export interface CiHistoryTable {
  id: Generated<string>;
  organization_id: string;
  ci_id: string;
  actor_id: string | null;
  kind: string;
  changes: Json<Array<{ field: string; from: unknown; to: unknown }>>;
  data: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface WorkItemCisTable {
  organization_id: string;
  work_item_id: string;
  ci_id: string;
  role: "affected" | "caused_by";
  created_by_id: string | null;
  created_at: Timestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    ci_classes: CiClassesTable;
    ci_relationship_types: CiRelationshipTypesTable;
    configuration_items: ConfigurationItemsTable;
    ci_relationships: CiRelationshipsTable;
    ci_history: CiHistoryTable;
    work_item_cis: WorkItemCisTable;
  }
}
