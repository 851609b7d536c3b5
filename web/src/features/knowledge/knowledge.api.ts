import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type {
  ArticleStateName,
  TArticle,
  TArticleAttachment,
  TArticleDiff,
  TArticleLink,
  TArticlePage,
  TArticleTransitionRequest,
  TArticleVersion,
  TCategory,
  TCreateArticleRequest,
  TDeflectionReport,
  TSuggestion,
  TUpdateArticleRequest,
  ZArticleVersionList,
} from "../../../../contracts/knowledge";
import type { TSearchResult } from "../../../../contracts/search";
import { api, qs } from "../../app/api";

export type TVersionMeta = z.infer<typeof ZArticleVersionList>["items"][number];

export interface ArticleListQuery {
  q?: string;
  state?: ArticleStateName[];
  reviewDue?: boolean;
  categoryId?: string;
}

export const knowledgeKeys = {
  lists: ["knowledge", "list"] as const,
  list: (q: ArticleListQuery) => ["knowledge", "list", q] as const,
  detail: (ref: string) => ["knowledge", "article", ref] as const,
  part: (ref: string, part: "versions" | "links" | "history") => ["knowledge", "article", ref, part] as const,
  categories: ["knowledge", "categories"] as const,
};

/** Articles, 50 at a time. */
export function useArticles(q: ArticleListQuery) {
  return useInfiniteQuery({
    queryKey: knowledgeKeys.list(q),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api<TArticlePage>(
        "GET",
        `/api/v1/knowledge/articles${qs({ q: q.q, state: q.state, reviewDue: q.reviewDue ? "true" : undefined, categoryId: q.categoryId, cursor: pageParam })}`,
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (prev) => prev,
  });
}

export function useArticle(ref: string) {
  return useQuery({
    queryKey: knowledgeKeys.detail(ref),
    queryFn: ({ signal }) => api<TArticle>("GET", `/api/v1/knowledge/articles/${encodeURIComponent(ref)}`, { signal }),
  });
}

export function useCategories() {
  return useQuery({
    queryKey: knowledgeKeys.categories,
    queryFn: ({ signal }) => api<{ items: TCategory[] }>("GET", "/api/v1/knowledge/categories", { signal }).then((r) => r.items),
    staleTime: 60_000,
  });
}

export function useVersions(ref: string, enabled = true) {
  return useQuery({
    queryKey: knowledgeKeys.part(ref, "versions"),
    queryFn: ({ signal }) =>
      api<{ items: TVersionMeta[] }>("GET", `/api/v1/knowledge/articles/${encodeURIComponent(ref)}/versions`, { signal }).then((r) => r.items),
    enabled,
  });
}

export function useDiff(ref: string, from: number | null, to: number | null) {
  return useQuery({
    queryKey: ["knowledge", "article", ref, "diff", from, to],
    queryFn: ({ signal }) => api<TArticleDiff>("GET", `/api/v1/knowledge/articles/${encodeURIComponent(ref)}/diff${qs({ from, to })}`, { signal }),
    enabled: from !== null && to !== null && from !== to,
  });
}

export function useArticleLinks(ref: string, enabled = true) {
  return useQuery({
    queryKey: knowledgeKeys.part(ref, "links"),
    queryFn: ({ signal }) =>
      api<{ items: TArticleLink[] }>("GET", `/api/v1/knowledge/articles/${encodeURIComponent(ref)}/links`, { signal }).then((r) => r.items),
    enabled,
  });
}

/** Articles linked to a work item (the incident page's knowledge panel). */
export function useItemArticles(itemRef: string) {
  return useQuery({
    queryKey: ["knowledge", "item", itemRef],
    queryFn: ({ signal }) =>
      api<{ items: TArticleLink[] }>("GET", `/api/v1/work-items/${encodeURIComponent(itemRef)}/articles`, { signal }).then((r) => r.items),
  });
}

function useArticleMutation<TVars>(fn: (vars: TVars) => Promise<TArticle>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (a) => {
      queryClient.setQueryData(knowledgeKeys.detail(a.number), a);
      queryClient.setQueryData(knowledgeKeys.detail(a.id), a);
      void queryClient.invalidateQueries({ queryKey: ["knowledge"], predicate: (q) => !(q.queryKey[2] === a.number && q.queryKey.length === 3) });
    },
  });
}

export function useCreateArticle() {
  return useArticleMutation((body: TCreateArticleRequest) => api<TArticle>("POST", "/api/v1/knowledge/articles", { body }));
}
export function useUpdateArticle(ref: string) {
  return useArticleMutation((body: TUpdateArticleRequest) => api<TArticle>("PATCH", `/api/v1/knowledge/articles/${encodeURIComponent(ref)}`, { body }));
}
export function useArticleTransition(ref: string) {
  return useArticleMutation((body: TArticleTransitionRequest) =>
    api<TArticle>("POST", `/api/v1/knowledge/articles/${encodeURIComponent(ref)}/transitions`, { body }),
  );
}
export function useRestoreVersion(ref: string) {
  return useArticleMutation((v: { revision: number; version: number }) =>
    api<TArticle>("POST", `/api/v1/knowledge/articles/${encodeURIComponent(ref)}/versions/${v.revision}/restore`, { body: { version: v.version } }),
  );
}
export function useFromWorkItem() {
  return useArticleMutation((body: { workItem: string; audience: "public" | "internal" }) =>
    api<TArticle>("POST", "/api/v1/knowledge/articles/from-work-item", { body }),
  );
}

export function getVersion(ref: string, revision: number) {
  return api<TArticleVersion>("GET", `/api/v1/knowledge/articles/${encodeURIComponent(ref)}/versions/${revision}`);
}

/** Uploads a file or image to an article; the result's downloadUrl can be used as an image source. */
export function uploadArticleFile(ref: string, file: File) {
  const body = new FormData();
  body.append("file", file);
  return api<TArticleAttachment>("POST", `/api/v1/knowledge/articles/${encodeURIComponent(ref)}/attachments`, { body });
}

export function sendFeedback(ref: string, helpful: boolean) {
  return api<{ helpfulCount: number; notHelpfulCount: number; myFeedback: "helpful" | "not_helpful" }>(
    "POST",
    `/api/v1/knowledge/articles/${encodeURIComponent(ref)}/feedback`,
    {
      body: { helpful },
    },
  );
}
export function recordView(ref: string) {
  return api<{ viewCount: number }>("POST", `/api/v1/knowledge/articles/${encodeURIComponent(ref)}/views`).catch(() => null);
}
export function linkArticle(ref: string, workItem: string) {
  return api<{ items: TArticleLink[] }>("POST", `/api/v1/knowledge/articles/${encodeURIComponent(ref)}/links`, { body: { workItem, kind: "resolved_with" } });
}

/** Search everywhere (the command palette). */
export function searchEverywhere(q: string, signal?: AbortSignal) {
  return api<TSearchResult>("GET", `/api/v1/search${qs({ q, limit: 8 })}`, { signal });
}

/** Articles for what a requester is typing (deflection). */
export function fetchSuggestions(q: string, signal?: AbortSignal) {
  return api<{ items: TSuggestion[] }>("GET", `/api/v1/knowledge/suggestions${qs({ q, limit: 5 })}`, { signal });
}

export type DeflectionKind = "suggested" | "viewed" | "solved" | "ticket_created";
/** Records a step of a new-ticket visit; failures never disturb the requester. */
export function recordDeflection(journeyId: string, kind: DeflectionKind, articleId?: string, query?: string) {
  return api("POST", "/api/v1/knowledge/deflection-events", { body: { journeyId, kind, articleId, query: query?.slice(0, 300) } }).catch(() => null);
}

export function useDeflectionReport() {
  return useQuery({
    queryKey: ["knowledge", "deflection"],
    queryFn: ({ signal }) => api<TDeflectionReport>("GET", "/api/v1/knowledge/reports/deflection", { signal }),
  });
}
