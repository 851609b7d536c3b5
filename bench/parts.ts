// Benchmarks of single practices (SLA sweep, CMDB impact analysis, search, mail intake, …). Each part
// gets a migrated database of its own organizations and returns a markdown section for RESULTS.md.
// `BENCH_PARTS=sla npm run bench` runs one; `BENCH_PARTS=all` runs the foundation parts and all of these.
import type { Logger } from "../server/platform/logger";

export interface BenchPartContext {
  /** Connection string of the bench database (migrated; holds the foundation parts' data when they ran). */
  url: string;
  /** Progress lines to stderr. */
  say: (message: string) => void;
  log: Logger;
  /** Seconds each timed run should last (BENCH_SECONDS). */
  seconds: number;
}

export interface BenchPart {
  /** Runs the benchmark and returns a markdown section (### heading, table, notes). */
  run(ctx: BenchPartContext): Promise<string>;
}

// biome-ignore format: one line per part, so practices built side by side merge cleanly
export const BENCH_PARTS: Record<string, () => Promise<BenchPart>> = {
  email: () => import("./email.bench").then((m) => m.part),
  cmdb: () => import("./cmdb.bench").then((m) => m.part),
  search: () => import("./search.bench").then((m) => m.part),
  sla: () => import("./sla.bench").then((m) => m.part),
  webhooks: () => import("./webhooks.bench").then((m) => m.part),
  automation: () => import("./automation.bench").then((m) => m.part),
  reports: () => import("./reports.bench").then((m) => m.part),
};
