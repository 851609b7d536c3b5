import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import { createGroup, createOrg, createUser } from "../../test/factories";
import { closeTestApp, testDeps, uniq } from "../../test/harness";
import { getThrottle, purgeExpired, recordFailure } from "./identity.repo";
import { createPrincipalResolver, ensureInitialAdmin } from "./identity.service";
import { API_TOKEN_PREFIX, hashSecret, newSecret } from "./tokens";

let deps: Deps;

beforeAll(() => {
  deps = testDeps();
});
afterAll(closeTestApp);

/** Throttle keys are global (not per organization): each test uses its own. */
const throttleKey = () => `email:throttle-${uniq()}@example.test`;

describe("recordFailure (login throttle)", () => {
  it("counts failures and locks the key when it reaches the maximum", async () => {
    const key = throttleKey();
    for (let i = 0; i < 2; i++) await recordFailure(deps.db, key, 3, 15, 10);
    const before = await getThrottle(deps.db, key);
    expect(before).toMatchObject({ failures: 2, locked_until: null });
    await recordFailure(deps.db, key, 3, 15, 10);
    const after = await getThrottle(deps.db, key);
    expect(after?.failures).toBe(3);
    const lockMs = new Date(after?.locked_until as Date).getTime() - Date.now();
    expect(lockMs).toBeGreaterThan(9 * 60_000);
    expect(lockMs).toBeLessThanOrEqual(10 * 60_000);
  });

  it("starts a new window once the old one is over", async () => {
    const key = throttleKey();
    for (let i = 0; i < 2; i++) await recordFailure(deps.db, key, 3, 15, 10);
    await deps.db
      .updateTable("login_throttle")
      .set({ window_started_at: new Date(Date.now() - 16 * 60_000) })
      .where("key", "=", key)
      .execute();
    await recordFailure(deps.db, key, 3, 15, 10);
    const t = await getThrottle(deps.db, key);
    expect(t?.failures).toBe(1);
    expect(t?.locked_until).toBeNull();
    expect(Date.now() - new Date(t?.window_started_at as Date).getTime()).toBeLessThan(60_000);
  });
});

describe("principal resolver", () => {
  it("resolves a live API token to its person with their groups", async () => {
    const org = await createOrg(deps);
    const g = await createGroup(deps, org.id);
    const u = await createUser(deps, org.id, "agent", { groupIds: [g.id] });
    const resolver = createPrincipalResolver(deps);
    const p = await resolver.fromApiToken(u.token);
    expect(p).toEqual({ userId: u.id, organizationId: org.id, role: "agent", name: u.name, email: u.email, groupIds: [g.id], via: "token" });
    // Use is recorded (asynchronously, at most once a minute).
    await expect
      .poll(async () => (await deps.db.selectFrom("api_tokens").select("last_used_at").where("user_id", "=", u.id).executeTakeFirstOrThrow()).last_used_at)
      .not.toBeNull();
  });

  it("refuses tokens without the prefix, overlong ones, revoked ones and those of inactive people", async () => {
    const org = await createOrg(deps);
    const resolver = createPrincipalResolver(deps);
    // A token whose hash is stored but which lacks the ptk_ prefix is never looked up.
    const u = await createUser(deps, org.id, "agent");
    const bare = newSecret();
    await deps.db
      .insertInto("api_tokens")
      .values({ user_id: u.id, organization_id: org.id, name: "bare", token_hash: hashSecret(bare), prefix: bare.slice(0, 10) })
      .execute();
    expect(await resolver.fromApiToken(bare)).toBeNull();
    expect(await resolver.fromApiToken(`${API_TOKEN_PREFIX}${"a".repeat(300)}`)).toBeNull();

    const revoked = await createUser(deps, org.id, "agent");
    await deps.db.updateTable("api_tokens").set({ revoked_at: new Date() }).where("user_id", "=", revoked.id).execute();
    expect(await resolver.fromApiToken(revoked.token)).toBeNull();

    const inactive = await createUser(deps, org.id, "agent");
    await deps.db.updateTable("users").set({ active: false }).where("id", "=", inactive.id).execute();
    expect(await resolver.fromApiToken(inactive.token)).toBeNull();
  });

  it("resolves a session only while it is live and its person active", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "requester");
    const secret = newSecret();
    await deps.db
      .insertInto("sessions")
      .values({ token_hash: hashSecret(secret), user_id: u.id, organization_id: org.id, csrf_token: "csrf-1", expires_at: new Date(Date.now() + 3600_000) })
      .execute();
    const resolver = createPrincipalResolver(deps);
    expect(await resolver.fromSession(secret)).toMatchObject({ userId: u.id, role: "requester", via: "session", csrfToken: "csrf-1", groupIds: [] });
    expect(await resolver.fromSession(`${secret}x`)).toBeNull();
    await deps.db.updateTable("users").set({ active: false }).where("id", "=", u.id).execute();
    expect(await resolver.fromSession(secret)).toBeNull();
  });
});

describe("purgeExpired", () => {
  it("drops expired sessions and stale unlocked throttles, keeping live ones", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    const session = (expires: number) =>
      deps.db
        .insertInto("sessions")
        .values({ token_hash: hashSecret(newSecret()), user_id: u.id, organization_id: org.id, csrf_token: "c", expires_at: new Date(Date.now() + expires) })
        .returning("id")
        .executeTakeFirstOrThrow();
    const expired = await session(-1000);
    const live = await session(3600_000);
    const stale = throttleKey();
    const locked = throttleKey();
    const fresh = throttleKey();
    const twoDaysAgo = new Date(Date.now() - 2 * 86400_000);
    await deps.db
      .insertInto("login_throttle")
      .values([
        { key: stale, failures: 3, window_started_at: twoDaysAgo, locked_until: null },
        { key: locked, failures: 9, window_started_at: twoDaysAgo, locked_until: new Date(Date.now() + 600_000) },
        { key: fresh, failures: 1, window_started_at: new Date(), locked_until: null },
      ])
      .execute();

    const n = await purgeExpired(deps.db);
    expect(n.sessions).toBeGreaterThanOrEqual(1);
    expect(n.throttles).toBeGreaterThanOrEqual(1);
    const sessions = await deps.db.selectFrom("sessions").select("id").where("user_id", "=", u.id).execute();
    expect(sessions.map((s) => s.id)).toEqual([live.id]);
    expect(sessions.map((s) => s.id)).not.toContain(expired.id);
    const keys = await deps.db.selectFrom("login_throttle").select("key").where("key", "in", [stale, locked, fresh]).execute();
    expect(keys.map((k) => k.key).sort()).toEqual([locked, fresh].sort());
  });
});

describe("ensureInitialAdmin", () => {
  it("does nothing when a person with that email already exists (any case)", async () => {
    const org = await createOrg(deps);
    const u = await createUser(deps, org.id, "agent");
    expect(await ensureInitialAdmin(deps, u.email.toUpperCase(), "whatever password")).toBe(false);
    const row = await deps.db.selectFrom("users").select(["role"]).where("id", "=", u.id).executeTakeFirstOrThrow();
    expect(row.role).toBe("agent");
    const sameEmail = await deps.db.selectFrom("users").select("id").where(sql<boolean>`lower(email) = ${u.email.toLowerCase()}`).execute();
    expect(sameEmail).toHaveLength(1);
  });
});
