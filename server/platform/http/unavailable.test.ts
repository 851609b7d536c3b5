import { describe, expect, it } from "vitest";
import { buildApp } from "../../app";
import { createDb } from "../db/db";
import { testDeps } from "../../test/harness";

describe("database unavailable", () => {
  it("answers 503 with Retry-After and the error envelope, never 500 or a hang", async () => {
    const deps = testDeps();
    // Nothing listens on port 1: every query fails to connect.
    const { db } = createDb("postgres://postgres@127.0.0.1:1/none", 2);
    const app = await buildApp({ ...deps, db }, { webDist: null });
    try {
      const started = Date.now();
      const res = await app.inject({ method: "GET", url: "/api/v1/incidents", headers: { authorization: "Bearer ptk_whatever_token_value" } });
      expect(res.statusCode).toBe(503);
      expect(res.headers["retry-after"]).toBe("5");
      expect(res.json().error.code).toBe("SERVICE_UNAVAILABLE");
      expect(Date.now() - started).toBeLessThan(10_000);
      const ready = await app.inject({ method: "GET", url: "/readyz" });
      expect(ready.statusCode).toBe(503);
      const login = await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email: "a@b.test", password: "x" } });
      expect(login.statusCode).toBe(503);
    } finally {
      await app.close();
      await db.destroy();
    }
  });
});
