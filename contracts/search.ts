import { z } from "zod";
import { zCsv } from "./common";

/** What search everywhere can find (ci = configuration items); work-item types appear as their practices land. */
export const SEARCH_KINDS = ["incident", "request", "request_task", "problem", "change", "change_task", "comment", "article", "person", "ci"] as const;
export const ZSearchKind = z.enum(SEARCH_KINDS);
export type SearchKind = (typeof SEARCH_KINDS)[number];
export const WORK_ITEM_KINDS = ["incident", "request", "request_task", "problem", "change", "change_task"] as const;

/** Longest query honoured; longer input is cut here rather than refused. */
export const SEARCH_MAX_CHARS = 200;

export const ZSearchQuery = z.object({
  /** Words, "quoted phrases", or/-word (web search syntax); a number such as INC0000123 or KB0001002 jumps to it. */
  q: z.string().max(10_000).default("").describe('Words, "phrases", or, -word; a number like INC0000123 jumps to the record'),
  types: zCsv(ZSearchKind).describe("Only these kinds, comma separated"),
  states: zCsv(z.string().trim().min(1).max(40)).describe("Only work items and articles in these states"),
  limit: z.coerce.number().int().min(1).max(50).default(20).describe("Results per kind (1–50)"),
});
export type TSearchQuery = z.infer<typeof ZSearchQuery>;

export const ZHighlightPart = z.object({ text: z.string(), match: z.boolean() });
export type THighlightPart = z.infer<typeof ZHighlightPart>;

export const ZSearchHit = z
  .object({
    kind: ZSearchKind,
    id: z.uuid().describe("The record's id (for a comment: the comment's)"),
    /** INC0000123, KB0001002…; for a comment, its work item's number; null for people. */
    number: z.string().nullable(),
    title: z.string(),
    state: z.string().nullable(),
    /** Relative path of the page that shows the record in the agent app. */
    url: z.string(),
    /** A snippet with the matching words marked. */
    highlight: z.array(ZHighlightPart),
    rank: z.number(),
    /** Found by similarity (a typo) rather than by the words themselves. */
    fuzzy: z.boolean(),
    /** For comments: internal (work note) or public. */
    visibility: z.enum(["public", "internal"]).nullable(),
  })
  .meta({ id: "SearchHit" });
export type TSearchHit = z.infer<typeof ZSearchHit>;

export const ZSearchResult = z
  .object({
    query: z.string().describe("The query as searched (trimmed, cut to the maximum length)"),
    /** Set when the query is a number the caller may open. */
    jump: z.object({ kind: ZSearchKind, id: z.uuid(), number: z.string(), title: z.string(), url: z.string() }).nullable(),
    items: z.array(ZSearchHit),
    tookMs: z.number(),
  })
  .meta({ id: "SearchResult" });
export type TSearchResult = z.infer<typeof ZSearchResult>;
