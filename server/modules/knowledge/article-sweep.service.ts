import type { Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { publishLive } from "../../platform/live/live";
import * as repo from "./article.repo";

/**
 * The daily knowledge sweep: retires published articles past their expiry date and reminds owners of
 * articles due for review (once per review date: the reminder is stamped, and cleared when the date
 * changes or the article is published again). Reminders are audit entries plus a live event to the
 * author; the e-mail notification joins once the notifications issue lands.
 */
export async function sweepKnowledge(deps: Deps, batch = 500): Promise<{ retired: number; reminded: number }> {
  return withTx(deps.db, async (tx) => {
    const expired = await repo.listExpired(tx, batch);
    for (const a of expired) {
      await repo.updateArticle(tx, a.id, { state: "retired", retired_at: new Date() });
      await repo.insertAudit(tx, {
        orgId: a.organization_id,
        actorId: null,
        action: "kb_article.expired",
        entityId: a.id,
        data: { from: "published", to: "retired" },
      });
    }
    const due = await repo.listDueForReview(tx, batch);
    for (const a of due) {
      await repo.insertAudit(tx, {
        orgId: a.organization_id,
        actorId: null,
        action: "kb_article.review_due",
        entityId: a.id,
        data: { reviewAt: a.review_at, authorId: a.author_id },
      });
      await publishLive(tx, {
        type: "kb_article.review_due",
        organizationId: a.organization_id,
        id: a.id,
        number: a.number,
        audience: a.author_id ? [a.author_id] : [],
      });
    }
    await repo.markReminded(
      tx,
      due.map((a) => a.id),
    );
    return { retired: expired.length, reminded: due.length };
  });
}
