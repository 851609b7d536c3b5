import { z } from "zod";

export const ZMailboxKind = z.enum(["smtp", "imap"]);

const ZImapSettings = z.object({
  /** IMAP server host name. */
  host: z.string().trim().min(1).max(255).describe("IMAP server host name"),
  /** Port: 993 with TLS, 143 without. */
  port: z.number().int().min(1).max(65535).default(993).describe("993 with TLS, 143 without"),
  /** Connect with TLS (imaps). */
  tls: z.boolean().default(true).describe("Connect with TLS"),
  user: z.string().trim().min(1).max(255).describe("Login name"),
  /** Write-only: never returned. */
  password: z.string().min(1).max(500).describe("Password (write-only, never returned)"),
  /** Folder to read. */
  folder: z.string().trim().min(1).max(200).default("INBOX").describe("Folder to read"),
  /** Folder to move processed mail to (null: leave it, flagged \Seen). */
  moveTo: z.string().trim().min(1).max(200).nullable().default(null).describe("Move processed mail here; null leaves it in place, flagged as seen"),
});

export const ZCreateMailboxRequest = z.object({
  /** Shown to admins, e.g. "IT help desk". */
  name: z.string().trim().min(1).max(120).describe('Shown to admins, e.g. "IT help desk"'),
  /** The address people write to; also the Reply-To of notifications. */
  address: z.email().describe("The address people write to; also the Reply-To of notifications"),
  /** smtp: mail routed to Portico's built-in SMTP intake; imap: Portico polls an existing mailbox. */
  kind: ZMailboxKind.describe("smtp: routed to Portico's SMTP intake; imap: Portico polls the mailbox"),
  active: z.boolean().default(true),
  /** The group new tickets from this mailbox go to. */
  defaultGroupId: z.uuid().nullable().default(null).describe("The group new tickets go to"),
  /** Create requesters for unknown senders (else their mail is quarantined). */
  acceptUnknownSenders: z.boolean().default(true).describe("Create requesters for unknown senders (else quarantine)"),
  imap: ZImapSettings.optional().describe("Required for kind imap"),
});
export type TCreateMailboxRequest = z.infer<typeof ZCreateMailboxRequest>;

export const ZUpdateMailboxRequest = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  address: z.email().optional(),
  active: z.boolean().optional(),
  defaultGroupId: z.uuid().nullable().optional(),
  acceptUnknownSenders: z.boolean().optional(),
  /** New IMAP settings; the password may be left out to keep the stored one. */
  imap: ZImapSettings.extend({ password: z.string().min(1).max(500).optional() })
    .optional()
    .describe("New IMAP settings; omit password to keep it"),
});
export type TUpdateMailboxRequest = z.infer<typeof ZUpdateMailboxRequest>;

export const ZMailbox = z
  .object({
    id: z.uuid(),
    name: z.string(),
    address: z.string(),
    kind: ZMailboxKind,
    active: z.boolean(),
    defaultGroupId: z.uuid().nullable(),
    acceptUnknownSenders: z.boolean(),
    imap: z
      .object({
        host: z.string(),
        port: z.number(),
        tls: z.boolean(),
        user: z.string(),
        folder: z.string(),
        moveTo: z.string().nullable(),
        lastUid: z.number(),
      })
      .nullable(),
    /** When Portico last polled it (IMAP). */
    lastPolledAt: z.string().nullable(),
    /** The last poll's error, if it failed. */
    lastError: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "Mailbox" });
export type TMailbox = z.infer<typeof ZMailbox>;

export const INBOUND_STATUSES = ["ticket", "comment", "ignored", "quarantined"] as const;
export const ZInboundStatus = z.enum(INBOUND_STATUSES);

export const ZInboundMessage = z
  .object({
    id: z.uuid(),
    messageId: z.string(),
    from: z.string().nullable(),
    subject: z.string().nullable(),
    /** ticket/comment: processed; ignored: machine-made or our own mail; quarantined: see reason. */
    status: ZInboundStatus,
    reason: z.string().nullable(),
    workItemNumber: z.string().nullable(),
    mailbox: z.string().nullable(),
    size: z.number().int().nullable(),
    receivedAt: z.string(),
    /** Relative URL of the raw message (message/rfc822), when kept. */
    rawUrl: z.string().nullable(),
  })
  .meta({ id: "InboundMessage" });
export const ZInboundPage = z.object({ items: z.array(ZInboundMessage), nextCursor: z.string().nullable() }).meta({ id: "InboundMessagePage" });
export const ZListInboundQuery = z.object({
  status: ZInboundStatus.optional().describe("Only messages with this outcome, e.g. quarantined"),
  limit: z.coerce.number().int().min(1).max(100).default(50).describe("Page size (1–100)"),
  cursor: z.string().max(200).optional().describe("Opaque cursor from the previous page"),
});
export const ZRetryResult = z
  .object({
    status: z.enum(["ticket", "comment", "ignored", "quarantined", "duplicate"]),
    reason: z.string().nullable(),
    workItemNumber: z.string().nullable(),
  })
  .meta({ id: "InboundRetryResult" });
