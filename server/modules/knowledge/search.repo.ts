import { type RawBuilder, sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";

/** A text query as PostgreSQL will run it: websearch syntax, or words ANDed/ORed with a prefix on the last. */
export interface TextQuery {
  mode: "websearch" | "words";
  /** websearch: the user's text; words: a to_tsquery expression built from letters and digits only. */
  text: string;
}

/** The tsquery for one text search configuration (never fails on user input: see TextQuery). */
export function tsq(q: TextQuery, config: string | RawBuilder<unknown>): RawBuilder<unknown> {
  const cfg = typeof config === "string" ? sql`${config}::regconfig` : config;
  return q.mode === "websearch" ? sql`websearch_to_tsquery(${cfg}, ${q.text})` : sql`to_tsquery(${cfg}, ${q.text})`;
}

// ts_headline marks matches with these private-use characters; the service turns them into parts.
export const MARK_START = "\uE000";
export const MARK_END = "\uE001";
const HEADLINE_OPTS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

export interface Scope {
  orgId: string;
  /** Set for requesters: only their own or watched items, public comments (mirrors work-item.policy canView). */
  requesterId: string | null;
  /** A requester who sees every item of the organization (still public comments and articles only). */
  wholeOrganization?: boolean;
  types?: string[];
  states?: string[];
  limit: number;
}

/** How many newest matches are ranked; past this, older matches of very common words are not ranked. */
export const RANK_WINDOW = 300;

/** Above this share of a table's rows a word counts as common (see `isCommon`). */
export const COMMON_SHARE = 0.01;

const STATS_TTL_MS = 10 * 60_000;
const statsCache = new Map<string, { at: number; freq: Map<string, number> }>();

/** The table's most common lexemes with the share of rows holding each (ANALYZE's statistics), cached. */
async function commonLexemes(db: DbOrTx, table: string): Promise<Map<string, number>> {
  const hit = statsCache.get(table);
  if (hit && Date.now() - hit.at < STATS_TTL_MS) return hit.freq;
  const r = await sql<{ elems: string[] | null; freqs: number[] | null }>`
    select most_common_elems::text::text[] as elems, most_common_elem_freqs as freqs
    from pg_stats where schemaname = current_schema() and tablename = ${table} and attname = 'search'`.execute(db);
  const freq = new Map<string, number>();
  const row = r.rows[0];
  if (row?.elems && row.freqs) for (const [i, lex] of row.elems.entries()) freq.set(lex, Number(row.freqs[i] ?? 0));
  statsCache.set(table, { at: Date.now(), freq });
  return freq;
}

/**
 * Is the text common in this table, by ANALYZE's statistics (nothing is read)? It picks the plan: a
 * common word walks the organization's rows newest first and stops after RANK_WINDOW hits; a rare one
 * goes through the GIN index. Left to itself the planner walks for rare words too (a word missing from
 * the statistics is guessed at 0.5% of the table, a prefix at 2%) and then reads every row to find a
 * handful. A typed prefix counts as the sum of the common words it starts; words ANDed multiply. Web-search syntax (phrases, or, -word) is left to the planner's estimate.
 */
export async function isCommon(db: DbOrTx, table: "work_items" | "comments", q: TextQuery): Promise<boolean> {
  if (q.mode === "websearch") {
    const [plan, total] = await Promise.all([
      sql<{
        "QUERY PLAN": Array<{ Plan: { "Plan Rows": number } }>;
      }>`explain (format json) select 1 from ${sql.table(table)} where search @@ ${tsq(q, "english")}`.execute(db),
      sql<{ n: number }>`select greatest(reltuples, 1)::float8 as n from pg_class where oid = ${table}::regclass`.execute(db),
    ]);
    return (plan.rows[0]?.["QUERY PLAN"]?.[0]?.Plan?.["Plan Rows"] ?? 0) / (total.rows[0]?.n ?? 1) > COMMON_SHARE;
  }
  const [normal, freq] = await Promise.all([sql<{ q: string }>`select ${tsq(q, "english")}::text as q`.execute(db), commonLexemes(db, table)]);
  const terms = [...(normal.rows[0]?.q ?? "").matchAll(/'((?:[^']|'')*)'(:\*)?/g)].map((m) => ({ lex: m[1].replace(/''/g, "'"), prefix: Boolean(m[2]) }));
  if (!terms.length) return false;
  const share = (t: { lex: string; prefix: boolean }) => {
    if (!t.prefix) return freq.get(t.lex) ?? 0;
    let sum = 0;
    for (const [lex, f] of freq) if (lex.startsWith(t.lex)) sum += f;
    return sum;
  };
  // Words ANDed: their shares multiply (taken as independent), so two common words can make a rare pair.
  return terms.map(share).reduce((a, b) => a * b, 1) > COMMON_SHARE;
}

// Sorting by an expression no index provides keeps the planner on the GIN bitmap (then a top-N sort).
const newestFirst = (col: string, walk: boolean) => (walk ? sql`${sql.ref(col)} desc` : sql`(${sql.ref(col)} + interval '0 seconds') desc`);

/**
 * A requester's items (reported or watched; mirrors work-item.policy canView) as a row source: the
 * search starts from these few rows instead of filtering the organization's million by them.
 */
function visibleItems(s: Scope) {
  if (!s.requesterId || s.wholeOrganization) return sql`work_items w`;
  return sql`(
      select id from work_items where organization_id = ${s.orgId} and requester_id = ${s.requesterId}
      union
      select work_item_id from watchers where organization_id = ${s.orgId} and user_id = ${s.requesterId}
    ) mine join work_items w on w.id = mine.id`;
}

/** Work items matching the text, best first among the newest RANK_WINDOW matches, with highlights. */
export async function searchWorkItems(db: DbOrTx, s: Scope, q: TextQuery, walk: boolean) {
  const query = tsq(q, "english");
  const r = await sql<{ id: string; type: string; number: string; title: string; state: string; rank: number; headline: string }>`
    select m.id, m.type, m.number, m.title, m.state, m.rank,
      ts_headline('english', m.title || ' — ' || left(m.description, 3000), ${query}, ${HEADLINE_OPTS}) as headline
    from (
      select c.*, ts_rank(c.search, ${query}) as rank from (
        select w.id, w.type, w.number, w.title, w.state, w.description, w.search, w.created_at
        from ${visibleItems(s)}
        where w.organization_id = ${s.orgId} and w.search @@ ${query}
          and ${s.types ? sql`w.type = any(${s.types}::text[])` : sql`true`}
          and ${s.states ? sql`w.state = any(${s.states}::text[])` : sql`true`}
        order by ${newestFirst("w.created_at", walk)}
        limit ${RANK_WINDOW}
      ) c
      order by rank desc, c.created_at desc
      limit ${s.limit}
    ) m
    order by m.rank desc, m.created_at desc`.execute(db);
  return r.rows;
}

/** Work items whose title is like the text (a typo): word similarity on the title's trigrams. */
export async function searchWorkItemsFuzzy(db: DbOrTx, s: Scope, text: string) {
  const r = await sql<{ id: string; type: string; number: string; title: string; state: string; rank: number }>`
    select w.id, w.type, w.number, w.title, w.state, word_similarity(${text}, w.title) as rank
    from ${visibleItems(s)}
    where w.organization_id = ${s.orgId} and ${text} <% w.title
      and ${s.types ? sql`w.type = any(${s.types}::text[])` : sql`true`}
      and ${s.states ? sql`w.state = any(${s.states}::text[])` : sql`true`}
    order by rank desc, w.created_at desc
    limit ${s.limit}`.execute(db);
  return r.rows;
}

/** Comments (and, for staff, work notes) matching the text, with their work item. */
export async function searchComments(db: DbOrTx, s: Scope, q: TextQuery, walk: boolean) {
  const query = tsq(q, "english");
  const r = await sql<{
    id: string;
    visibility: "public" | "internal";
    work_item_id: string;
    type: string;
    number: string;
    title: string;
    state: string;
    rank: number;
    headline: string;
  }>`
    select m.id, m.visibility, m.work_item_id, m.type, m.number, m.title, m.state, m.rank,
      ts_headline('english', left(m.body, 3000), ${query}, ${HEADLINE_OPTS}) as headline
    from (
      select c.*, ts_rank(c.search, ${query}) as rank from (
        select cm.id, cm.visibility, cm.body, cm.search, cm.created_at, w.id as work_item_id, w.type, w.number, w.title, w.state
        from ${s.requesterId ? sql`${visibleItems(s)} join comments cm on cm.work_item_id = w.id` : sql`comments cm join work_items w on w.id = cm.work_item_id`}
        where cm.organization_id = ${s.orgId} and cm.search @@ ${query}
          and ${s.requesterId ? sql`cm.visibility = 'public'` : sql`true`}
          and ${s.types ? sql`w.type = any(${s.types}::text[])` : sql`true`}
          and ${s.states ? sql`w.state = any(${s.states}::text[])` : sql`true`}
        order by ${newestFirst("cm.created_at", walk)}
        limit ${RANK_WINDOW}
      ) c
      order by rank desc, c.created_at desc
      limit ${s.limit}
    ) m
    order by m.rank desc`.execute(db);
  return r.rows;
}

/** The article condition for every language in use: each article is matched with its own stemming. */
function articleMatch(q: TextQuery, configs: string[]) {
  const parts = configs.map((c) => sql`(a.ts_config = ${c}::regconfig and a.search @@ ${tsq(q, c)})`);
  return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
}

/** Articles matching the text; requesters get published public ones, staff all but retired (unless asked). */
export async function searchArticles(db: DbOrTx, s: Scope, q: TextQuery, configs: string[]) {
  const rowQuery = tsq(q, sql`a.ts_config`);
  const stateCond = s.requesterId
    ? sql`a.state = 'published' and a.audience = 'public'`
    : s.states
      ? sql`a.state = any(${s.states}::text[])`
      : sql`a.state <> 'retired'`;
  const r = await sql<{ id: string; number: string; title: string; state: string; rank: number; headline: string }>`
    select a.id, a.number, a.title, a.state, ts_rank(a.search, ${rowQuery}) as rank,
      ts_headline(a.ts_config, case when a.summary = '' then left(a.body_text, 3000) else a.summary || ' — ' || left(a.body_text, 3000) end, ${rowQuery}, ${HEADLINE_OPTS}) as headline
    from (
      select a.* from kb_articles a
      where a.organization_id = ${s.orgId} and ${articleMatch(q, configs)} and ${stateCond}
      order by a.updated_at desc
      limit ${RANK_WINDOW}
    ) a
    order by rank desc, a.updated_at desc
    limit ${s.limit}`.execute(db);
  return r.rows;
}

/** Articles whose title is like the text (typo tolerance). */
export async function searchArticlesFuzzy(db: DbOrTx, s: Scope, text: string) {
  const r = await sql<{ id: string; number: string; title: string; state: string; rank: number }>`
    select a.id, a.number, a.title, a.state, word_similarity(${text}, a.title) as rank
    from kb_articles a
    where a.organization_id = ${s.orgId} and ${text} <% a.title
      and ${s.requesterId ? sql`a.state = 'published' and a.audience = 'public'` : s.states ? sql`a.state = any(${s.states}::text[])` : sql`a.state <> 'retired'`}
    order by rank desc
    limit ${s.limit}`.execute(db);
  return r.rows;
}

/** People of the organization by name or e-mail (substring or similar spelling). */
export async function searchPeople(db: DbOrTx, orgId: string, text: string, limit: number) {
  const like = `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  const r = await sql<{ id: string; name: string; email: string; role: string; rank: number }>`
    select u.id, u.name, u.email, m.role, greatest(similarity(u.name, ${text}), similarity(u.email, ${text})) as rank
    from organization_memberships m join users u on u.id = m.user_id
    where m.organization_id = ${orgId} and u.active
      and (u.name ilike ${like} or u.email ilike ${like} or u.name % ${text})
    order by (u.name ilike ${like} or u.email ilike ${like}) desc, rank desc, u.name
    limit ${limit}`.execute(db);
  return r.rows;
}

/** Published public articles for a requester's words (any word may match; the last may be a prefix). */
export async function suggestArticles(db: DbOrTx, orgId: string, q: TextQuery, configs: string[], language: string | null, limit: number) {
  const rowQuery = tsq(q, sql`a.ts_config`);
  const r = await sql<{ id: string; number: string; title: string; summary: string; helpful_count: number }>`
    select a.id, a.number, a.title, a.summary, a.helpful_count
    from kb_articles a
    where a.organization_id = ${orgId} and a.state = 'published' and a.audience = 'public' and ${articleMatch(q, configs)}
    order by (a.language = ${language ?? ""}) desc,
      ts_rank_cd(a.search, ${rowQuery}) * (1 + ln(1 + greatest(a.helpful_count - a.not_helpful_count, 0))) desc,
      a.view_count desc
    limit ${limit}`.execute(db);
  return r.rows;
}
