import type { ColumnType, Generated } from "kysely";

export interface MacrosTable {
  id: Generated<string>;
  organization_id: string;
  owner_id: string | null;
  desk_id: string | null;
  name: string;
  description: Generated<string>;
  actions: ColumnType<Record<string, unknown>, string, string>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

declare module "../../platform/db/schema" {
  interface Database {
    macros: MacrosTable;
  }
}
