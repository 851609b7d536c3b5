import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TAlertIntegration, TCreateAlertIntegrationRequest, TUpdateAlertIntegrationRequest } from "../../../../contracts/alerts";
import type { TConfigImportResult } from "../../../../contracts/config-code";
import type { TCreateWebhookRequest, TDelivery, TUpdateWebhookRequest, TWebhook, WebhookEventName } from "../../../../contracts/webhooks";
import { api, qs } from "../../app/api";

export const hookKeys = {
  webhooks: ["integrations", "webhooks"] as const,
  events: ["integrations", "webhook-events"] as const,
  deliveries: (webhookId: string | null, status: string | null) => ["integrations", "deliveries", webhookId, status] as const,
  delivery: (id: string) => ["integrations", "delivery", id] as const,
  hosts: ["integrations", "allowed-hosts"] as const,
  alerts: ["integrations", "alert-integrations"] as const,
  alertList: (id: string) => ["integrations", "alerts", id] as const,
};

export interface DeliveryDetail extends TDelivery {
  payload: unknown;
  history: Array<{
    attempt: number;
    startedAt: string;
    durationMs: number | null;
    statusCode: number | null;
    error: string | null;
    responseBody: string | null;
    url: string;
  }>;
}

export interface AlertRecord {
  id: string;
  key: string;
  status: "firing" | "resolved";
  count: number;
  title: string;
  incident: { id: string; number: string; state: string } | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

export function useWebhooks() {
  return useQuery({
    queryKey: hookKeys.webhooks,
    queryFn: ({ signal }) => api<{ items: TWebhook[] }>("GET", "/api/v1/admin/webhooks", { signal }).then((r) => r.items),
  });
}

export function useWebhookEvents() {
  return useQuery({
    queryKey: hookKeys.events,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: ({ signal }) => api<{ events: Array<{ name: WebhookEventName; description: string }> }>("GET", "/api/v1/admin/webhooks/events", { signal }),
  });
}

/** Creates (answer with the secret, shown once) or changes a webhook. */
export function useSaveWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: string; body: TCreateWebhookRequest | TUpdateWebhookRequest }) =>
      v.id
        ? api<TWebhook & { secret?: string }>("PATCH", `/api/v1/admin/webhooks/${v.id}`, { body: v.body })
        : api<TWebhook & { secret: string }>("POST", "/api/v1/admin/webhooks", { body: v.body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: hookKeys.webhooks }),
  });
}

export function useDeleteWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<null>("DELETE", `/api/v1/admin/webhooks/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: hookKeys.webhooks }),
  });
}

export function useRotateWebhookSecret() {
  return useMutation({ mutationFn: (id: string) => api<TWebhook & { secret: string }>("POST", `/api/v1/admin/webhooks/${id}/rotate-secret`) });
}

export function usePingWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<TDelivery>("POST", `/api/v1/admin/webhooks/${id}/ping`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["integrations", "deliveries"] }),
  });
}

/** The delivery log (first page), refreshed while something is pending. */
export function useDeliveries(webhookId: string | null, status: string | null) {
  return useQuery({
    queryKey: hookKeys.deliveries(webhookId, status),
    queryFn: ({ signal }) =>
      api<{ items: TDelivery[]; nextCursor: string | null }>("GET", `/api/v1/admin/webhook-deliveries${qs({ webhookId, status, limit: 100 })}`, { signal }),
    refetchInterval: (q) => (q.state.data?.items.some((d) => d.status === "pending" || d.status === "retrying") ? 5000 : false),
  });
}

export function useDelivery(id: string | null) {
  return useQuery({
    queryKey: hookKeys.delivery(id ?? ""),
    enabled: !!id,
    queryFn: ({ signal }) => api<DeliveryDetail>("GET", `/api/v1/admin/webhook-deliveries/${id}`, { signal }),
  });
}

export function useRedeliver() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<TDelivery>("POST", `/api/v1/admin/webhook-deliveries/${id}/redeliver`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["integrations", "deliveries"] }),
  });
}

export function useAllowedHosts() {
  return useQuery({
    queryKey: hookKeys.hosts,
    queryFn: ({ signal }) =>
      api<{ items: Array<{ host: string; note: string; createdAt: string }> }>("GET", "/api/v1/admin/webhook-allowed-hosts", { signal }).then((r) => r.items),
  });
}

export function useAddAllowedHost() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { host: string; note: string }) => api<{ items: unknown[] }>("POST", "/api/v1/admin/webhook-allowed-hosts", { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: hookKeys.hosts }),
  });
}

export function useRemoveAllowedHost() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (host: string) => api<null>("DELETE", `/api/v1/admin/webhook-allowed-hosts/${encodeURIComponent(host)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: hookKeys.hosts }),
  });
}

export function useAlertIntegrations() {
  return useQuery({
    queryKey: hookKeys.alerts,
    queryFn: ({ signal }) => api<{ items: TAlertIntegration[] }>("GET", "/api/v1/admin/alert-integrations", { signal }).then((r) => r.items),
  });
}

export function useSaveAlertIntegration() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: string; body: TCreateAlertIntegrationRequest | TUpdateAlertIntegrationRequest }) =>
      v.id
        ? api<TAlertIntegration & { secret?: string }>("PATCH", `/api/v1/admin/alert-integrations/${v.id}`, { body: v.body })
        : api<TAlertIntegration & { secret: string }>("POST", "/api/v1/admin/alert-integrations", { body: v.body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: hookKeys.alerts }),
  });
}

export function useDeleteAlertIntegration() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<null>("DELETE", `/api/v1/admin/alert-integrations/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: hookKeys.alerts }),
  });
}

export function useRotateAlertSecret() {
  return useMutation({
    mutationFn: (id: string) => api<TAlertIntegration & { secret: string }>("POST", `/api/v1/admin/alert-integrations/${id}/rotate-secret`),
  });
}

export function useAlerts(id: string | null) {
  return useQuery({
    queryKey: hookKeys.alertList(id ?? ""),
    enabled: !!id,
    queryFn: ({ signal }) => api<{ items: AlertRecord[] }>("GET", `/api/v1/admin/alert-integrations/${id}/alerts`, { signal }).then((r) => r.items),
  });
}

/** Sends a YAML configuration: a preview (dryRun) or the real import. */
export function useImportConfig() {
  return useMutation({
    mutationFn: (v: { yaml: string; dryRun: boolean }) =>
      api<TConfigImportResult>("POST", `/api/v1/config/import${qs({ dryRun: v.dryRun ? "true" : "false" })}`, {
        body: v.yaml,
        headers: { "content-type": "application/yaml" },
      }),
  });
}
