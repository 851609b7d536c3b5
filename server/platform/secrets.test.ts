import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk } from "../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../test/harness";
import type { App } from "./http/app";
import { configureSecrets, isSealed, openSecret, parseSecretKey, sealLegacySecrets, sealSecret } from "./secrets";

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(closeTestApp);

describe("secrets at rest", () => {
  it("seals with a fresh nonce each time, opens what it sealed, and refuses a tampered value", () => {
    const a = sealSecret("hunter2-imap");
    const b = sealSecret("hunter2-imap");
    expect(a).not.toEqual(b);
    expect(a).not.toContain("hunter2");
    expect(isSealed(a)).toBe(true);
    expect(openSecret(a)).toBe("hunter2-imap");
    const raw = Buffer.from(a.slice("enc:v1:".length), "base64");
    raw[raw.length - 1] ^= 1;
    expect(() => openSecret(`enc:v1:${raw.toString("base64")}`)).toThrow(/cannot be opened/);
    // A value stored before sealing existed reads as it is.
    expect(openSecret("legacy-plain")).toBe("legacy-plain");
  });

  it("needs the same key to open: another key gives a clear error, not garbage", () => {
    const sealed = sealSecret("bind-password");
    const saved = process.env.PORTICO_SECRET_KEY;
    configureSecrets({ key: randomBytes(32).toString("hex"), dataDir: "/nonexistent" });
    expect(() => openSecret(sealed)).toThrow(/PORTICO_SECRET_KEY/);
    configureSecrets({ key: saved, dataDir: process.env.PORTICO_DATA_DIR ?? "data" });
    expect(openSecret(sealed)).toBe("bind-password");
    expect(() => parseSecretKey("too-short")).toThrow(/32 bytes/);
  });

  it("stores an IMAP password sealed, and seals values written before encryption at rest", async () => {
    const d = await createDesk(testDeps());
    const created = await http(app, d.admin).post("/api/v1/admin/mailboxes", {
      name: "Imap",
      address: `imap-${uniq()}@acme.example`,
      kind: "imap",
      imap: { host: "imap.acme.example", port: 993, tls: true, user: "help", password: "s3cret-imap-pass", folder: "INBOX" },
    });
    expect(created.status).toBe(201);
    const db = testDeps().db;
    const row = await db.selectFrom("mailboxes").select("imap_password").where("id", "=", created.body.id).executeTakeFirstOrThrow();
    expect(row.imap_password).not.toContain("s3cret");
    expect(openSecret(row.imap_password ?? "")).toBe("s3cret-imap-pass");
    expect(JSON.stringify(created.body)).not.toContain("s3cret");

    await db.updateTable("mailboxes").set({ imap_password: "plain-legacy" }).where("id", "=", created.body.id).execute();
    expect(await sealLegacySecrets(db)).toBeGreaterThanOrEqual(1);
    const after = await db.selectFrom("mailboxes").select("imap_password").where("id", "=", created.body.id).executeTakeFirstOrThrow();
    expect(isSealed(after.imap_password ?? "")).toBe(true);
    expect(openSecret(after.imap_password ?? "")).toBe("plain-legacy");
  });
});
