import type { Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import * as facts from "./report-facts.repo";

/** Items changed this long before the last watermark are looked at again (transactions still open then, clock skew). */
const OVERLAP_MS = 2 * 60_000;
const FILL_SLICE = 5_000;

/**
 * The per-minute refresh of report_item_facts: every item whose row or SLA clocks changed since the last
 * run (with an overlap) is recomputed in one statement. The first run fills every item in slices.
 * One runner at a time (the state row is locked, SKIP LOCKED); returns the number of items refreshed.
 */
export async function refreshReportFacts(deps: Deps): Promise<number> {
  const state = await deps.db.selectFrom("report_refresh_state").select("watermark").where("id", "=", 1).executeTakeFirst();
  if (!state?.watermark) {
    // First fill: slices in their own transactions (idempotent upserts), then the watermark from before it began.
    // A fill can outlast a cron tick: the one that claims the state row (last_run_at) first does it.
    const started = await facts.dbNow(deps.db);
    if (!(await facts.claimFirstFill(deps.db, started))) return 0;
    let after: string | null = null;
    let n = 0;
    do {
      after = await facts.refreshFactsSlice(deps.db, after, FILL_SLICE);
      n += FILL_SLICE;
    } while (after);
    await facts.saveRefreshState(deps.db, started, n);
    return n;
  }
  return withTx(deps.db, async (tx) => {
    const locked = await facts.lockRefreshState(tx);
    if (!locked?.watermark) return 0;
    const now = await facts.dbNow(tx);
    const n = await facts.refreshFactsChangedSince(tx, new Date(locked.watermark.getTime() - OVERLAP_MS));
    await facts.saveRefreshState(tx, now, n);
    return n;
  });
}
