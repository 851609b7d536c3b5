import type { Config } from "./platform/config";
import type { Db } from "./platform/db/db";
import type { LiveHub } from "./platform/live/live";
import type { Logger } from "./platform/logger";
import type { Metrics } from "./platform/metrics";

/** What services need from the process: handed explicitly, no container. */
export interface Deps {
  db: Db;
  /** Read-only reporting reads (DATABASE_REPLICA_URL); absent: the primary. */
  reportDb?: Db;
  config: Config;
  log: Logger;
  metrics: Metrics;
  live: LiveHub | null;
}

/** Request context for a use case: who acts, from where. */
export interface Actor {
  userId: string;
  organizationId: string;
  role: "requester" | "agent" | "admin";
  groupIds: string[];
  /** Requesters: "organization" = sees every item of the organization (manager, or shared by policy); default own. */
  requesterScope?: "own" | "organization";
  ip?: string | null;
}
