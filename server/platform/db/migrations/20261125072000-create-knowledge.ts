import { type Kysely, sql } from "kysely";

/**
 * Knowledge base (articles, categories, versions, attachments, feedback, links to work items,
 * deflection events) and the indexes search everywhere needs (comments' text, people's names).
 * `desk_id` is a seam for the desks of the self-service issue: nullable, constrained once desks exist.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create sequence kb_article_number as bigint start 1001;

    create table kb_categories (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      parent_id uuid references kb_categories(id),
      name text not null check (length(name) between 1 and 120),
      description text not null default '',
      created_at timestamptz not null default now()
    );
    create unique index kb_categories_org_name_key
      on kb_categories (organization_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));

    create table kb_articles (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      desk_id uuid,
      number text not null unique,
      category_id uuid references kb_categories(id),
      title text not null check (length(title) between 1 and 300),
      summary text not null default '' check (length(summary) <= 1000),
      body_html text not null default '',
      body_text text not null default '',
      audience text not null check (audience in ('public', 'internal')),
      language text not null check (language ~ '^[a-z]{2}$'),
      ts_config regconfig not null,
      state text not null check (state in ('draft', 'review', 'published', 'retired')),
      author_id uuid references users(id),
      reviewer_id uuid references users(id),
      revision integer not null default 1,
      version integer not null default 1,
      review_at date,
      expires_at date,
      review_reminded_at timestamptz,
      published_at timestamptz,
      retired_at timestamptz,
      source_work_item_id uuid references work_items(id) on delete set null,
      view_count bigint not null default 0,
      helpful_count integer not null default 0,
      not_helpful_count integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      search tsvector generated always as (
        setweight(to_tsvector('simple', number), 'A') ||
        setweight(to_tsvector(ts_config, title), 'A') ||
        setweight(to_tsvector(ts_config, summary), 'B') ||
        setweight(to_tsvector(ts_config, left(body_text, 200000)), 'C')
      ) stored
    );
    create index kb_articles_org_state_idx on kb_articles (organization_id, state, updated_at desc);
    create index kb_articles_search_idx on kb_articles using gin (search);
    create index kb_articles_title_trgm on kb_articles using gin (title gin_trgm_ops);
    create index kb_articles_review_idx on kb_articles (review_at) where state = 'published' and review_reminded_at is null;

    create table kb_article_versions (
      article_id uuid not null references kb_articles(id) on delete cascade,
      revision integer not null,
      organization_id uuid not null references organizations(id),
      title text not null,
      summary text not null,
      body_html text not null,
      author_id uuid references users(id),
      note text not null default '',
      created_at timestamptz not null default now(),
      primary key (article_id, revision)
    );

    create table kb_article_attachments (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      article_id uuid not null references kb_articles(id) on delete cascade,
      blob_sha256 text not null references blobs(sha256),
      filename text not null check (length(filename) between 1 and 255),
      content_type text not null,
      size bigint not null,
      uploaded_by_id uuid references users(id),
      created_at timestamptz not null default now()
    );
    create index kb_article_attachments_article_idx on kb_article_attachments (article_id, created_at);

    create table kb_feedback (
      article_id uuid not null references kb_articles(id) on delete cascade,
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      helpful boolean not null,
      comment text not null default '' check (length(comment) <= 2000),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (article_id, user_id)
    );

    create table kb_article_links (
      article_id uuid not null references kb_articles(id) on delete cascade,
      work_item_id uuid not null references work_items(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      kind text not null default 'resolved_with' check (kind in ('resolved_with', 'related_to', 'created_from')),
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      primary key (article_id, work_item_id)
    );
    create index kb_article_links_item_idx on kb_article_links (work_item_id);

    create table kb_deflection_events (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations(id),
      user_id uuid not null references users(id) on delete cascade,
      journey_id uuid not null,
      kind text not null check (kind in ('suggested', 'viewed', 'solved', 'ticket_created')),
      article_id uuid references kb_articles(id) on delete set null,
      query text not null default '',
      created_at timestamptz not null default now()
    );
    create index kb_deflection_events_org_idx on kb_deflection_events (organization_id, created_at);
    create index kb_deflection_events_journey_idx on kb_deflection_events (journey_id);

    -- Search everywhere: comments get a stored vector (rechecks and ranking never re-parse bodies).
    alter table comments add column search tsvector generated always as (to_tsvector('english', body)) stored;
    create index comments_search_idx on comments using gin (search);
    create index users_email_trgm on users using gin (email gin_trgm_ops);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index users_email_trgm, comments_search_idx;
    alter table comments drop column search;
    drop table kb_deflection_events, kb_article_links, kb_feedback, kb_article_attachments, kb_article_versions, kb_articles, kb_categories;
    drop sequence kb_article_number;
  `.execute(db);
}
