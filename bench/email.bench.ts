// Bench part `email`: inbound mail through the built-in SMTP intake (nodemailer, pooled connections,
// as a relay would deliver) and outbound notifications drained by a real worker into a local SMTP
// server. Scale: BENCH_EMAIL_MESSAGES (10,000), BENCH_EMAIL_OUTBOUND (2,000), BENCH_EMAIL_CONNECTIONS (8).
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { JOBS } from "../server/app";
import type { Deps } from "../server/deps";
import { startSmtpIntake } from "../server/modules/email-in/email-in.smtp";
import { notify } from "../server/modules/notifications/notify";
import { loadConfig } from "../server/platform/config";
import { createDb, withTx } from "../server/platform/db/db";
import { startWorker } from "../server/platform/jobs/queue";
import { closeTransports } from "../server/platform/mail/transport";
import { createMetrics } from "../server/platform/metrics";
import type { BenchPart, BenchPartContext } from "./parts";

const env = process.env;
const MESSAGES = Number(env.BENCH_EMAIL_MESSAGES ?? 10_000);
const OUTBOUND = Number(env.BENCH_EMAIL_OUTBOUND ?? 2_000);
const CONNECTIONS = Number(env.BENCH_EMAIL_CONNECTIONS ?? 8);
const SENDERS = 2_000;

function pct(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

async function sink() {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _s, cb) {
      stream.on("data", () => {});
      stream.on("end", () => {
        received++;
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    count: () => received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function run(ctx: BenchPartContext): Promise<string> {
  const out = await sink();
  const config = { ...loadConfig({ ...env, DATABASE_URL: ctx.url }), PORTICO_SMTP_URL: out.url, PORTICO_MAIL_SENDER_LIMIT_PER_HOUR: 1_000_000 };
  const { db, pool } = createDb(ctx.url, 20);
  const deps: Deps = { db, config, log: ctx.log, metrics: createMetrics(), live: null };
  try {
    const stamp = Date.now().toString(36);
    const org = await db
      .insertInto("organizations")
      .values({ name: `Mail bench ${stamp}`, slug: `mail-bench-${stamp}`, settings: "{}" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const address = `help-${stamp}@bench.example`;
    await db.insertInto("mailboxes").values({ organization_id: org.id, name: "Bench", address, kind: "smtp" }).execute();
    const intake = await startSmtpIntake(deps, { port: 0, host: "127.0.0.1" });

    // Inbound: MESSAGES new messages from SENDERS people (the first from each creates the requester).
    ctx.say(`email: ${MESSAGES} messages through the SMTP intake over ${CONNECTIONS} connections…`);
    const client = nodemailer.createTransport({
      host: "127.0.0.1",
      port: intake.port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: CONNECTIONS,
      maxMessages: Infinity,
    });
    const latencies: number[] = [];
    let next = 0;
    let failed = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS * 2 }, async () => {
        while (next < MESSAGES) {
          const i = next++;
          const from = `person${i % SENDERS}-${stamp}@customer.example`;
          const started = performance.now();
          try {
            await client.sendMail({
              from: `Person ${i % SENDERS} <${from}>`,
              to: address,
              subject: `Bench message ${i}: VPN drops`,
              messageId: `<bench-${stamp}-${i}@customer.example>`,
              text: `Hello,\n\nmessage ${i}: the VPN drops every hour since Monday.\n\nOn Mon, someone wrote:\n> earlier text\n\n-- \nPerson ${i % SENDERS}`,
            });
            latencies.push(performance.now() - started);
          } catch {
            failed++;
          }
        }
      }),
    );
    const inboundSeconds = (performance.now() - t0) / 1000;
    client.close();
    await intake.close();
    const tickets = Number(
      (
        await db
          .selectFrom("work_items")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("organization_id", "=", org.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
    latencies.sort((a, b) => a - b);
    // The acknowledgements queued by the ingest are not part of the outbound measurement.
    await sql`delete from graphile_worker._private_jobs where payload->>'organizationId' = ${org.id}`.execute(db);

    // Outbound: OUTBOUND notification events (one recipient each), dispatched and sent by a real worker.
    ctx.say(`email: ${OUTBOUND} notifications through a worker to a local SMTP server…`);
    const items = await db.selectFrom("work_items").select("id").where("organization_id", "=", org.id).limit(OUTBOUND).execute();
    await withTx(db, async (tx) => {
      for (const it of items)
        await notify(tx, { type: "work_item.status_changed", organizationId: org.id, workItemId: it.id, actorId: null, message: "bench" });
    });
    const t1 = performance.now();
    const worker = await startWorker({ pool, definitions: JOBS, deps, log: ctx.log, metrics: deps.metrics, concurrency: 8 });
    const deadline = Date.now() + 15 * 60_000;
    while (out.count() < items.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const outboundSeconds = (performance.now() - t1) / 1000;
    const sent = out.count();
    await worker.stop();
    closeTransports();
    await out.close();

    const rate = MESSAGES / inboundSeconds;
    return [
      "### Email: SMTP intake and outbound notifications (bench part `email`)",
      "",
      `In-process SMTP intake (the worker role's), nodemailer client with ${CONNECTIONS} pooled connections; each message is a new incident from one of ${SENDERS} senders (the first message of each creates the requester), quoted history and signature trimmed, raw message stored. 250 is answered after commit, so the SMTP round trip is the time until the ticket is visible to every reader.`,
      "",
      "| measure | value |",
      "|---|---|",
      `| messages sent / tickets made / failed | ${MESSAGES} / ${tickets} / ${failed} |`,
      `| inbound throughput | **${rate.toFixed(1)} messages/s** (aim ≥ 50) |`,
      `| time until visible ticket p50 / p95 / max | ${pct(latencies, 50).toFixed(0)} / ${pct(latencies, 95).toFixed(0)} / ${(latencies.at(-1) ?? 0).toFixed(0)} ms |`,
      `| outbound: notifications dispatched and delivered | ${sent} of ${items.length} in ${outboundSeconds.toFixed(1)} s = **${(sent / outboundSeconds).toFixed(1)} mails/s** (graphile-worker, concurrency 8, two jobs per mail) |`,
      "",
    ].join("\n");
  } finally {
    await db.destroy();
  }
}

export const part: BenchPart = { run };
