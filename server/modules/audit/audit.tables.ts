import type { ColumnType, Generated } from "kysely";

/** Seals chaining the audit trail (see migration 20261125100040-create-audit-seals). */
declare module "../../platform/db/schema" {
  interface Database {
    audit_seals: AuditSealsTable;
  }
}

export interface AuditSealsTable {
  id: Generated<number>;
  stream: "timeline_events" | "audit_events";
  first_id: number;
  last_id: number;
  row_count: number;
  digest: string;
  prev_hash: string | null;
  hash: string;
  sealed_at: ColumnType<Date, never, never>;
}
