import { ImapFlow } from "imapflow";
import type { Deps } from "../../deps";
import { type IngestHooks, type IngestResult, ingestMessage } from "./email-in.ingest";
import * as repo from "./email-in.repo";
import { openSecret } from "../../platform/secrets";

/** Test seams: after a message committed, before it is flagged on the server (a crash there). */
export interface PollHooks extends IngestHooks {
  afterCommit?: (uid: number) => Promise<void> | void;
}

const BATCH = 200;

/**
 * Polls one IMAP mailbox: reads messages above the stored UID (restarting when UIDVALIDITY changes),
 * turns each into a ticket, and only after that commit flags it \Seen (or moves it) and advances the
 * cursor. A crash anywhere leaves the message unseen and the cursor behind; the next poll reads it
 * again and the unique Message-ID makes the second pass a no-op.
 */
export async function pollMailbox(deps: Deps, mailboxId: string, hooks: PollHooks = {}): Promise<IngestResult[]> {
  const box = await repo.findMailboxForPolling(deps.db, mailboxId);
  if (!box?.active || box.kind !== "imap" || !box.imap_host || !box.imap_user || !box.imap_password) return [];
  const client = new ImapFlow({
    host: box.imap_host,
    port: box.imap_port ?? (box.imap_tls ? 993 : 143),
    secure: box.imap_tls,
    auth: { user: box.imap_user, pass: openSecret(box.imap_password) },
    logger: false,
    connectionTimeout: 15_000,
    socketTimeout: 60_000,
  });
  client.on("error", (e) => deps.log.warn({ err: e, mailbox: box.id }, "imap connection error"));
  const results: IngestResult[] = [];
  try {
    await client.connect();
    const lock = await client.getMailboxLock(box.imap_folder);
    try {
      const mailbox = client.mailbox;
      if (!mailbox) throw new Error(`cannot open folder ${box.imap_folder}`);
      const validity = Number(mailbox.uidValidity);
      let last = box.imap_uid_validity === validity ? box.imap_last_uid : 0;
      if (box.imap_uid_validity !== validity) await repo.resetImapCursor(deps.db, box.id, validity);
      const found = (await client.search({ uid: `${last + 1}:*` }, { uid: true })) || [];
      const uids = found
        .filter((u) => u > last)
        .sort((a, b) => a - b)
        .slice(0, BATCH);
      for (const uid of uids) {
        const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (msg === false || !msg.source) continue;
        results.push(await ingestMessage(deps, box, msg.source, { hooks }));
        await hooks.afterCommit?.(uid);
        // Committed: now acknowledge on the server, then move the cursor.
        await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
        if (box.imap_move_to) await client.messageMove(String(uid), box.imap_move_to, { uid: true });
        await repo.saveImapCursor(deps.db, box.id, validity, uid);
        last = uid;
      }
    } finally {
      lock.release();
    }
    await repo.recordPoll(deps.db, box.id, null);
  } catch (e) {
    await repo.recordPoll(deps.db, box.id, String((e as Error)?.message ?? e).slice(0, 1000)).catch(() => {});
    throw e;
  } finally {
    await client.logout().catch(() => client.close());
  }
  return results;
}
