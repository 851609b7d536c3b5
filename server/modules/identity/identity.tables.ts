import type { ColumnType } from "kysely";

/** Columns added to identity tables after the foundation (interface merging, see schema.ts). */
declare module "../../platform/db/schema" {
  interface UsersTable {
    /** The person's manager: approves "requester's manager" stages. */
    manager_id: ColumnType<string | null, string | null | undefined, string | null>;
  }
  interface GroupsTable {
    /** The service desk the group works for, if any. */
    desk_id: ColumnType<string | null, string | null | undefined, string | null>;
  }
  interface CategoriesTable {
    /** The service desk the category belongs to, if any. */
    desk_id: ColumnType<string | null, string | null | undefined, string | null>;
  }
}
