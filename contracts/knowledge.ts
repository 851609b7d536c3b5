import { z } from "zod";
import { ZCursor, ZPersonRef, ZRef, zCsv } from "./common";

export const ARTICLE_STATES = ["draft", "review", "published", "retired"] as const;
export const ZArticleState = z.enum(ARTICLE_STATES);
export type ArticleStateName = (typeof ARTICLE_STATES)[number];

export const ARTICLE_AUDIENCES = ["public", "internal"] as const;
export const ZArticleAudience = z.enum(ARTICLE_AUDIENCES).describe("public = requesters see it once published; internal = agents only");

/** Languages an article may be written in, with the PostgreSQL text search configuration used for each. */
export const ARTICLE_LANGUAGES = {
  en: "english",
  de: "german",
  fr: "french",
  es: "spanish",
  it: "italian",
  nl: "dutch",
  pt: "portuguese",
  sv: "swedish",
  da: "danish",
  fi: "finnish",
  no: "norwegian",
  ru: "russian",
} as const;
export type ArticleLanguage = keyof typeof ARTICLE_LANGUAGES;
export const ZArticleLanguage = z
  .enum(Object.keys(ARTICLE_LANGUAGES) as [ArticleLanguage, ...ArticleLanguage[]])
  .describe("ISO 639-1 code; picks the stemming used to search the article");

export const ARTICLE_ACTIONS = ["submit", "approve", "reject", "publish", "retire", "redraft"] as const;
export const ZArticleAction = z.enum(ARTICLE_ACTIONS);
export type ArticleAction = (typeof ARTICLE_ACTIONS)[number];

/** An article in path parameters: UUID or number (KB0001002). */
export const ZArticleIdParam = z.object({
  id: z
    .string()
    .regex(/^([0-9a-fA-F-]{36}|[Kk][Bb]\d{1,12})$/, "must be a UUID or a number like KB0001002")
    .describe("UUID or number, e.g. KB0001002"),
});

const ZDate = z.iso.date().describe("A calendar date, YYYY-MM-DD");

export const ZCreateArticleRequest = z.object({
  title: z.string().trim().min(1).max(300).describe("The question or problem the article answers"),
  /** One or two sentences shown in search results and suggestions. */
  summary: z.string().trim().max(1000).default("").describe("Shown in search results and suggestions"),
  /** Rich text (HTML); unsafe markup is removed on the server. */
  bodyHtml: z.string().max(500_000).default("").describe("HTML; scripts, event handlers and javascript: URLs are removed"),
  audience: ZArticleAudience.default("internal"),
  language: ZArticleLanguage.default("en"),
  categoryId: z.uuid().nullable().optional(),
  reviewAt: ZDate.nullable().optional().describe("When the owner should check the article is still right"),
  expiresAt: ZDate.nullable().optional().describe("When the article is retired automatically"),
});
export type TCreateArticleRequest = z.infer<typeof ZCreateArticleRequest>;

export const ZUpdateArticleRequest = z.object({
  title: z.string().trim().min(1).max(300).optional(),
  summary: z.string().trim().max(1000).optional(),
  bodyHtml: z.string().max(500_000).optional(),
  audience: ZArticleAudience.optional(),
  language: ZArticleLanguage.optional(),
  categoryId: z.uuid().nullable().optional(),
  reviewAt: ZDate.nullable().optional(),
  expiresAt: ZDate.nullable().optional(),
  /** A short note stored with the new version ("fixed the VPN server name"). */
  note: z.string().trim().max(500).optional().describe("Stored with the new version"),
  /** The version you read; a stale one gets 409. */
  version: z.number().int().min(1).optional().describe("The version you read (409 when stale)"),
});
export type TUpdateArticleRequest = z.infer<typeof ZUpdateArticleRequest>;

export const ZArticleTransitionRequest = z.object({
  action: ZArticleAction.describe("submit (for review), approve, reject, publish (admins, without review), retire, redraft"),
  /** Who reviews (submit): an agent or admin other than the author. */
  reviewerId: z.uuid().optional().describe("Required with submit"),
  comment: z.string().trim().max(2000).optional().describe("Required with reject"),
  version: z.number().int().min(1).optional(),
});
export type TArticleTransitionRequest = z.infer<typeof ZArticleTransitionRequest>;

export const ZArticleSummary = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    summary: z.string(),
    state: ZArticleState,
    audience: ZArticleAudience,
    language: z.string(),
    category: ZRef.nullable(),
    author: ZPersonRef.nullable(),
    reviewer: ZPersonRef.nullable(),
    revision: z.number().int(),
    version: z.number().int(),
    viewCount: z.number().int(),
    helpfulCount: z.number().int(),
    notHelpfulCount: z.number().int(),
    reviewAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    publishedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: "ArticleSummary" });
export type TArticleSummary = z.infer<typeof ZArticleSummary>;

export const ZArticleAttachment = z
  .object({
    id: z.uuid(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    createdAt: z.string(),
    /** Relative URL of the file (use it as an image source in the body). */
    downloadUrl: z.string(),
  })
  .meta({ id: "ArticleAttachment" });
export type TArticleAttachment = z.infer<typeof ZArticleAttachment>;

export const ZArticle = ZArticleSummary.extend({
  bodyHtml: z.string().describe("Sanitized HTML"),
  deskId: z.uuid().nullable(),
  sourceWorkItem: z.object({ id: z.uuid(), number: z.string(), title: z.string() }).nullable(),
  createdAt: z.string(),
  /** The caller's own vote, if any. */
  myFeedback: z.enum(["helpful", "not_helpful"]).nullable(),
  /** What the caller may do now. */
  actions: z.array(ZArticleAction),
  canEdit: z.boolean(),
  attachments: z.array(ZArticleAttachment),
}).meta({ id: "Article" });
export type TArticle = z.infer<typeof ZArticle>;

export const ZListArticlesQuery = z.object({
  q: z.string().max(500).optional().describe("Words in the title, summary or body"),
  state: zCsv(ZArticleState).describe("One or more states, comma separated"),
  audience: ZArticleAudience.optional(),
  language: ZArticleLanguage.optional(),
  categoryId: z.uuid().optional(),
  /** Only published articles whose review date has come. */
  reviewDue: z.enum(["true", "false"]).optional().describe("true: only published articles due for review"),
  /** Only those waiting for my review. */
  reviewerId: z.uuid().optional(),
  cursor: ZCursor,
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type TListArticlesQuery = z.infer<typeof ZListArticlesQuery>;
export const ZArticlePage = z.object({ items: z.array(ZArticleSummary), nextCursor: z.string().nullable() });
export type TArticlePage = z.infer<typeof ZArticlePage>;

export const ZArticleVersion = z
  .object({
    revision: z.number().int(),
    title: z.string(),
    summary: z.string(),
    bodyHtml: z.string(),
    author: ZPersonRef.nullable(),
    note: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "ArticleVersion" });
export type TArticleVersion = z.infer<typeof ZArticleVersion>;
export const ZArticleVersionList = z.object({ items: z.array(ZArticleVersion.omit({ bodyHtml: true })) });

export const ZRevisionParam = ZArticleIdParam.extend({ revision: z.coerce.number().int().min(1) });
export const ZDiffQuery = z.object({
  from: z.coerce.number().int().min(1).describe("Older revision"),
  to: z.coerce.number().int().min(1).describe("Newer revision"),
});
export const ZDiffPart = z.object({ value: z.string(), added: z.boolean(), removed: z.boolean() });
export const ZArticleDiff = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    /** Word-level differences of the title, summary and body text (markup left out). */
    title: z.array(ZDiffPart),
    summary: z.array(ZDiffPart),
    body: z.array(ZDiffPart),
  })
  .meta({ id: "ArticleDiff" });
export type TArticleDiff = z.infer<typeof ZArticleDiff>;
export const ZRestoreRequest = z.object({ version: z.number().int().min(1).optional() });

export const ZFeedbackRequest = z.object({
  helpful: z.boolean(),
  comment: z.string().trim().max(2000).optional().describe("What was missing or wrong"),
});
export const ZFeedbackResult = z.object({
  helpfulCount: z.number().int(),
  notHelpfulCount: z.number().int(),
  myFeedback: z.enum(["helpful", "not_helpful"]),
});
export const ZViewResult = z.object({ viewCount: z.number().int() });

export const ZCategory = z
  .object({ id: z.uuid(), name: z.string(), description: z.string(), parentId: z.uuid().nullable(), articleCount: z.number().int() })
  .meta({ id: "KnowledgeCategory" });
export type TCategory = z.infer<typeof ZCategory>;
export const ZCreateCategoryRequest = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(1000).default(""),
  parentId: z.uuid().nullable().optional(),
});

export const ARTICLE_LINK_KINDS = ["resolved_with", "related_to", "created_from"] as const;
export const ZArticleLinkRequest = z.object({
  /** The work item: UUID or number (INC0000042). */
  workItem: z.string().trim().min(1).max(64).describe("UUID or number of the work item"),
  kind: z.enum(["resolved_with", "related_to"]).default("resolved_with"),
});
export const ZArticleLink = z
  .object({
    article: z.object({ id: z.uuid(), number: z.string(), title: z.string(), state: ZArticleState }),
    workItem: z.object({ id: z.uuid(), number: z.string(), title: z.string(), type: z.string(), state: z.string() }),
    kind: z.enum(ARTICLE_LINK_KINDS),
    createdAt: z.string(),
  })
  .meta({ id: "ArticleLink" });
export type TArticleLink = z.infer<typeof ZArticleLink>;
export const ZWorkItemRefParam = z.object({
  ref: z
    .string()
    .regex(/^([0-9a-fA-F-]{36}|[A-Za-z]{3,5}\d{1,12})$/)
    .describe("UUID or number of the work item"),
});
export const ZUnlinkParam = ZArticleIdParam.extend({ workItemId: z.uuid() });

export const ZFromWorkItemRequest = z.object({
  workItem: z.string().trim().min(1).max(64).describe("A resolved incident (UUID or number)"),
  audience: ZArticleAudience.default("internal"),
  language: ZArticleLanguage.default("en"),
  categoryId: z.uuid().nullable().optional(),
});

export const ZSuggestionsQuery = z.object({
  q: z.string().max(1000).default("").describe("What the requester has typed so far (e.g. the ticket subject)"),
  language: ZArticleLanguage.optional().describe("Prefer articles in this language"),
  limit: z.coerce.number().int().min(1).max(10).default(5),
});
export const ZSuggestion = z
  .object({ id: z.uuid(), number: z.string(), title: z.string(), summary: z.string(), helpfulCount: z.number().int() })
  .meta({ id: "ArticleSuggestion" });
export type TSuggestion = z.infer<typeof ZSuggestion>;
export const ZSuggestions = z.object({ items: z.array(ZSuggestion) });

export const DEFLECTION_KINDS = ["suggested", "viewed", "solved", "ticket_created"] as const;
export const ZDeflectionEventRequest = z.object({
  /** One id per visit of the new-ticket form, made by the browser. */
  journeyId: z.uuid().describe("One id per visit of the new-ticket form, generated by the client"),
  kind: z.enum(DEFLECTION_KINDS).describe("suggested: articles shown; viewed: one opened; solved: 'this solved it'; ticket_created"),
  articleId: z.uuid().optional(),
  query: z.string().max(300).optional(),
});
export const ZDeflectionReportQuery = z.object({
  from: ZDate.optional().describe("First day (default: 30 days ago)"),
  to: ZDate.optional().describe("Last day (default: today)"),
});
export const ZDeflectionReport = z
  .object({
    from: z.string(),
    to: z.string(),
    /** Visits of the new-ticket form where articles were suggested. */
    journeys: z.number().int(),
    /** Of those, visits where a suggested article was opened. */
    viewed: z.number().int(),
    /** Visits ended with "this solved my problem". */
    solved: z.number().int(),
    /** Solved, or viewed and no ticket from that person within an hour. */
    deflected: z.number().int(),
    ticketsCreated: z.number().int(),
    /** deflected / journeys (0 when none). */
    deflectionRate: z.number(),
    topArticles: z.array(z.object({ id: z.uuid(), number: z.string(), title: z.string(), deflected: z.number().int(), viewed: z.number().int() })),
  })
  .meta({ id: "DeflectionReport" });
export type TDeflectionReport = z.infer<typeof ZDeflectionReport>;
