import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TMyApproval } from "../../../../contracts/approvals";
import type { TCatalogItem, TCatalogItemSummary, TRequestTask, TServiceRequest, TServiceRequestSummary } from "../../../../contracts/catalog";
import type { TDesk } from "../../../../contracts/desks";
import type { TIncidentSummary } from "../../../../contracts/incidents";
import type { TAttachment, TComment } from "../../../../contracts/work-items";
import { api, qs, randomKey } from "../../app/api";

export const catalogKeys = {
  desks: ["desks"] as const,
  items: (desk?: string, q?: string) => ["catalog", "items", desk ?? "", q ?? ""] as const,
  item: (id: string) => ["catalog", "item", id] as const,
  requests: (q: Record<string, string | undefined>) => ["requests", "list", q] as const,
  request: (ref: string) => ["request", ref] as const,
  part: (ref: string, part: "comments" | "attachments") => ["request", ref, part] as const,
  approvals: (state: string) => ["approvals", state] as const,
  tasks: (q: Record<string, string | undefined>) => ["request-tasks", q] as const,
  incidents: ["portal", "incidents"] as const,
};

/** The organization's desks in portal order. */
export function useDesks() {
  return useQuery({ queryKey: catalogKeys.desks, queryFn: ({ signal }) => api<{ items: TDesk[] }>("GET", "/api/v1/desks", { signal }).then((r) => r.items) });
}

/** Catalog items the caller may order, per desk and/or words. */
export function useCatalogItems(desk?: string, q?: string) {
  return useQuery({
    queryKey: catalogKeys.items(desk, q),
    queryFn: ({ signal }) =>
      api<{ items: TCatalogItemSummary[] }>("GET", `/api/v1/catalog/items${qs({ desk, q, limit: 100 })}`, { signal }).then((r) => r.items),
  });
}

export function useCatalogItem(id: string) {
  return useQuery({ queryKey: catalogKeys.item(id), queryFn: ({ signal }) => api<TCatalogItem>("GET", `/api/v1/catalog/items/${id}`, { signal }) });
}

/** Orders an item (retry-safe with one Idempotency-Key per form submission). */
export function useCreateRequest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { catalogItemId: string; answers: Record<string, unknown>; key: string }) =>
      api<TServiceRequest>("POST", "/api/v1/requests", { body: { catalogItemId: v.catalogItemId, answers: v.answers }, headers: { "idempotency-key": v.key } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["requests"] }),
  });
}

export function useRequests(q: { open?: string; requesterId?: string; q?: string }) {
  return useQuery({
    queryKey: catalogKeys.requests(q),
    queryFn: ({ signal }) => api<{ items: TServiceRequestSummary[] }>("GET", `/api/v1/requests${qs({ ...q, limit: 100 })}`, { signal }).then((r) => r.items),
  });
}

export function useRequest(ref: string) {
  return useQuery({ queryKey: catalogKeys.request(ref), queryFn: ({ signal }) => api<TServiceRequest>("GET", `/api/v1/requests/${ref}`, { signal }) });
}

/** The caller's own incidents (portal). */
export function useMyIncidents(q?: string) {
  return useQuery({
    queryKey: [...catalogKeys.incidents, q ?? ""],
    queryFn: ({ signal }) =>
      api<{ items: TIncidentSummary[] }>("GET", `/api/v1/incidents${qs({ q, sort: "-updatedAt", limit: 50 })}`, { signal }).then((r) => r.items),
  });
}

/** Public comments (and for staff, work notes) of a request or incident. */
export function useComments(base: "requests" | "incidents", ref: string) {
  return useQuery({
    queryKey: [base, ref, "comments"],
    queryFn: ({ signal }) => api<{ items: TComment[] }>("GET", `/api/v1/${base}/${ref}/comments`, { signal }).then((r) => r.items),
  });
}

export function useAttachments(base: "requests" | "incidents", ref: string) {
  return useQuery({
    queryKey: [base, ref, "attachments"],
    queryFn: ({ signal }) => api<{ items: TAttachment[] }>("GET", `/api/v1/${base}/${ref}/attachments`, { signal }).then((r) => r.items),
  });
}

/** Adds a public comment (one Idempotency-Key per submission). */
export function postComment(base: "requests" | "incidents", ref: string, body: string) {
  return api<TComment>("POST", `/api/v1/${base}/${ref}/comments`, { body: { body }, headers: { "idempotency-key": randomKey() } });
}

export function uploadFile(base: "requests" | "incidents", ref: string, file: File) {
  const form = new FormData();
  form.append("file", file);
  return api<TAttachment>("POST", `/api/v1/${base}/${ref}/attachments`, { body: form });
}

export function cancelRequest(ref: string, reason: string) {
  return api<TServiceRequest>("POST", `/api/v1/requests/${ref}/cancel`, { body: { reason } });
}

/** Approvals waiting for me (or the ones I decided). */
export function useMyApprovals(state: "pending" | "decided") {
  return useQuery({
    queryKey: catalogKeys.approvals(state),
    queryFn: ({ signal }) => api<{ items: TMyApproval[] }>("GET", `/api/v1/approvals${qs({ state })}`, { signal }).then((r) => r.items),
  });
}

export function useDecide() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; decision: "approve" | "reject"; comment?: string }) =>
      api<{ outcome: string }>("POST", `/api/v1/approvals/${v.id}/decision`, { body: { decision: v.decision, comment: v.comment || undefined } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["approvals"] });
      void qc.invalidateQueries({ queryKey: ["request"] });
    },
  });
}

/** Fulfilment tasks (staff). */
export function useTasks(q: { assignmentGroupId?: string; assigneeId?: string; open?: string; requestId?: string }) {
  return useQuery({
    queryKey: catalogKeys.tasks(q),
    queryFn: ({ signal }) => api<{ items: TRequestTask[] }>("GET", `/api/v1/request-tasks${qs({ ...q, limit: 100 })}`, { signal }).then((r) => r.items),
  });
}

export function useTaskAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; action: "start" | "complete" | "cancel"; notes?: string }) =>
      api<TRequestTask>("POST", `/api/v1/request-tasks/${v.id}/transitions`, { body: { action: v.action, notes: v.notes || undefined } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["request-tasks"] });
      void qc.invalidateQueries({ queryKey: ["request"] });
      void qc.invalidateQueries({ queryKey: ["requests"] });
    },
  });
}
