import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface MailboxesTable {
  id: Generated<string>;
  organization_id: string;
  /** Seam for desks: null serves the whole organization. */
  desk_id: string | null;
  name: string;
  address: string;
  kind: "smtp" | "imap";
  active: Generated<boolean>;
  creates: Generated<"incident" | "request">;
  default_group_id: string | null;
  accept_unknown_senders: Generated<boolean>;
  imap_host: string | null;
  imap_port: number | null;
  imap_tls: Generated<boolean>;
  imap_user: string | null;
  imap_password: string | null;
  imap_folder: Generated<string>;
  imap_move_to: string | null;
  imap_uid_validity: number | null;
  imap_last_uid: Generated<number>;
  last_polled_at: NullableTimestamp;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type InboundStatus = "ticket" | "comment" | "ignored" | "quarantined";

export interface InboundMessagesTable {
  id: Generated<string>;
  organization_id: string;
  mailbox_id: string | null;
  message_id: string;
  from_address: string | null;
  subject: string | null;
  status: InboundStatus;
  reason: string | null;
  work_item_id: string | null;
  comment_id: string | null;
  raw_sha256: string | null;
  raw_size: number | null;
  html: string | null;
  received_at: Timestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    mailboxes: MailboxesTable;
    inbound_messages: InboundMessagesTable;
  }
}
