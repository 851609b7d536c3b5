import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** The problem extension of a work item (1:1). */
export interface ProblemsTable {
  work_item_id: string;
  organization_id: string;
  root_cause: string | null;
  workaround: string | null;
  fix: string | null;
  close_code: string | null;
}

/** A known error: a problem's documented workaround, numbered KE…, applied to incidents in one step. */
export interface KnownErrorsTable {
  id: Generated<string>;
  organization_id: string;
  number: string;
  problem_id: string;
  title: string;
  symptoms: Generated<string>;
  workaround: string;
  published: Generated<boolean>;
  created_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  retired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  search: ColumnType<string, never, never>;
}

declare module "../../platform/db/schema" {
  interface Database {
    problems: ProblemsTable;
    known_errors: KnownErrorsTable;
  }
}
