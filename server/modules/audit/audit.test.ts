import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createDb, type Db } from "../../platform/db/db";
import type { App } from "../../platform/http/app";
import { createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps } from "../../test/harness";
import { sealAuditTrail, verifyAuditTrail } from "./audit.service";

const run = promisify(execFile);
let app: App;
// The schema owner: what a database administrator (or an attacker with the owner's password) could use.
let owner: Db;

beforeAll(async () => {
  app = await testApp();
  owner = createDb(inject("databaseUrl"), 2).db;
});
afterAll(async () => {
  await owner.destroy();
  await closeTestApp();
});

async function pgCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

/** A row exactly as stored (microseconds included), to put it back after a tampering test. */
async function snapshotRow(table: string, id: number): Promise<unknown> {
  const r = await sql<{ j: unknown }>`select to_jsonb(t) as j from ${sql.table(table)} t where id = ${id}`.execute(owner);
  return r.rows[0].j;
}

async function restoreRow(table: string, row: unknown): Promise<void> {
  await sql`insert into ${sql.table(table)} overriding system value
    select * from jsonb_populate_record(null::${sql.table(table)}, ${JSON.stringify(row)}::jsonb)`.execute(owner);
}

async function cli(...args: string[]) {
  const root = path.resolve(import.meta.dirname, "../../..");
  try {
    const r = await run(process.execPath, [path.join(root, "bin/portico.mjs"), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), PORTICO_LOG_LEVEL: "silent" },
      timeout: 60_000,
    });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, out: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

describe("append-only audit trail for the application's database role", () => {
  it("denies UPDATE and DELETE on timeline_events, audit_events and audit_seals, but allows INSERT", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const created = await http(app, d.agent).post("/api/v1/incidents", { title: "Append only", description: "x", impact: "low", urgency: "low" });
    expect(created.status).toBe(201);
    const who = await sql<{ u: string }>`select current_user as u`.execute(deps.db);
    expect(who.rows[0].u).toBe("portico_app");
    for (const [table, column] of [
      ["timeline_events", "kind"],
      ["audit_events", "action"],
      ["audit_seals", "digest"],
    ]) {
      expect(await pgCode(sql`update ${sql.table(table)} set ${sql.ref(column)} = ${sql.ref(column)} where false`.execute(deps.db)), table).toBe("42501");
      expect(await pgCode(sql`delete from ${sql.table(table)} where false`.execute(deps.db)), table).toBe("42501");
      expect(await pgCode(sql`truncate ${sql.table(table)}`.execute(deps.db)), table).toBe("42501");
    }
    const row = await deps.db.selectFrom("timeline_events").select(["id"]).where("work_item_id", "=", created.body.id).executeTakeFirstOrThrow();
    expect(await pgCode(deps.db.updateTable("timeline_events").set({ kind: "forged" }).where("id", "=", row.id).execute())).toBe("42501");
    expect(await pgCode(deps.db.deleteFrom("timeline_events").where("id", "=", row.id).execute())).toBe("42501");
    expect(await deps.db.selectFrom("timeline_events").select("kind").where("id", "=", row.id).executeTakeFirstOrThrow()).toEqual({ kind: "created" });
  });
});

describe("hash-chained seals and `portico audit verify`", () => {
  it("seals settled rows, verifies clean, then detects an edited and a deleted row (and passes again once restored)", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await http(app, d.agent).post("/api/v1/incidents", { title: `Sealed ${i}`, description: "x", impact: "low", urgency: "low" });
      ids.push(r.body.id);
    }
    await http(app, d.agent).post(`/api/v1/incidents/${ids[0]}/comments`, { body: "a note", visibility: "public" });
    const sealed = await sealAuditTrail(deps, { waitMs: 20_000 });
    expect(sealed.find((s) => s.stream === "timeline_events")?.deferred).toBe(false);
    const rows = await owner.selectFrom("timeline_events").selectAll().where("work_item_id", "in", ids).orderBy("id").execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const head = await owner
      .selectFrom("audit_seals")
      .select(["last_id"])
      .where("stream", "=", "timeline_events")
      .orderBy("last_id", "desc")
      .executeTakeFirstOrThrow();
    expect(head.last_id).toBeGreaterThanOrEqual(Number(rows[rows.length - 1].id));
    // Sealing twice adds nothing for rows already sealed.
    const clean = await verifyAuditTrail({ db: owner });
    expect(clean.problems).toEqual([]);
    expect(clean.ok).toBe(true);

    // Edit a sealed row as the owner (the application role cannot): detected.
    const victim = rows[0];
    await owner
      .updateTable("timeline_events")
      .set({ data: JSON.stringify({ forged: true }) as never })
      .where("id", "=", victim.id)
      .execute();
    const edited = await verifyAuditTrail({ db: owner });
    expect(edited.ok).toBe(false);
    expect(edited.problems).toEqual([expect.objectContaining({ stream: "timeline_events", problem: expect.stringContaining("edited") })]);
    expect(edited.problems[0].firstId).toBeLessThanOrEqual(Number(victim.id));
    expect(edited.problems[0].lastId).toBeGreaterThanOrEqual(Number(victim.id));
    const bad = await cli("audit", "verify");
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toMatch(/TAMPERED timeline_events seal #\d+/);
    await owner
      .updateTable("timeline_events")
      .set({ data: JSON.stringify(victim.data) as never })
      .where("id", "=", victim.id)
      .execute();
    expect((await verifyAuditTrail({ db: owner })).ok).toBe(true);
    const ok = await cli("audit", "verify");
    expect(ok.out).toContain("Audit trail verified");
    expect(ok.code).toBe(0);

    // Delete a sealed row: detected; putting it back exactly restores the chain.
    const gone = rows[rows.length - 1];
    const saved = await snapshotRow("timeline_events", Number(gone.id));
    await owner.deleteFrom("timeline_events").where("id", "=", gone.id).execute();
    const deleted = await verifyAuditTrail({ db: owner });
    expect(deleted.problems).toEqual([expect.objectContaining({ problem: expect.stringContaining("deleted") })]);
    await restoreRow("timeline_events", saved);
    expect((await verifyAuditTrail({ db: owner })).ok).toBe(true);
  }, 180_000);

  it("a removed seal breaks the chain", async () => {
    const deps = testDeps();
    const d = await createDesk(deps);
    for (let i = 0; i < 2; i++) {
      await http(app, d.agent).post("/api/v1/incidents", { title: `Chain ${i}`, description: "x", impact: "low", urgency: "low" });
      await sealAuditTrail(deps, { waitMs: 20_000 });
    }
    const seals = await owner.selectFrom("audit_seals").selectAll().where("stream", "=", "timeline_events").orderBy("last_id", "desc").limit(2).execute();
    expect(seals.length).toBe(2);
    // Rewriting history from the middle: drop the older of the two newest seals.
    const [, older] = seals;
    const saved = await snapshotRow("audit_seals", older.id);
    await owner.deleteFrom("audit_seals").where("id", "=", older.id).execute();
    try {
      const r = await verifyAuditTrail({ db: owner });
      expect(r.problems.some((p) => p.problem.includes("does not follow"))).toBe(true);
    } finally {
      await restoreRow("audit_seals", saved);
    }
    expect((await verifyAuditTrail({ db: owner })).ok).toBe(true);
  }, 120_000);
});
