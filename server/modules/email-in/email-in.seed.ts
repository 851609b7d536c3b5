import type { Deps } from "../../deps";
import { upsertMailSettings } from "../notifications/notification.repo";
import { ingestMessage } from "./email-in.ingest";
import * as repo from "./email-in.repo";

export const DEMO_MAILBOX = "help@acme.test";

/**
 * Demo mail: Acme's desk address on the SMTP intake (routes new tickets to the Service Desk), Acme's
 * sender, and two received messages — one that became a ticket and an auto-reply that was ignored.
 */
export async function seedEmail(deps: Deps, opts: { orgId: string; groupId: string }): Promise<void> {
  const box = await repo.insertMailbox(deps.db, opts.orgId, {
    name: "Acme IT help desk",
    address: DEMO_MAILBOX,
    kind: "smtp",
    default_group_id: opts.groupId,
  });
  await upsertMailSettings(deps.db, opts.orgId, { from_name: "Acme IT Service Desk", from_address: "it@acme.test", reply_to_address: null, enabled: true });
  const msg = (headers: string[], body: string) => Buffer.from(`${headers.join("\r\n")}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`);
  await ingestMessage(
    deps,
    box,
    msg(
      ["From: Nina Newhire <nina@acme.test>", `To: ${DEMO_MAILBOX}`, "Subject: Cannot open the expenses app", "Message-ID: <demo-nina-1@acme.test>"],
      "Hi,\n\nsince this morning the expenses app says my account is locked. Could you unlock it?\n\nThanks,\nNina\n-- \nNina Newhire\nFinance",
    ),
  );
  await ingestMessage(
    deps,
    box,
    msg(
      [
        "From: Frank Sales <frank@acme.test>",
        `To: ${DEMO_MAILBOX}`,
        "Subject: Out of office",
        "Auto-Submitted: auto-replied",
        "Message-ID: <demo-ooo-1@acme.test>",
      ],
      "I am out of the office until Monday.",
    ),
  );
}
