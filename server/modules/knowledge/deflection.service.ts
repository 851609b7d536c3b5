import type { TDeflectionReport, TSuggestion } from "../../../contracts/knowledge";
import type { Actor, Deps } from "../../deps";
import { AppError, invalidField } from "../../platform/http/errors";
import { isStaffActor } from "../work-items/work-item.policy";
import { usedTsConfigs } from "./article.repo";
import { canReadArticle } from "./article.service";
import * as repo from "./deflection.repo";
import { findArticleCore } from "./article.repo";
import { suggestArticles } from "./search.repo";
import { cleanQuery, parseTextQuery } from "./search.query";

/** Published public articles matching what a requester types (any of the words; the last as a prefix). */
export async function suggest(deps: Deps, actor: Actor, q: string, language: string | undefined, limit: number): Promise<{ items: TSuggestion[] }> {
  const query = parseTextQuery(q, "|");
  if (!query) return { items: [] };
  const configs = await usedTsConfigs(deps.db, actor.organizationId);
  const rows = await suggestArticles(deps.db, actor.organizationId, query, configs, language ?? null, limit);
  return { items: rows.map((r) => ({ id: r.id, number: r.number, title: r.title, summary: r.summary, helpfulCount: r.helpful_count })) };
}

/** Records one step of the new-ticket journey (suggested, viewed, solved, ticket_created). */
export async function recordDeflectionEvent(
  deps: Deps,
  actor: Actor,
  e: { journeyId: string; kind: "suggested" | "viewed" | "solved" | "ticket_created"; articleId?: string; query?: string },
): Promise<void> {
  if ((e.kind === "viewed" || e.kind === "solved") && !e.articleId) throw invalidField("body.articleId", `required for ${e.kind}`);
  if (e.articleId) {
    const a = await findArticleCore(deps.db, actor.organizationId, e.articleId);
    if (!a || !canReadArticle(actor, a)) throw invalidField("body.articleId", "no such article");
  }
  // A journey id belongs to the person who started it: nobody can pad or spoil another's.
  if (await repo.journeyOwnedByOther(deps.db, e.journeyId, actor.userId)) throw invalidField("body.journeyId", "belongs to another visit");
  await repo.insertDeflectionEvent(deps.db, {
    orgId: actor.organizationId,
    userId: actor.userId,
    journeyId: e.journeyId,
    kind: e.kind,
    articleId: e.articleId ?? null,
    query: cleanQuery(e.query ?? ""),
  });
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** How many visits of the new-ticket form ended with an answer instead of a ticket (agents). */
export async function deflectionReport(deps: Deps, actor: Actor, range: { from?: string; to?: string }): Promise<TDeflectionReport> {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents can see knowledge reports");
  const to = range.to ?? day(new Date());
  const from = range.from ?? day(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000));
  if (from > to) throw invalidField("query.from", "must not be after to");
  const [t, top] = await Promise.all([
    repo.deflectionTotals(deps.db, actor.organizationId, from, to),
    repo.deflectionTopArticles(deps.db, actor.organizationId, from, to, 10),
  ]);
  return {
    from,
    to,
    journeys: t.journeys,
    viewed: t.viewed,
    solved: t.solved,
    deflected: t.deflected,
    ticketsCreated: t.tickets,
    deflectionRate: t.journeys ? Math.round((t.deflected / t.journeys) * 1000) / 1000 : 0,
    topArticles: top,
  };
}
