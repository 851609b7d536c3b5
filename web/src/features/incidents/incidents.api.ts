import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type {
  INCIDENT_SORTS,
  IncidentState,
  TCreateIncidentRequest,
  TIncident,
  TIncidentPage,
  TTransitionRequest,
  TUpdateIncidentRequest,
} from "../../../../contracts/incidents";
import type { Priority } from "../../../../contracts/priority";
import type { TAttachment, TComment, TLink, TTimelineEvent, ZLinkKind, ZWatcher } from "../../../../contracts/work-items";
import { api, qs } from "../../app/api";

export type IncidentSort = (typeof INCIDENT_SORTS)[number];
export type TWatcher = z.infer<typeof ZWatcher>;
export type LinkKind = z.infer<typeof ZLinkKind>;

/** What the queue shows: the same shape as a saved view's filters, plus the sort. */
export interface QueueQuery {
  state?: IncidentState[];
  priority?: Priority[];
  /** Group UUIDs, "mine" or "none". */
  group?: string[];
  /** A UUID, "me" or "none". */
  assignee?: string;
  q?: string;
  /** "true": only major incidents. */
  major?: "true";
  sort: IncidentSort;
}

const PAGE_SIZE = 50;

export const incidentKeys = {
  lists: ["incidents", "list"] as const,
  list: (q: QueueQuery) => ["incidents", "list", q] as const,
  detail: (ref: string) => ["incident", ref] as const,
  part: (ref: string, part: "timeline" | "comments" | "attachments" | "watchers" | "links") => ["incident", ref, part] as const,
};

/** The queue, 50 at a time ("Load more" fetches the next cursor page). */
export function useIncidentQueue(q: QueueQuery) {
  return useInfiniteQuery({
    queryKey: incidentKeys.list(q),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api<TIncidentPage>(
        "GET",
        `/api/v1/incidents${qs({
          state: q.state,
          priority: q.priority,
          assignmentGroupId: q.group,
          assigneeId: q.assignee,
          q: q.q,
          major: q.major,
          sort: q.sort,
          limit: PAGE_SIZE,
          cursor: pageParam,
          // Only the first page needs the (capped) count.
          count: pageParam ? "false" : undefined,
        })}`,
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (prev) => prev,
  });
}

export function useIncident(ref: string) {
  return useQuery({
    queryKey: incidentKeys.detail(ref),
    queryFn: ({ signal }) => api<TIncident>("GET", `/api/v1/incidents/${encodeURIComponent(ref)}`, { signal }),
  });
}

/** The whole timeline, oldest first (pages of 500 followed to the end). */
export function useTimeline(ref: string) {
  return useQuery({
    queryKey: incidentKeys.part(ref, "timeline"),
    queryFn: async ({ signal }) => {
      const all: TTimelineEvent[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await api<{ items: TTimelineEvent[]; nextCursor: string | null }>(
          "GET",
          `/api/v1/incidents/${encodeURIComponent(ref)}/timeline${qs({ cursor, limit: 500 })}`,
          { signal },
        );
        all.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      return all;
    },
  });
}

function usePart<T>(ref: string, part: "comments" | "attachments" | "watchers" | "links") {
  return useQuery({
    queryKey: incidentKeys.part(ref, part),
    queryFn: ({ signal }) => api<{ items: T[] }>("GET", `/api/v1/incidents/${encodeURIComponent(ref)}/${part}`, { signal }).then((r) => r.items),
  });
}
export const useComments = (ref: string) => usePart<TComment>(ref, "comments");
export const useAttachments = (ref: string) => usePart<TAttachment>(ref, "attachments");
export const useWatchers = (ref: string) => usePart<TWatcher>(ref, "watchers");
export const useLinks = (ref: string) => usePart<TLink>(ref, "links");

/** After a write: the detail shows the server's answer, everything else about it refetches. */
export function refreshIncident(queryClient: QueryClient, ref: string, updated?: TIncident) {
  if (updated) queryClient.setQueryData(incidentKeys.detail(ref), updated);
  void queryClient.invalidateQueries({ queryKey: incidentKeys.detail(ref), refetchType: "active", predicate: (q) => !updated || q.queryKey.length > 2 });
  void queryClient.invalidateQueries({ queryKey: incidentKeys.lists });
}

export function useCreateIncident() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ input, idempotencyKey }: { input: TCreateIncidentRequest; idempotencyKey: string }) =>
      api<TIncident>("POST", "/api/v1/incidents", { body: input, headers: { "idempotency-key": idempotencyKey } }),
    onSuccess: (inc) => {
      queryClient.setQueryData(incidentKeys.detail(inc.number), inc);
      void queryClient.invalidateQueries({ queryKey: incidentKeys.lists });
    },
  });
}

export function useUpdateIncident(ref: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: TUpdateIncidentRequest) => api<TIncident>("PATCH", `/api/v1/incidents/${encodeURIComponent(ref)}`, { body: patch }),
    onSuccess: (inc) => refreshIncident(queryClient, ref, inc),
  });
}

export function useTransition(ref: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TTransitionRequest) => api<TIncident>("POST", `/api/v1/incidents/${encodeURIComponent(ref)}/transitions`, { body }),
    onSuccess: (inc) => refreshIncident(queryClient, ref, inc),
  });
}

/** Any child write (comment, attachment, watcher, link): refetch the incident and its parts. */
export function useChildMutation<TVars, TResult>(ref: string, fn: (vars: TVars) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => refreshIncident(queryClient, ref) });
}

export const incidentPath = (ref: string) => `/api/v1/incidents/${encodeURIComponent(ref)}`;

export function addComment(ref: string, body: string, visibility: "public" | "internal") {
  return api<TComment>("POST", `${incidentPath(ref)}/comments`, { body: { body, visibility } });
}

export function uploadAttachment(ref: string, file: File) {
  const form = new FormData();
  form.append("file", file, file.name);
  return api<TAttachment>("POST", `${incidentPath(ref)}/attachments`, { body: form });
}
