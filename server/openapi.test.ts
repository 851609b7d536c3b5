import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { generateOpenApi, OPENAPI_PATH } from "../scripts/write-openapi";

describe("docs/openapi.json", () => {
  it("matches the contracts (run `npm run openapi` after changing a route or schema)", async () => {
    const current = await generateOpenApi();
    const committed = fs.existsSync(OPENAPI_PATH) ? fs.readFileSync(OPENAPI_PATH, "utf8") : "";
    expect(committed === current, "docs/openapi.json is out of date: run `npm run openapi` and commit it").toBe(true);
  });

  it("documents every route with a summary and error envelope", async () => {
    const doc = JSON.parse(await generateOpenApi());
    expect(doc.openapi).toBe("3.1.0");
    const ops = Object.entries(doc.paths as Record<string, Record<string, { summary?: string; responses?: Record<string, unknown> }>>).flatMap(([p, methods]) =>
      Object.entries(methods).map(([m, op]) => ({ p, m, op })),
    );
    expect(ops.length).toBeGreaterThan(30);
    for (const { p, m, op } of ops) {
      expect(op.summary, `${m} ${p} needs a summary`).toBeTruthy();
    }
    const create = doc.paths["/api/v1/incidents"].post;
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "409"]));
  });
});
