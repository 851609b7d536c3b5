import type { Generated } from "kysely";

// Personal views: the agent's-day migration added columns and agent sharing to saved_views.
declare module "../../platform/db/schema" {
  interface SavedViewsTable {
    columns: string[] | null;
    shared: Generated<boolean>;
  }
}
