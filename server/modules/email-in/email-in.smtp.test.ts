import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { closeTransports } from "../../platform/mail/transport";
import { createDesk } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";
import { runJobs, startSmtpSink } from "../../test/mail";
import { type SmtpIntake, startSmtpIntake } from "./email-in.smtp";

let app: App;
let deps: Deps;
let intake: SmtpIntake;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let failNext = 0;

beforeAll(async () => {
  app = await testApp();
  sink = await startSmtpSink();
  deps = { ...testDeps(), config: { ...testDeps().config, PORTICO_SMTP_URL: sink.url, PORTICO_MAIL_MAX_MB: 0.2, PORTICO_MAIL_SENDER_LIMIT_PER_HOUR: 5 } };
  intake = await startSmtpIntake(deps, {
    port: 0,
    host: "127.0.0.1",
    hooks: {
      beforeCommit: () => {
        // The database connection drops just before commit: nothing is stored, the sender must retry.
        if (failNext-- > 0) throw Object.assign(new Error("connection reset"), { code: "ECONNRESET" });
      },
    },
  });
});
afterAll(async () => {
  await intake.close();
  closeTransports();
  await sink.close();
  await closeTestApp();
});

/** A real SMTP client (nodemailer) talking to the intake. */
async function send(raw: string | Buffer, from: string, to: string[]) {
  const t = nodemailer.createTransport({ host: "127.0.0.1", port: intake.port, secure: false, ignoreTLS: true });
  try {
    return await t.sendMail({ envelope: { from, to }, raw });
  } finally {
    t.close();
  }
}

function message(h: { from: string; to: string; subject: string; id?: string; extra?: string }, body: string) {
  return [
    `From: ${h.from}`,
    `To: ${h.to}`,
    `Subject: ${h.subject}`,
    `Message-ID: ${h.id ?? `<${uniq()}.${uniq()}@mail.example>`}`,
    "Date: Wed, 25 Nov 2026 08:00:00 +0000",
    "MIME-Version: 1.0",
    ...(h.extra ? [h.extra] : []),
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
    "",
  ].join("\r\n");
}

async function setup() {
  const d = await createDesk(deps);
  const address = `help-${uniq()}@acme.example`;
  const box = await http(app, d.admin).post("/api/v1/admin/mailboxes", { name: "IT help", address, kind: "smtp", defaultGroupId: d.group.id });
  expect(box.status).toBe(201);
  return { ...d, address, mailbox: box.body };
}

async function items(orgId: string) {
  return deps.db.selectFrom("work_items").selectAll().where("organization_id", "=", orgId).orderBy("created_at").execute();
}
async function inbound(orgId: string) {
  return deps.db.selectFrom("inbound_messages").selectAll().where("organization_id", "=", orgId).orderBy("received_at").execute();
}

describe("SMTP intake (real SMTP client and server)", () => {
  it("turns a new message from an unknown sender into a ticket, keeps attachments and the raw message, and acknowledges it", async () => {
    const s = await setup();
    const sender = `carol-${uniq()}@customer.example`;
    const t = nodemailer.createTransport({ host: "127.0.0.1", port: intake.port, secure: false, ignoreTLS: true });
    const info = await t.sendMail({
      from: `Carol Customer <${sender}>`,
      to: s.address,
      subject: "Laptop will not boot",
      text: "It shows a black screen.\n\n-- \nCarol\nCustomer Inc.",
      html: '<p>It shows a <b>black</b> screen.<script>alert(1)</script><img src="cid:shot@x"></p>',
      attachments: [
        { filename: "error.txt", content: "E42" },
        { filename: "shot.png", cid: "shot@x", content: Buffer.from("89504e470d0a1a0a", "hex"), contentType: "image/png" },
      ],
    });
    t.close();
    expect(info.response).toMatch(/^250/);
    const [item] = await items(s.org.id);
    expect(item).toMatchObject({ title: "Laptop will not boot", channel: "email", assignment_group_id: s.group.id, state: "new" });
    expect(item.description).toBe("It shows a black screen.");
    const requester = await deps.db.selectFrom("users").selectAll().where("id", "=", item.requester_id).executeTakeFirstOrThrow();
    expect(requester).toMatchObject({ email: sender, name: "Carol Customer", role: "requester", organization_id: s.org.id });
    const files = await deps.db
      .selectFrom("attachments")
      .select(["filename", "content_type"])
      .where("work_item_id", "=", item.id)
      .orderBy("filename")
      .execute();
    expect(files).toEqual([
      { filename: "error.txt", content_type: "text/plain" },
      { filename: "shot.png", content_type: "image/png" },
    ]);
    const [msg] = await inbound(s.org.id);
    expect(msg).toMatchObject({ status: "ticket", work_item_id: item.id, from_address: sender });
    expect(msg.html).toContain("<b>black</b>");
    expect(msg.html).not.toContain("script");
    const raw = await http(app, s.admin).get(`/api/v1/admin/inbound-messages/${msg.id}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.headers["content-type"]).toBe("message/rfc822");
    expect(raw.raw.body).toContain("Laptop will not boot");
    // The acknowledgement: ticket number in the subject, replies go to the desk's mailbox.
    await runJobs(deps, s.org.id);
    const ack = sink.to(sender);
    expect(ack).toHaveLength(1);
    expect(ack[0].parsed.subject).toBe(`[${item.number}] Received: Laptop will not boot`);
    expect(ack[0].parsed.replyTo?.text).toBe(s.address);
  });

  it("threads replies by In-Reply-To and by the number in the subject, trimming quoted history", async () => {
    const s = await setup();
    const sender = s.requester.email;
    await send(message({ from: sender, to: s.address, subject: "Printer offline" }, "Floor 3 printer is offline."), sender, [s.address]);
    const [item] = await items(s.org.id);
    await runJobs(deps, s.org.id);
    const ack = sink.to(sender).find((m) => m.parsed.subject?.includes(item.number));
    expect(ack).toBeDefined();
    // A reply to the acknowledgement, with the usual quoted history.
    await send(
      message(
        {
          from: sender,
          to: s.address,
          subject: `Re: ${ack?.parsed.subject}`,
          extra: `In-Reply-To: ${ack?.parsed.messageId}\r\nReferences: ${ack?.parsed.messageId}`,
        },
        `It is back online, thanks.\r\n\r\nOn Wed, 25 Nov 2026, IT <${s.address}> wrote:\r\n> ${item.number} has been recorded`,
      ),
      sender,
      [s.address],
    );
    // A reply that only carries the number in its subject.
    await send(message({ from: sender, to: s.address, subject: `AW: [${item.number}] Printer offline` }, "One more thing: it is the colour one."), sender, [
      s.address,
    ]);
    expect(await items(s.org.id)).toHaveLength(1);
    const comments = await deps.db
      .selectFrom("comments")
      .select(["body", "visibility", "author_id"])
      .where("work_item_id", "=", item.id)
      .orderBy("created_at")
      .execute();
    expect(comments).toEqual([
      { body: "It is back online, thanks.", visibility: "public", author_id: s.requester.id },
      { body: "One more thing: it is the colour one.", visibility: "public", author_id: s.requester.id },
    ]);
    expect((await inbound(s.org.id)).map((m) => m.status)).toEqual(["ticket", "comment", "comment"]);
    const tl = await http(app, s.agent).get(`/api/v1/incidents/${item.number}/timeline`);
    expect(tl.body.items.filter((e: { kind: string }) => e.kind === "comment_added")).toHaveLength(2);
  });

  it("reopens a resolved incident when its requester replies to the resolution", async () => {
    const s = await setup();
    const sender = s.requester.email;
    await send(message({ from: sender, to: s.address, subject: "Wi-Fi slow" }, "Very slow on floor 2."), sender, [s.address]);
    const [item] = await items(s.org.id);
    const resolved = await http(app, s.agent).post(`/api/v1/incidents/${item.number}/transitions`, {
      action: "resolve",
      resolutionCode: "solved_permanently",
      resolutionNotes: "Replaced the access point",
    });
    expect(resolved.body.state).toBe("resolved");
    await runJobs(deps, s.org.id);
    const mail = sink.to(sender).find((m) => m.parsed.subject?.startsWith(`[${item.number}] Resolved`));
    expect(mail).toBeDefined();
    await send(
      message({ from: sender, to: s.address, subject: `Re: ${mail?.parsed.subject}`, extra: `In-Reply-To: ${mail?.parsed.messageId}` }, "Still slow, sorry."),
      sender,
      [s.address],
    );
    const after = await http(app, s.agent).get(`/api/v1/incidents/${item.number}`);
    expect(after.body.state).toBe("in_progress");
    const tl = await http(app, s.agent).get(`/api/v1/incidents/${item.number}/timeline`);
    expect(tl.body.items.at(-1)).toMatchObject({ kind: "state_changed", data: { action: "reopen", reason: "The requester replied by email" } });
  });

  it("never makes two tickets from one message delivered twice, even at the same time", async () => {
    const s = await setup();
    const raw = message({ from: s.requester.email, to: s.address, subject: "Duplicate me", id: `<dup-${uniq()}@mail.example>` }, "Once only");
    const [a, b] = await Promise.all([send(raw, s.requester.email, [s.address]), send(raw, s.requester.email, [s.address])]);
    expect(a.response).toMatch(/^250/);
    expect(b.response).toMatch(/^250/);
    await send(raw, s.requester.email, [s.address]);
    expect(await items(s.org.id)).toHaveLength(1);
    expect(await inbound(s.org.id)).toHaveLength(1);
  });

  it("ignores auto-replies, bounces and our own mail: no ticket, no acknowledgement", async () => {
    const s = await setup();
    const from = s.requester.email;
    await send(message({ from, to: s.address, subject: "Out of office", extra: "Auto-Submitted: auto-replied" }, "I am away"), from, [s.address]);
    await send(message({ from, to: s.address, subject: "Newsletter", extra: "Precedence: bulk" }, "News"), from, [s.address]);
    await send(message({ from: `MAILER-DAEMON@mx.example`, to: s.address, subject: "Undeliverable" }, "Delivery failed"), "", [s.address]);
    // Our own notification, looped back to the desk address (e.g. a requester's forwarding rule).
    await send(message({ from, to: s.address, subject: "Hello" }, "first"), from, [s.address]);
    await runJobs(deps, s.org.id);
    const [own] = await deps.db.selectFrom("mail_deliveries").select("message_id").where("organization_id", "=", s.org.id).execute();
    await send(message({ from, to: s.address, subject: "Looped", id: own.message_id }, "loop"), from, [s.address]);
    await send(message({ from: s.address, to: s.address, subject: "From ourselves" }, "loop"), s.address, [s.address]);
    const msgs = await inbound(s.org.id);
    expect(msgs.map((m) => [m.status, m.reason])).toEqual([
      ["ignored", "Auto-Submitted: auto-replied"],
      ["ignored", "Precedence: bulk"],
      ["ignored", "delivery report from mailer-daemon@mx.example"],
      ["ticket", null],
      ["ignored", "our own mail came back (loop)"],
      ["ignored", "our own mail came back (loop)"],
    ]);
    expect(await items(s.org.id)).toHaveLength(1);
    await runJobs(deps, s.org.id);
    expect(
      await deps.db.selectFrom("mail_deliveries").select("id").where("organization_id", "=", s.org.id).where("to_address", "=", from).execute(),
    ).toHaveLength(1);
  });

  it("stops a sender who loops: past the hourly limit their mail is quarantined", async () => {
    const s = await setup();
    const from = `loop-${uniq()}@bot.example`;
    for (let i = 0; i < 7; i++) await send(message({ from, to: s.address, subject: `Alert ${i}` }, "disk full"), from, [s.address]);
    expect(await items(s.org.id)).toHaveLength(5);
    const q = await http(app, s.admin).get("/api/v1/admin/inbound-messages?status=quarantined");
    expect(q.body.items).toHaveLength(2);
    expect(q.body.items[0].reason).toBe(`rate limit: 5 messages in the last hour from ${from}`);
  });

  it("quarantines a poison message with its reason and goes on with the next; refuses oversized mail and unknown addresses", async () => {
    const s = await setup();
    const from = s.requester.email;
    // A NUL byte cannot be stored in PostgreSQL text: processing fails, the message is kept aside.
    const poison = message({ from, to: s.address, subject: "Poison \u0000 pill" }, "bad");
    expect((await send(poison, from, [s.address])).response).toMatch(/^250/);
    await send(message({ from, to: s.address, subject: "Healthy" }, "fine"), from, [s.address]);
    const msgs = await inbound(s.org.id);
    expect(msgs[0]).toMatchObject({ status: "quarantined", subject: "Poison  pill" });
    expect(msgs[0].reason).toMatch(/^processing failed: /);
    expect(msgs[1]).toMatchObject({ status: "ticket" });
    expect((await items(s.org.id)).map((i) => i.title)).toEqual(["Healthy"]);
    const list = await http(app, s.admin).get("/api/v1/admin/inbound-messages?status=quarantined");
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ status: "quarantined", mailbox: "IT help" });
    // Too large for the intake (limit 0.2 MB here): refused while streaming.
    await expect(send(message({ from, to: s.address, subject: "Huge" }, "x".repeat(300_000)), from, [s.address])).rejects.toMatchObject({ responseCode: 552 });
    await expect(send(message({ from, to: "nobody@acme.example", subject: "Hi" }, "x"), from, ["nobody@acme.example"])).rejects.toMatchObject({
      responseCode: 550,
    });
    expect(await items(s.org.id)).toHaveLength(1);
  });

  it("answers 451 when the write fails before commit, so the sender retries and exactly one ticket results", async () => {
    const s = await setup();
    const raw = message({ from: s.requester.email, to: s.address, subject: "Retry me" }, "please");
    failNext = 1;
    await expect(send(raw, s.requester.email, [s.address])).rejects.toMatchObject({ responseCode: 451 });
    expect(await items(s.org.id)).toHaveLength(0);
    expect(await inbound(s.org.id)).toHaveLength(0);
    expect((await send(raw, s.requester.email, [s.address])).response).toMatch(/^250/);
    expect(await items(s.org.id)).toHaveLength(1);
  });
});
