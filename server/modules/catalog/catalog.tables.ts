import type { ColumnType, Generated } from "kysely";
import type { TApprovalStageDefinition } from "../../../contracts/approvals";
import type { TFulfilmentTask } from "../../../contracts/catalog";
import type { TCatalogForm } from "../../../contracts/catalog-form";
import "../desks/desk.tables";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface CatalogItemsTable {
  id: Generated<string>;
  organization_id: string;
  desk_id: string;
  category_id: string | null;
  audience: "everyone" | "staff" | "managers";
  active: Generated<boolean>;
  position: Generated<number>;
  current_version_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CatalogItemVersionsTable {
  id: Generated<string>;
  organization_id: string;
  catalog_item_id: string;
  version: number;
  name: string;
  summary: string;
  description: string;
  icon: string;
  form: Json<TCatalogForm>;
  approvals: Json<TApprovalStageDefinition[]>;
  fulfilment: Json<TFulfilmentTask[]>;
  created_by_id: string | null;
  created_at: Timestamp;
}

export interface ServiceRequestsTable {
  work_item_id: string;
  organization_id: string;
  catalog_item_id: string;
  catalog_item_version_id: string;
  desk_id: string;
  answers: Json<Record<string, unknown>>;
  close_reason: string | null;
}

export interface RequestTasksTable {
  work_item_id: string;
  organization_id: string;
  request_id: string;
  step: number;
  position: number;
  close_notes: string | null;
}

declare module "../../platform/db/schema" {
  interface Database {
    catalog_items: CatalogItemsTable;
    catalog_item_versions: CatalogItemVersionsTable;
    service_requests: ServiceRequestsTable;
    request_tasks: RequestTasksTable;
  }
}
