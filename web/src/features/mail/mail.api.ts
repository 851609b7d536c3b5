import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TCreateMailboxRequest, TMailbox, TUpdateMailboxRequest } from "../../../../contracts/mail";
import type { NotificationEventType, TNotificationRule, TNotificationTemplate } from "../../../../contracts/notifications";
import { api, qs } from "../../app/api";

export const mailKeys = {
  all: ["mail"] as const,
  mailboxes: ["mail", "mailboxes"] as const,
  rules: ["mail", "rules"] as const,
  templates: (language: string) => ["mail", "templates", language] as const,
  inbound: (status: string) => ["mail", "inbound", status] as const,
  deliveries: (status: string) => ["mail", "deliveries", status] as const,
  prefs: ["mail", "preferences"] as const,
  settings: ["mail", "settings"] as const,
};

export interface InboundMessage {
  id: string;
  messageId: string;
  from: string | null;
  subject: string | null;
  status: "ticket" | "comment" | "ignored" | "quarantined";
  reason: string | null;
  workItemNumber: string | null;
  mailbox: string | null;
  size: number | null;
  receivedAt: string;
  rawUrl: string | null;
}

export interface Delivery {
  id: string;
  event: string;
  workItemNumber: string | null;
  to: string;
  subject: string;
  messageId: string;
  status: "queued" | "sending" | "sent" | "failed" | "skipped";
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface MailSettings {
  fromName: string | null;
  fromAddress: string | null;
  replyToAddress: string | null;
  enabled: boolean;
  effectiveFrom: string;
  effectiveReplyTo: string;
}

/** The organization's mailboxes. */
export function useMailboxes() {
  return useQuery({
    queryKey: mailKeys.mailboxes,
    queryFn: ({ signal }) => api<{ items: TMailbox[] }>("GET", "/api/v1/admin/mailboxes", { signal }).then((r) => r.items),
  });
}

/** Creates or changes a mailbox. */
export function useSaveMailbox() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: string; body: TCreateMailboxRequest | TUpdateMailboxRequest }) =>
      v.id ? api<TMailbox>("PATCH", `/api/v1/admin/mailboxes/${v.id}`, { body: v.body }) : api<TMailbox>("POST", "/api/v1/admin/mailboxes", { body: v.body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: mailKeys.mailboxes }),
  });
}

export function useDeleteMailbox() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<null>("DELETE", `/api/v1/admin/mailboxes/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: mailKeys.mailboxes }),
  });
}

export function usePollMailbox() {
  return useMutation({ mutationFn: (id: string) => api<{ queued: boolean }>("POST", `/api/v1/admin/mailboxes/${id}/poll`) });
}

/** Who is mailed for which event. */
export function useRules() {
  return useQuery({
    queryKey: mailKeys.rules,
    queryFn: ({ signal }) => api<{ items: TNotificationRule[] }>("GET", "/api/v1/admin/notifications/rules", { signal }).then((r) => r.items),
  });
}

export function useUpdateRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (rule: { event: string; audience: string; enabled: boolean }) =>
      api<{ items: TNotificationRule[] }>("PATCH", "/api/v1/admin/notifications/rules", { body: { rules: [rule] } }),
    onSuccess: (r) => qc.setQueryData(mailKeys.rules, r.items),
  });
}

/** Every event's template in a language. */
export function useTemplates(language: string) {
  return useQuery({
    queryKey: mailKeys.templates(language),
    queryFn: ({ signal }) =>
      api<{ languages: string[]; items: TNotificationTemplate[] }>("GET", `/api/v1/admin/notifications/templates${qs({ language })}`, { signal }),
  });
}

export function useSaveTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { event: NotificationEventType; language: string; subject: string; body: string }) =>
      api<TNotificationTemplate>("PUT", `/api/v1/admin/notifications/templates/${v.event}/${v.language}`, { body: { subject: v.subject, body: v.body } }),
    onSuccess: (_r, v) => qc.invalidateQueries({ queryKey: mailKeys.templates(v.language) }),
  });
}

export function useResetTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { event: NotificationEventType; language: string }) =>
      api<null>("DELETE", `/api/v1/admin/notifications/templates/${v.event}/${v.language}`),
    onSuccess: (_r, v) => qc.invalidateQueries({ queryKey: mailKeys.templates(v.language) }),
  });
}

export function usePreviewTemplate() {
  return useMutation({
    mutationFn: (v: { event: NotificationEventType; subject: string; body: string; workItem?: string }) =>
      api<{ subject: string; text: string; html: string; unknownVariables: string[] }>("POST", "/api/v1/admin/notifications/templates/preview", { body: v }),
  });
}

/** Received mail, newest first (first page). */
export function useInbound(status: string) {
  return useQuery({
    queryKey: mailKeys.inbound(status),
    queryFn: ({ signal }) =>
      api<{ items: InboundMessage[]; nextCursor: string | null }>(
        "GET",
        `/api/v1/admin/inbound-messages${qs({ status: status === "all" ? undefined : status, limit: 100 })}`,
        { signal },
      ),
  });
}

export function useRetryInbound() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<{ status: string; reason: string | null; workItemNumber: string | null }>("POST", `/api/v1/admin/inbound-messages/${id}/retry`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["mail", "inbound"] }),
  });
}

/** Outgoing mail log (first page). */
export function useDeliveries(status: string) {
  return useQuery({
    queryKey: mailKeys.deliveries(status),
    queryFn: ({ signal }) =>
      api<{ items: Delivery[]; nextCursor: string | null }>(
        "GET",
        `/api/v1/admin/mail-deliveries${qs({ status: status === "all" ? undefined : status, limit: 100 })}`,
        { signal },
      ),
  });
}

export function useMailSettings() {
  return useQuery({ queryKey: mailKeys.settings, queryFn: ({ signal }) => api<MailSettings>("GET", "/api/v1/admin/mail-settings", { signal }) });
}

export function useSaveMailSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Omit<MailSettings, "effectiveFrom" | "effectiveReplyTo">) => api<MailSettings>("PUT", "/api/v1/admin/mail-settings", { body }),
    onSuccess: (r) => qc.setQueryData(mailKeys.settings, r),
  });
}

/** The signed-in person's notification choices. */
export function usePreferences(enabled: boolean) {
  return useQuery({
    enabled,
    queryKey: mailKeys.prefs,
    queryFn: ({ signal }) =>
      api<{ items: Array<{ event: NotificationEventType; email: boolean }> }>("GET", "/api/v1/me/notification-preferences", { signal }).then((r) => r.items),
  });
}

export function useSavePreference() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (item: { event: NotificationEventType; email: boolean }) =>
      api<{ items: Array<{ event: NotificationEventType; email: boolean }> }>("PUT", "/api/v1/me/notification-preferences", { body: { items: [item] } }),
    onSuccess: (r) => qc.setQueryData(mailKeys.prefs, r.items),
  });
}
