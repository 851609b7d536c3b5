import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { startDovecot } from "../../test/dovecot";
import { createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";
import { runJobs } from "../../test/mail";
import { pollMailbox } from "./email-in.imap";

let app: App;
let deps: Deps;
let dovecot: Awaited<ReturnType<typeof startDovecot>>;
const USERS = Array.from({ length: 6 }, (_, i) => ({ user: `desk${i}@imap.test`, password: `pw-${i}` }));
let nextUser = 0;

beforeAll(async () => {
  app = await testApp();
  deps = { ...testDeps(), config: { ...testDeps().config, PORTICO_MAIL_MAX_MB: 0.2 } };
  dovecot = await startDovecot(USERS);
});
afterAll(async () => {
  await dovecot?.stop();
  await closeTestApp();
});

function message(from: string, subject: string, body: string, id = `<${uniq()}.${uniq()}@mail.example>`) {
  return [`From: ${from}`, "To: desk@imap.test", `Subject: ${subject}`, `Message-ID: ${id}`, "Content-Type: text/plain; charset=utf-8", "", body, ""].join(
    "\r\n",
  );
}

/** An organization with an IMAP mailbox on the test's dovecot, created through the admin API. */
async function setup() {
  const d = await createDesk(deps);
  const u = USERS[nextUser++];
  const res = await http(app, d.admin).post("/api/v1/admin/mailboxes", {
    name: "IMAP desk",
    address: `imap-${uniq()}@acme.example`,
    kind: "imap",
    imap: { host: "127.0.0.1", port: dovecot.port, tls: false, user: u.user, password: u.password },
  });
  expect(res.status).toBe(201);
  expect(res.body.imap).toMatchObject({ host: "127.0.0.1", user: u.user, lastUid: 0 });
  expect(JSON.stringify(res.body)).not.toContain(u.password);
  return { ...d, user: u.user, mailboxId: res.body.id as string };
}

const items = (orgId: string) => deps.db.selectFrom("work_items").selectAll().where("organization_id", "=", orgId).execute();
const cursor = async (id: string) =>
  (await deps.db.selectFrom("mailboxes").select(["imap_last_uid", "imap_uid_validity"]).where("id", "=", id).executeTakeFirstOrThrow()).imap_last_uid;

describe("IMAP polling (Debian dovecot)", () => {
  it("turns new mail into tickets, flags it seen only after commit and keeps the cursor", async () => {
    const s = await setup();
    await dovecot.deliver(s.user, message(s.requester.email, "Mouse broken", "Left button sticks"));
    await dovecot.deliver(s.user, message(s.requester.email, "Monitor flickers", "Since today"));
    const results = await pollMailbox(deps, s.mailboxId);
    expect(results.map((r) => r.status)).toEqual(["ticket", "ticket"]);
    expect((await items(s.org.id)).map((i) => i.title).sort()).toEqual(["Monitor flickers", "Mouse broken"]);
    expect([...(await dovecot.flags(s.user)).values()].every((f) => f.includes("\\Seen"))).toBe(true);
    expect(Number(await cursor(s.mailboxId))).toBe(2);
    // Nothing new: the next poll reads nothing.
    expect(await pollMailbox(deps, s.mailboxId)).toEqual([]);
    const list = await http(app, s.admin).get("/api/v1/admin/mailboxes");
    expect(list.body.items[0]).toMatchObject({ lastError: null, imap: { lastUid: 2 } });
    expect(list.body.items[0].lastPolledAt).not.toBeNull();
  });

  it("leaves a message unseen when the worker dies before commit, and makes one ticket after restart", async () => {
    const s = await setup();
    await dovecot.deliver(s.user, message(s.requester.email, "Crash before commit", "x"));
    const dies = () => {
      throw Object.assign(new Error("worker killed"), { code: "ECONNRESET" });
    };
    await expect(pollMailbox(deps, s.mailboxId, { beforeCommit: dies })).rejects.toThrow("worker killed");
    expect(await items(s.org.id)).toHaveLength(0);
    expect((await dovecot.flags(s.user)).get(1)).not.toContain("\\Seen");
    expect(Number(await cursor(s.mailboxId))).toBe(0);
    const again = await pollMailbox(deps, s.mailboxId);
    expect(again.map((r) => r.status)).toEqual(["ticket"]);
    expect(await items(s.org.id)).toHaveLength(1);
    expect((await dovecot.flags(s.user)).get(1)).toContain("\\Seen");
  });

  it("makes no duplicate when the worker dies after commit but before flagging the message", async () => {
    const s = await setup();
    await dovecot.deliver(s.user, message(s.requester.email, "Crash after commit", "x"));
    await expect(
      pollMailbox(deps, s.mailboxId, {
        afterCommit: () => {
          throw new Error("worker killed after commit");
        },
      }),
    ).rejects.toThrow("worker killed after commit");
    expect(await items(s.org.id)).toHaveLength(1);
    expect((await dovecot.flags(s.user)).get(1)).not.toContain("\\Seen");
    const again = await pollMailbox(deps, s.mailboxId);
    expect(again.map((r) => r.status)).toEqual(["duplicate"]);
    expect(await items(s.org.id)).toHaveLength(1);
    expect((await dovecot.flags(s.user)).get(1)).toContain("\\Seen");
    expect(Number(await cursor(s.mailboxId))).toBe(1);
  });

  it("quarantines an oversized message without blocking the next, and a poll can be queued by an admin", async () => {
    const s = await setup();
    await dovecot.deliver(s.user, message(s.requester.email, "Huge", "x".repeat(300_000)));
    await dovecot.deliver(s.user, message(s.requester.email, "Small", "fine"));
    const results = await pollMailbox(deps, s.mailboxId);
    expect(results.map((r) => r.status)).toEqual(["quarantined", "ticket"]);
    expect(results[0].reason).toMatch(/^too large/);
    const q = await http(app, s.admin).get("/api/v1/admin/inbound-messages?status=quarantined");
    expect(q.body.items[0]).toMatchObject({ status: "quarantined", rawUrl: null });
    expect((await http(app, s.admin).post(`/api/v1/admin/inbound-messages/${q.body.items[0].id}/retry`)).status).toBe(409);
    await dovecot.deliver(s.user, message(s.requester.email, "Via the queue", "polled by the job"));
    expect((await http(app, s.admin).post(`/api/v1/admin/mailboxes/${s.mailboxId}/poll`)).status).toBe(202);
    await runJobs(deps, s.org.id, ["mail.poll-mailbox"]);
    expect((await items(s.org.id)).map((i) => i.title).sort()).toEqual(["Small", "Via the queue"]);
  });

  it("records a failed login on the mailbox for admins to see", async () => {
    const s = await setup();
    await http(app, s.admin).patch(`/api/v1/admin/mailboxes/${s.mailboxId}`, {
      imap: { host: "127.0.0.1", port: dovecot.port, tls: false, user: s.user, password: "wrong" },
    });
    await expect(pollMailbox(deps, s.mailboxId)).rejects.toThrow();
    const list = await http(app, s.admin).get("/api/v1/admin/mailboxes");
    expect(list.body.items[0].lastError).toBeTruthy();
  });
});
