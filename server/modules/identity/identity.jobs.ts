import { z } from "zod";
import type { Deps } from "../../deps";
import type { JobDefinition } from "../../platform/jobs/queue";

/** Hourly: drops expired sessions, sign-in challenges and SSO states, day-old idempotency records and stale login throttles. */
export const purgeExpiredJob: JobDefinition<Record<string, unknown>, Deps> = {
  id: "identity.purge-expired",
  payload: z.record(z.string(), z.unknown()),
  cron: "17 * * * *",
  handler: async () => {
    const { purgeExpired } = await import("./identity.repo");
    const { purgeExpiredChallenges } = await import("./mfa.repo");
    return async (_p, deps) => {
      const n = await purgeExpired(deps.db);
      const challenges = await purgeExpiredChallenges(deps.db);
      deps.log.info({ ...n, challenges }, "purged expired sessions and keys");
    };
  },
};

/** Every 15 minutes: synchronises each directory whose scheduled sync is on (one failing directory does not stop the others). */
export const directorySyncJob: JobDefinition<Record<string, unknown>, Deps> = {
  id: "identity.directory-sync",
  payload: z.record(z.string(), z.unknown()),
  cron: "*/15 * * * *",
  maxAttempts: 1,
  handler: async () => {
    const { listSyncedDirectories } = await import("./ldap.repo");
    const { syncDirectory } = await import("./ldap.service");
    return async (_p, deps) => {
      for (const d of await listSyncedDirectories(deps.db)) {
        try {
          const r = await syncDirectory(deps, d.organization_id, d.id);
          deps.log.info({ directory: d.id, ...r, skipped: r.skipped.length }, "directory synced");
        } catch (err) {
          deps.log.warn({ err, directory: d.id }, "directory sync failed");
        }
      }
    };
  },
};
