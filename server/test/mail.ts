import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { sql } from "kysely";
import { SMTPServer } from "smtp-server";
import { JOBS } from "../app";
import type { Deps } from "../deps";

export interface SinkMessage {
  envelopeTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

/** A real SMTP server on loopback that keeps what it receives (Portico's outgoing mail in tests). */
export async function startSmtpSink(opts: { failFirst?: number } = {}) {
  const messages: SinkMessage[] = [];
  let failures = opts.failFirst ?? 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        if (failures > 0) {
          failures--;
          const err = new Error("try again later") as Error & { responseCode: number };
          err.responseCode = 451;
          return cb(err);
        }
        const raw = Buffer.concat(chunks);
        messages.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw, parsed: await simpleParser(raw) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    /** Messages to one address. */
    to: (address: string) => messages.filter((m) => m.envelopeTo.includes(address.toLowerCase())),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Runs queued jobs of one organization (payload.organizationId) now, as the worker would, until none
 * are left — tests share one queue, so each only takes its own organization's jobs.
 */
export async function runJobs(deps: Deps, orgId: string, tasks?: string[]): Promise<number> {
  let ran = 0;
  for (let round = 0; round < 20; round++) {
    const rows = await sql<{ id: string; task_identifier: string; payload: unknown }>`
      select j.id, t.identifier as task_identifier, j.payload from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      where j.payload->>'organizationId' = ${orgId} and j.locked_at is null and j.attempts < j.max_attempts
      order by j.id`.execute(deps.db);
    const todo = rows.rows.filter((r) => !tasks || tasks.includes(r.task_identifier));
    if (!todo.length) return ran;
    for (const job of todo) {
      const def = JOBS.find((d) => d.id === job.task_identifier);
      if (!def) continue;
      const handler = await def.handler();
      try {
        await handler(def.payload.parse(job.payload), deps);
        await sql`select graphile_worker.complete_jobs(array[${job.id}]::bigint[])`.execute(deps.db);
      } catch (e) {
        // As the worker would: count the attempt and keep the job for a later round.
        await sql`update graphile_worker._private_jobs set attempts = attempts + 1, last_error = ${String(e)} where id = ${job.id}`.execute(deps.db);
      }
      ran++;
    }
  }
  return ran;
}
