import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  TCi,
  TCiClass,
  TCiHistoryEvent,
  TCiPage,
  TCiRef,
  TCiWorkItem,
  TCreateCiRequest,
  TCreateRelationshipRequest,
  TImpactResult,
  TRelationship,
  TRelationshipType,
  TServiceMap,
  TUpdateCiRequest,
  TWorkItemCi,
} from "../../../../contracts/cmdb";
import { api, qs } from "../../app/api";
import { useIsStaff } from "../reference/reference.api";

type Items<T> = { items: T[] };

export const cmdbKeys = {
  all: ["cmdb"] as const,
  classes: ["cmdb", "classes"] as const,
  types: ["cmdb", "relationship-types"] as const,
  list: (q: CiListQuery) => ["cmdb", "list", q] as const,
  search: (q: string) => ["cmdb", "search", q] as const,
  ci: (id: string) => ["cmdb", "ci", id] as const,
  ciPart: (id: string, part: string, extra?: unknown) => ["cmdb", "ci", id, part, extra] as const,
  workItem: (ref: string) => ["cmdb", "work-item", ref] as const,
};

export interface CiListQuery {
  class?: string[];
  status?: string[];
  q?: string;
}

/** CI classes with their attribute schemas (rarely change). */
export function useCiClasses() {
  const enabled = useIsStaff();
  return useQuery({
    enabled,
    queryKey: cmdbKeys.classes,
    queryFn: ({ signal }) => api<Items<TCiClass>>("GET", "/api/v1/cmdb/classes", { signal }).then((r) => r.items),
    staleTime: 5 * 60_000,
  });
}

/** Relationship types. */
export function useRelationshipTypes() {
  return useQuery({
    queryKey: cmdbKeys.types,
    queryFn: ({ signal }) => api<Items<TRelationshipType>>("GET", "/api/v1/cmdb/relationship-types", { signal }).then((r) => r.items),
    staleTime: 5 * 60_000,
  });
}

/** The CMDB list, 50 at a time. */
export function useCiList(q: CiListQuery) {
  return useInfiniteQuery({
    queryKey: cmdbKeys.list(q),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api<TCiPage>("GET", `/api/v1/cmdb/cis${qs({ class: q.class, status: q.status, q: q.q, limit: 50, cursor: pageParam })}`, { signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (prev) => prev,
  });
}

/** Typeahead search (debounce the text before calling). */
export function useCiSearch(q: string) {
  return useQuery({
    enabled: q.trim().length > 0,
    queryKey: cmdbKeys.search(q.trim()),
    queryFn: ({ signal }) => api<Items<TCiRef>>("GET", `/api/v1/cmdb/cis/search${qs({ q: q.trim(), limit: 10 })}`, { signal }).then((r) => r.items),
    staleTime: 30_000,
    placeholderData: (prev) => prev,
  });
}

export function useCi(id: string) {
  return useQuery({ queryKey: cmdbKeys.ci(id), queryFn: ({ signal }) => api<TCi>("GET", `/api/v1/cmdb/cis/${id}`, { signal }) });
}

export function useCiRelationships(id: string, asOf?: string) {
  return useQuery({
    queryKey: cmdbKeys.ciPart(id, "relationships", asOf),
    queryFn: ({ signal }) => api<Items<TRelationship>>("GET", `/api/v1/cmdb/cis/${id}/relationships${qs({ asOf })}`, { signal }).then((r) => r.items),
  });
}

export function useCiHistory(id: string) {
  return useQuery({
    queryKey: cmdbKeys.ciPart(id, "history"),
    queryFn: ({ signal }) => api<{ items: TCiHistoryEvent[] }>("GET", `/api/v1/cmdb/cis/${id}/history${qs({ limit: 200 })}`, { signal }).then((r) => r.items),
  });
}

export function useCiWork(id: string) {
  return useQuery({
    queryKey: cmdbKeys.ciPart(id, "work"),
    queryFn: ({ signal }) => api<Items<TCiWorkItem>>("GET", `/api/v1/cmdb/cis/${id}/work-items`, { signal }).then((r) => r.items),
  });
}

export function useCiImpact(id: string) {
  return useQuery({
    queryKey: cmdbKeys.ciPart(id, "impact"),
    queryFn: ({ signal }) => api<TImpactResult>("GET", `/api/v1/cmdb/cis/${id}/impact${qs({ direction: "upstream" })}`, { signal }),
  });
}

export function useServiceMap(id: string, depth: number, asOf?: string) {
  return useQuery({
    queryKey: cmdbKeys.ciPart(id, "map", { depth, asOf }),
    queryFn: ({ signal }) => api<TServiceMap>("GET", `/api/v1/cmdb/cis/${id}/map${qs({ depth, asOf })}`, { signal }),
    placeholderData: (prev) => prev,
  });
}

/** Creates a CI. */
export function useCreateCi() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateCiRequest) => api<TCi>("POST", "/api/v1/cmdb/cis", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: cmdbKeys.all }),
  });
}

/** Edits a CI (sends the version read). */
export function useUpdateCi(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TUpdateCiRequest) => api<TCi>("PATCH", `/api/v1/cmdb/cis/${id}`, { body }),
    onSuccess: (ci) => {
      qc.setQueryData(cmdbKeys.ci(id), ci);
      void qc.invalidateQueries({ queryKey: cmdbKeys.ciPart(id, "history").slice(0, 4) });
    },
  });
}

/** Adds or ends a relationship; refreshes everything about CIs. */
export function useRelationshipMutations() {
  const qc = useQueryClient();
  const refresh = () => void qc.invalidateQueries({ queryKey: ["cmdb", "ci"] });
  return {
    add: useMutation({
      mutationFn: (body: TCreateRelationshipRequest) => api<TRelationship>("POST", "/api/v1/cmdb/relationships", { body }),
      onSuccess: refresh,
    }),
    end: useMutation({ mutationFn: (id: string) => api<void>("DELETE", `/api/v1/cmdb/relationships/${id}`), onSuccess: refresh }),
  };
}

/** The CIs linked to a work item, and its affected business services. */
export function useWorkItemCis(ref: string) {
  return useQuery({
    queryKey: [...cmdbKeys.workItem(ref), "cis"],
    queryFn: ({ signal }) => api<Items<TWorkItemCi>>("GET", `/api/v1/work-items/${encodeURIComponent(ref)}/cis`, { signal }).then((r) => r.items),
  });
}

export function useWorkItemImpact(ref: string, enabled: boolean) {
  return useQuery({
    enabled,
    queryKey: [...cmdbKeys.workItem(ref), "impact"],
    queryFn: ({ signal }) => api<TImpactResult>("GET", `/api/v1/work-items/${encodeURIComponent(ref)}/impact`, { signal }),
  });
}

/** Link / unlink CIs on a work item; refreshes its CIs, impact and (for incidents) timeline. */
export function useWorkItemCiMutations(ref: string) {
  const qc = useQueryClient();
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: cmdbKeys.workItem(ref) });
    void qc.invalidateQueries({ queryKey: ["incident", ref] });
  };
  const path = `/api/v1/work-items/${encodeURIComponent(ref)}/cis`;
  return {
    link: useMutation({ mutationFn: (body: { ciId: string; role: "affected" | "caused_by" }) => api("POST", path, { body }), onSuccess: refresh }),
    unlink: useMutation({
      mutationFn: (v: { ciId: string; role: "affected" | "caused_by" }) => api("DELETE", `${path}/${v.ciId}${qs({ role: v.role })}`),
      onSuccess: refresh,
    }),
  };
}
