import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./knowledge.tables";

/** Records one step of a requester's visit to the new-ticket form. */
export async function insertDeflectionEvent(
  db: DbOrTx,
  e: { orgId: string; userId: string; journeyId: string; kind: "suggested" | "viewed" | "solved" | "ticket_created"; articleId: string | null; query: string },
): Promise<void> {
  await db
    .insertInto("kb_deflection_events")
    .values({ organization_id: e.orgId, user_id: e.userId, journey_id: e.journeyId, kind: e.kind, article_id: e.articleId, query: e.query })
    .execute();
}

/** Does this journey belong to someone else (journey ids are per person)? */
export async function journeyOwnedByOther(db: DbOrTx, journeyId: string, userId: string): Promise<boolean> {
  const r = await db
    .selectFrom("kb_deflection_events")
    .select("user_id")
    .where("journey_id", "=", journeyId)
    .where("user_id", "<>", userId)
    .limit(1)
    .executeTakeFirst();
  return Boolean(r);
}

// A journey is deflected when it ended with "this solved it", or an article was opened and that person
// raised no ticket between the visit and an hour after its last step; a ticket_created step never is.
const JOURNEYS = (orgId: string, from: string, to: string) => sql`
  with j as (
    select journey_id, user_id, min(created_at) as started, max(created_at) as last_at,
      bool_or(kind = 'viewed' or kind = 'solved') as viewed, bool_or(kind = 'solved') as solved, bool_or(kind = 'ticket_created') as ticket
    from kb_deflection_events
    where organization_id = ${orgId} and created_at >= ${from}::date and created_at < ${to}::date + 1
    group by journey_id, user_id
  )
  select j.*, (not j.ticket and (j.solved or (j.viewed and not exists (
      select 1 from work_items w
      where w.organization_id = ${orgId} and w.requester_id = j.user_id
        and w.created_at between j.started and j.last_at + interval '1 hour')))) as deflected
  from j`;

/** Totals of the deflection report over a date range (inclusive). */
export async function deflectionTotals(db: DbOrTx, orgId: string, from: string, to: string) {
  const r = await sql<{ journeys: number; viewed: number; solved: number; deflected: number; tickets: number }>`
    select count(*)::int as journeys, count(*) filter (where viewed)::int as viewed, count(*) filter (where solved)::int as solved,
      count(*) filter (where deflected)::int as deflected, count(*) filter (where ticket)::int as tickets
    from (${JOURNEYS(orgId, from, to)}) k`.execute(db);
  return r.rows[0];
}

/** The articles that answered most people over the range. */
export async function deflectionTopArticles(db: DbOrTx, orgId: string, from: string, to: string, limit: number) {
  const r = await sql<{ id: string; number: string; title: string; deflected: number; viewed: number }>`
    with k as (${JOURNEYS(orgId, from, to)})
    select a.id, a.number, a.title,
      count(distinct e.journey_id) filter (where k.deflected)::int as deflected,
      count(distinct e.journey_id)::int as viewed
    from kb_deflection_events e
    join k on k.journey_id = e.journey_id
    join kb_articles a on a.id = e.article_id
    where e.organization_id = ${orgId} and e.kind in ('viewed', 'solved')
    group by a.id, a.number, a.title
    order by deflected desc, viewed desc
    limit ${limit}`.execute(db);
  return r.rows;
}
