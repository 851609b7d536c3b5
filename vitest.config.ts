import { defineConfig } from "vitest/config";

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
        test: { name: "server", include: ["server/**/*.test.ts"], exclude: ["server/**/*.unit.test.ts"] },
      },
      {
        extends: true,
        test: { name: "e2e", include: ["e2e/**/*.test.ts"], testTimeout: 90_000, maxWorkers: 1 },
      },
    ],
  },
});
