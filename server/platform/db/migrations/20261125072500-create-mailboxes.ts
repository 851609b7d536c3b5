import { type Kysely, sql } from "kysely";

/**
 * Inbound mail: mailboxes per organization (desk_id is the seam for desks) fed by the built-in SMTP
 * intake or polled over IMAP (UIDVALIDITY and last UID kept on the row, so a poll resumes after a crash),
 * and one row per received message: unique per organization and Message-ID (a redelivery never makes a
 * second ticket), with what became of it — ticket, comment, ignored (auto-reply, loop) or quarantined
 * with the reason — and the raw message kept as a blob.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mailboxes (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      desk_id uuid,
      name text not null check (length(name) between 1 and 120),
      address text not null check (address ~ '^[^@\\s]+@[^@\\s]+$'),
      kind text not null check (kind in ('smtp', 'imap')),
      active boolean not null default true,
      creates text not null default 'incident' check (creates in ('incident', 'request')),
      default_group_id uuid references groups(id),
      accept_unknown_senders boolean not null default true,
      imap_host text,
      imap_port integer check (imap_port between 1 and 65535),
      imap_tls boolean not null default true,
      imap_user text,
      imap_password text,
      imap_folder text not null default 'INBOX',
      imap_move_to text,
      imap_uid_validity bigint,
      imap_last_uid bigint not null default 0,
      last_polled_at timestamptz,
      last_error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (kind <> 'imap' or (imap_host is not null and imap_user is not null and imap_password is not null))
    );
    create unique index mailboxes_address_key on mailboxes (lower(address));
    create index mailboxes_org_idx on mailboxes (organization_id);

    create table inbound_messages (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      mailbox_id uuid references mailboxes(id) on delete set null,
      message_id text not null,
      from_address text,
      subject text,
      status text not null check (status in ('ticket', 'comment', 'ignored', 'quarantined')),
      reason text,
      work_item_id uuid references work_items(id) on delete set null,
      comment_id uuid references comments(id) on delete set null,
      raw_sha256 text references blobs(sha256),
      raw_size integer,
      html text,
      received_at timestamptz not null default now(),
      unique (organization_id, message_id)
    );
    create index inbound_messages_org_status_idx on inbound_messages (organization_id, status, received_at desc, id desc);
    create index inbound_messages_sender_idx on inbound_messages (organization_id, lower(from_address), received_at desc);
    create index inbound_messages_item_idx on inbound_messages (work_item_id) where work_item_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table inbound_messages, mailboxes`.execute(db);
}
