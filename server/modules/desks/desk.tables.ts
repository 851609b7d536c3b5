import type { ColumnType, Generated } from "kysely";
import "../identity/identity.tables";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface DesksTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  slug: string;
  branding_name: string;
  description: Generated<string>;
  icon: Generated<string>;
  position: Generated<number>;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DeskMembersTable {
  desk_id: string;
  user_id: string;
  organization_id: string;
  created_at: Timestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    desks: DesksTable;
    desk_members: DeskMembersTable;
  }
}
