import type { ArticleAction, TArticle, TArticleAttachment, TArticleSummary } from "../../../contracts/knowledge";
import type { ArticleRow, ArticleSummaryRow } from "./article.repo";

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const day = (d: Date | string | null) => (d === null ? null : typeof d === "string" ? d.slice(0, 10) : d.toISOString().slice(0, 10));

/** A list row. */
export function presentArticleSummary(r: ArticleSummaryRow): TArticleSummary {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    summary: r.summary,
    state: r.state,
    audience: r.audience,
    language: r.language,
    category: r.category,
    author: r.author,
    reviewer: r.reviewer,
    revision: r.revision,
    version: r.version,
    viewCount: Number(r.view_count),
    helpfulCount: r.helpful_count,
    notHelpfulCount: r.not_helpful_count,
    reviewAt: day(r.review_at),
    expiresAt: day(r.expires_at),
    publishedAt: iso(r.published_at),
    updatedAt: iso(r.updated_at) as string,
  };
}

/** The whole article as the caller may see it: what they may do, their vote, its files. */
export function presentArticle(
  r: ArticleRow,
  ctx: {
    staff: boolean;
    actions: ArticleAction[];
    canEdit: boolean;
    myFeedback: "helpful" | "not_helpful" | null;
    attachments: Array<{ id: string; filename: string; content_type: string; size: number; created_at: Date }>;
  },
): TArticle {
  const summary = presentArticleSummary(r);
  return {
    ...summary,
    // Requesters do not need to know who reviewed the article.
    reviewer: ctx.staff ? summary.reviewer : null,
    bodyHtml: r.body_html,
    deskId: r.desk_id,
    sourceWorkItem: ctx.staff ? r.source : null,
    createdAt: iso(r.created_at) as string,
    myFeedback: ctx.myFeedback,
    actions: ctx.actions,
    canEdit: ctx.canEdit,
    attachments: ctx.attachments.map(presentAttachment),
  };
}

/** An article's file. */
export function presentAttachment(a: { id: string; filename: string; content_type: string; size: number; created_at: Date }): TArticleAttachment {
  return {
    id: a.id,
    filename: a.filename,
    contentType: a.content_type,
    size: Number(a.size),
    createdAt: iso(a.created_at) as string,
    downloadUrl: `/api/v1/knowledge/attachments/${a.id}/content`,
  };
}
