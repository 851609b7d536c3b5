import { z } from "zod";
import type { Deps } from "../../deps";
import { enqueueJob, type JobDefinition } from "../../platform/jobs/queue";

export const POLL_ALL_TASK = "mail.poll-imap";
export const POLL_ONE_TASK = "mail.poll-mailbox";

/** Queues one poll per active IMAP mailbox (keyed: a mailbox never has two polls waiting). */
export async function queueMailboxPoll(db: Deps["db"], mailbox: { id: string; organization_id: string }) {
  await enqueueJob(
    db,
    POLL_ONE_TASK,
    { mailboxId: mailbox.id, organizationId: mailbox.organization_id },
    { jobKey: `mail-poll:${mailbox.id}`, maxAttempts: 3 },
  );
}

/** Every minute: schedule a poll of each active IMAP mailbox (never a timer in the web process). */
export const pollAllMailboxesJob: JobDefinition<Record<string, never>, Deps> = {
  id: POLL_ALL_TASK,
  payload: z.object({}).passthrough() as never,
  cron: "* * * * *",
  maxAttempts: 1,
  handler: async () => {
    const repo = await import("./email-in.repo");
    return async (_p, deps) => {
      for (const m of await repo.listActiveImapMailboxIds(deps.db)) await queueMailboxPoll(deps.db, m);
    };
  },
};

/** Polls one IMAP mailbox (see pollMailbox). */
export const pollMailboxJob: JobDefinition<{ mailboxId: string; organizationId: string }, Deps> = {
  id: POLL_ONE_TASK,
  payload: z.object({ mailboxId: z.uuid(), organizationId: z.uuid() }),
  maxAttempts: 3,
  handler: async () => {
    const { pollMailbox } = await import("./email-in.imap");
    return async (p, deps) => {
      await pollMailbox(deps, p.mailboxId);
    };
  },
};
