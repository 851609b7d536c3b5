import type { Kysely } from "kysely";
import { type Migration, type MigrationProvider, Migrator } from "kysely/migration";
import * as m001 from "./migrations/20261125040000-create-identity";
import * as m002 from "./migrations/20261125040100-create-work-items";
import * as m003 from "./migrations/20261125060000-tune-queue-indexes";
import * as m004 from "./migrations/20261125070000-open-work-item-types";
import * as m20261125071300 from "./migrations/20261125071300-create-agent-day";
import * as mNotifications from "./migrations/20261125071500-create-notifications";
import * as m_knowledge from "./migrations/20261125072000-create-knowledge";
import * as mCmdb from "./migrations/20261125071000-create-cmdb";
import * as mMailboxes from "./migrations/20261125072500-create-mailboxes";
import * as mProblems from "./migrations/20261125071500-create-problems";
import * as m005catalog from "./migrations/20261125070500-create-desks-and-approvals";
import * as m_sla from "./migrations/20261125071000-create-sla";
import * as mCmdbSearch from "./migrations/20261125073000-tune-cmdb-search";
import * as mAssets from "./migrations/20261125074000-create-assets";
import * as m_searchRecency from "./migrations/20261125071000-create-search-recency-indexes";
import * as mSso from "./migrations/20261125071100-create-sso";
import * as mChanges from "./migrations/20261125080000-create-changes";
import * as m006catalog from "./migrations/20261125072000-create-catalog-and-requests";
import * as mWebhooks from "./migrations/20261125100020-create-webhooks";
import * as mReporting from "./migrations/20261125100030-create-reporting";
import * as mReportingTune from "./migrations/20261125110030-tune-report-facts";
import * as mReportingWiden from "./migrations/20261125113030-widen-report-indexes";
import * as mAlertIntegrations from "./migrations/20261125100120-create-alert-integrations";
import * as mWebhookEventDedup from "./migrations/20261125100220-add-webhook-event-dedup";
import * as mAutomation from "./migrations/20261125100010-create-automation";
import * as mAuditSeals from "./migrations/20261125100040-create-audit-seals";
import * as mMemberships from "./migrations/20261125100050-create-organization-memberships";
import * as mMembershipGroups from "./migrations/20261125104050-end-group-membership-with-organization";
import * as mMembershipRls from "./migrations/20261125112050-fit-memberships-to-row-security";

/** The ordered list of schema migrations; names are YYYYMMDDHHMMSS-verb-object and never edited once merged. */
const migrations: Record<string, Migration> = {
  "20261125040000-create-identity": m001,
  "20261125040100-create-work-items": m002,
  "20261125060000-tune-queue-indexes": m003,
  "20261125070000-open-work-item-types": m004,
  "20261125071300-create-agent-day": m20261125071300,
  "20261125071500-create-notifications": mNotifications,
  "20261125072000-create-knowledge": m_knowledge,
  "20261125071000-create-cmdb": mCmdb,
  "20261125072500-create-mailboxes": mMailboxes,
  "20261125071500-create-problems": mProblems,
  "20261125070500-create-desks-and-approvals": m005catalog,
  "20261125071000-create-sla": m_sla,
  "20261125073000-tune-cmdb-search": mCmdbSearch,
  "20261125074000-create-assets": mAssets,
  "20261125071000-create-search-recency-indexes": m_searchRecency,
  "20261125071100-create-sso": mSso,
  "20261125080000-create-changes": mChanges,
  "20261125072000-create-catalog-and-requests": m006catalog,
  "20261125100020-create-webhooks": mWebhooks,
  "20261125100030-create-reporting": mReporting,
  "20261125110030-tune-report-facts": mReportingTune,
  "20261125113030-widen-report-indexes": mReportingWiden,
  "20261125100120-create-alert-integrations": mAlertIntegrations,
  "20261125100220-add-webhook-event-dedup": mWebhookEventDedup,
  "20261125100010-create-automation": mAutomation,
  "20261125100040-create-audit-seals": mAuditSeals,
  "20261125100050-create-organization-memberships": mMemberships,
  "20261125104050-end-group-membership-with-organization": mMembershipGroups,
  "20261125112050-fit-memberships-to-row-security": mMembershipRls,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

function migrator(db: Kysely<unknown>): Migrator {
  return new Migrator({
    db,
    provider: new StaticProvider(),
    // Practices are built side by side: a migration that lands after a later-named one still runs
    // (each touches only its own tables), rather than refusing to start a database that has the other.
    allowUnorderedMigrations: true,
    migrationTableName: "portico_migrations",
    migrationLockTableName: "portico_migrations_lock",
  });
}

/** Applies every pending migration; throws with the failing migration's name and cause. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return applied;
}

/** Names of migrations not yet applied (used to refuse serving an outdated schema). */
export async function pendingMigrations(db: Kysely<unknown>): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
