import { defineConfig } from "vitest/config";

// Vitest 5's reporter uses Map.groupBy (Node ≥ 21); these machines run Node 20. The config loads in the
// main process, so a polyfill here keeps failure reports from crashing the reporter.
if (typeof (Map as { groupBy?: unknown }).groupBy !== "function") {
  (Map as unknown as { groupBy: unknown }).groupBy = <K, V>(items: Iterable<V>, key: (v: V, i: number) => K) => {
    const m = new Map<K, V[]>();
    let i = 0;
    for (const v of items) {
      const k = key(v, i++);
      const list = m.get(k);
      if (list) list.push(v);
      else m.set(k, [v]);
    }
    return m;
  };
}
if (typeof (Object as { groupBy?: unknown }).groupBy !== "function") {
  (Object as unknown as { groupBy: unknown }).groupBy = <V>(items: Iterable<V>, key: (v: V, i: number) => PropertyKey) => {
    const o: Record<PropertyKey, V[]> = Object.create(null);
    let i = 0;
    for (const v of items) {
      const k = key(v, i++);
      o[k] ??= [];
      o[k].push(v);
    }
    return o;
  };
}

// Two cores: two forks. Database tests isolate by organization, so files run in parallel safely.
export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    globalSetup: ["server/test/global-setup.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["contracts/**/*.test.ts", "server/**/*.unit.test.ts", "web/src/**/*.test.ts"] },
      },
      {
        extends: true,
        test: { name: "server", include: ["server/**/*.test.ts"], exclude: ["server/**/*.unit.test.ts", "server/reliability/**"] },
      },
      {
        extends: true,
        // Real processes and PostgreSQL servers of their own (ports 54410–54419), one file at a time.
        test: { name: "reliability", include: ["server/reliability/**/*.test.ts"], testTimeout: 180_000, maxWorkers: 1 },
      },
      {
        extends: true,
        test: { name: "e2e", include: ["e2e/**/*.test.ts"], testTimeout: 90_000, maxWorkers: 1 },
      },
    ],
  },
});
