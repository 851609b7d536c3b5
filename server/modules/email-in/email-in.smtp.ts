import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { Deps } from "../../deps";
import { type IngestHooks, type IngestResult, ingestMessage } from "./email-in.ingest";
import * as repo from "./email-in.repo";

export interface SmtpIntake {
  port: number;
  close(): Promise<void>;
}

/** Mailboxes found for this SMTP transaction's recipients (kept on the session between RCPT and DATA). */
function sessionBoxes(session: object): Map<string, repo.MailboxRow> {
  const s = session as { porticoBoxes?: Map<string, repo.MailboxRow> };
  s.porticoBoxes ??= new Map();
  return s.porticoBoxes;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The built-in SMTP intake (worker role): accepts mail for active SMTP mailboxes only, and answers 250
 * only once each message's ticket (or its quarantine record) has committed — a temporary failure
 * answers 451 so the sending server retries. Oversized messages are refused with 552 while streaming.
 */
export async function startSmtpIntake(
  deps: Deps,
  opts: { port: number; host: string; onIngest?: (r: IngestResult) => void; hooks?: IngestHooks },
): Promise<SmtpIntake> {
  const maxBytes = Math.floor(deps.config.PORTICO_MAIL_MAX_MB * 1024 * 1024);
  const server = new SMTPServer({
    name: "portico",
    banner: "Portico mail intake",
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: maxBytes,
    logger: false,
    maxClients: 64,
    socketTimeout: 60_000,
    async onRcptTo(address, session, cb) {
      try {
        const box = await repo.findActiveMailboxByAddress(deps.db, address.address);
        if (box?.kind !== "smtp") return cb(smtpError(550, `No mailbox here for ${address.address}`));
        // Remember the mailbox for this transaction: the data phase needs no second lookup.
        sessionBoxes(session).set(address.address.toLowerCase(), box);
        cb();
      } catch (e) {
        deps.log.error({ err: e }, "smtp intake: mailbox lookup failed");
        cb(smtpError(451, "Temporary failure, try again later"));
      }
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", (e) => cb(e));
      stream.on("end", async () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded)
          return cb(smtpError(552, `Message exceeds the ${deps.config.PORTICO_MAIL_MAX_MB} MB limit`));
        const raw = Buffer.concat(chunks);
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
        try {
          const seen = new Set<string>();
          for (const rcpt of session.envelope.rcptTo) {
            const box = sessionBoxes(session).get(rcpt.address.toLowerCase());
            // One message to two addresses of one organization is still one ticket (unique Message-ID).
            if (!box || seen.has(box.id)) continue;
            seen.add(box.id);
            const r = await ingestMessage(deps, box, raw, { envelopeFrom, hooks: opts.hooks });
            opts.onIngest?.(r);
          }
          cb(null, "Queued as ticket");
        } catch (e) {
          deps.log.error({ err: e }, "smtp intake: message not stored, asking the sender to retry");
          cb(smtpError(451, "Temporary failure, try again later"));
        }
      });
    },
  });
  server.on("error", (e) => deps.log.error({ err: e }, "smtp intake error"));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  deps.log.info({ port, host: opts.host }, "SMTP intake listening");
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
