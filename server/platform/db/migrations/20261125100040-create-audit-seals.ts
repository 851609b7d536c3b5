import { type Kysely, sql } from "kysely";

/**
 * Seals that chain the audit trail (timeline_events, audit_events) so that an edited or deleted row is
 * detected: each seal covers a contiguous id range of one stream with a digest of its rows and the previous
 * seal's hash. The application role may add seals but never change them (see platform/db/security.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_seals (
      id bigint generated always as identity primary key,
      stream text not null check (stream in ('timeline_events', 'audit_events')),
      first_id bigint not null,
      last_id bigint not null check (last_id >= first_id),
      row_count integer not null check (row_count >= 0),
      digest text not null check (digest ~ '^[0-9a-f]{64}$'),
      prev_hash text check (prev_hash ~ '^[0-9a-f]{64}$'),
      hash text not null check (hash ~ '^[0-9a-f]{64}$'),
      sealed_at timestamptz not null default now(),
      unique (stream, first_id),
      unique (stream, last_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table audit_seals`.execute(db);
}
