import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type NullableDate = ColumnType<string | null, string | null | undefined, string | null>;

export type ArticleState = "draft" | "review" | "published" | "retired";
export type ArticleAudience = "public" | "internal";

export interface KbCategoriesTable {
  id: Generated<string>;
  organization_id: string;
  parent_id: string | null;
  name: string;
  description: Generated<string>;
  created_at: Timestamp;
}

export interface KbArticlesTable {
  id: Generated<string>;
  organization_id: string;
  /** Seam: the desk (self-service issue) once desks exist. */
  desk_id: string | null;
  number: string;
  category_id: string | null;
  title: string;
  summary: Generated<string>;
  body_html: Generated<string>;
  body_text: Generated<string>;
  audience: ArticleAudience;
  language: string;
  ts_config: string;
  state: ArticleState;
  author_id: string | null;
  reviewer_id: string | null;
  revision: Generated<number>;
  version: Generated<number>;
  review_at: NullableDate;
  expires_at: NullableDate;
  review_reminded_at: NullableTimestamp;
  published_at: NullableTimestamp;
  retired_at: NullableTimestamp;
  source_work_item_id: string | null;
  view_count: Generated<number>;
  helpful_count: Generated<number>;
  not_helpful_count: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  search: ColumnType<string, never, never>;
}

export interface KbArticleVersionsTable {
  article_id: string;
  revision: number;
  organization_id: string;
  title: string;
  summary: string;
  body_html: string;
  author_id: string | null;
  note: Generated<string>;
  created_at: Timestamp;
}

export interface KbArticleAttachmentsTable {
  id: Generated<string>;
  organization_id: string;
  article_id: string;
  blob_sha256: string;
  filename: string;
  content_type: string;
  size: number;
  uploaded_by_id: string | null;
  created_at: Timestamp;
}

export interface KbFeedbackTable {
  article_id: string;
  user_id: string;
  organization_id: string;
  helpful: boolean;
  comment: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface KbArticleLinksTable {
  article_id: string;
  work_item_id: string;
  organization_id: string;
  kind: Generated<"resolved_with" | "related_to" | "created_from">;
  created_by_id: string | null;
  created_at: Timestamp;
}

export interface KbDeflectionEventsTable {
  id: Generated<string>;
  organization_id: string;
  user_id: string;
  journey_id: string;
  kind: "suggested" | "viewed" | "solved" | "ticket_created";
  article_id: string | null;
  query: Generated<string>;
  created_at: Timestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    kb_categories: KbCategoriesTable;
    kb_articles: KbArticlesTable;
    kb_article_versions: KbArticleVersionsTable;
    kb_article_attachments: KbArticleAttachmentsTable;
    kb_feedback: KbFeedbackTable;
    kb_article_links: KbArticleLinksTable;
    kb_deflection_events: KbDeflectionEventsTable;
  }
}
