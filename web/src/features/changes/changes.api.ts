import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type {
  TChange,
  TChangeSettings,
  TChangeSummary,
  TChangeTransitionRequest,
  TCreateChangeRequest,
  TFreezeWindow,
  TRiskAnswers,
  TUpdateChangeRequest,
  ZCalendarFeed,
  ZChangeTemplate,
} from "../../../../contracts/changes";
import { api, qs } from "../../app/api";

export type TTemplate = z.infer<typeof ZChangeTemplate>;
export type TFeed = z.infer<typeof ZCalendarFeed>;
export type TCalendarChange = TChangeSummary & { conflicted: boolean };

export const changeKeys = {
  all: ["changes"] as const,
  list: (f: Record<string, string | undefined>) => ["changes", "list", f] as const,
  detail: (ref: string) => ["changes", "detail", ref] as const,
  calendar: (from: string, to: string) => ["changes", "calendar", from, to] as const,
  templates: ["changes", "templates"] as const,
  feeds: ["changes", "feeds"] as const,
  freezes: ["changes", "freezes"] as const,
};
const path = (ref: string) => `/api/v1/changes/${encodeURIComponent(ref)}`;

export function useChanges(f: { open?: string; q?: string }) {
  return useQuery({
    queryKey: changeKeys.list(f),
    queryFn: ({ signal }) => api<{ items: TChangeSummary[] }>("GET", `/api/v1/changes${qs({ ...f, limit: 100 })}`, { signal }),
    placeholderData: (prev) => prev,
  });
}

export function useChange(ref: string) {
  return useQuery({ queryKey: changeKeys.detail(ref), queryFn: ({ signal }) => api<TChange>("GET", path(ref), { signal }) });
}

export function useChangeCalendar(from: string, to: string) {
  return useQuery({
    queryKey: changeKeys.calendar(from, to),
    queryFn: ({ signal }) =>
      api<{ changes: TCalendarChange[]; freezeWindows: TFreezeWindow[] }>("GET", `/api/v1/change-calendar${qs({ from, to })}`, { signal }),
    placeholderData: (prev) => prev,
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: changeKeys.templates,
    queryFn: ({ signal }) => api<{ items: TTemplate[] }>("GET", "/api/v1/change-templates", { signal }).then((r) => r.items),
  });
}

export function useFeeds() {
  return useQuery({
    queryKey: changeKeys.feeds,
    queryFn: ({ signal }) => api<{ items: TFeed[] }>("GET", "/api/v1/calendar/feeds", { signal }).then((r) => r.items),
  });
}

export function useChangeSettings() {
  return useQuery({ queryKey: ["changes", "settings"], queryFn: ({ signal }) => api<TChangeSettings>("GET", "/api/v1/change-settings", { signal }) });
}

/** Every change write refreshes changes (lists, detail, calendar) and approvals. */
function useChangeWrite<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      for (const key of [["changes"], ["approvals"]]) void qc.invalidateQueries({ queryKey: key });
    },
  });
}

export const useCreateChange = () => useChangeWrite((body: TCreateChangeRequest) => api<TChange>("POST", "/api/v1/changes", { body }));
export const useUpdateChange = (ref: string) => useChangeWrite((body: TUpdateChangeRequest) => api<TChange>("PATCH", path(ref), { body }));
export const useChangeTransition = (ref: string) =>
  useChangeWrite((body: TChangeTransitionRequest) => api<TChange>("POST", `${path(ref)}/transitions`, { body }));
export const useAssessRisk = (ref: string) => useChangeWrite((answers: TRiskAnswers) => api<TChange>("POST", `${path(ref)}/risk`, { body: { answers } }));
export const useFreezeOverride = (ref: string) =>
  useChangeWrite((reason: string) => api<TChange>("POST", `${path(ref)}/freeze-override`, { body: { reason } }));
export const useAddTask = (ref: string) => useChangeWrite((title: string) => api("POST", `${path(ref)}/tasks`, { body: { title } }));
export const useCompleteTask = () =>
  useChangeWrite((number: string) => api("POST", `/api/v1/change-tasks/${encodeURIComponent(number)}/transitions`, { body: { action: "complete" } }));
export const useDecide = () =>
  useChangeWrite(({ id, decision, comment }: { id: string; decision: "approve" | "reject"; comment?: string }) =>
    api("POST", `/api/v1/approvals/${id}/decision`, { body: { decision, comment } }),
  );
export const useCreateFeed = () => useChangeWrite((name: string) => api<TFeed>("POST", "/api/v1/calendar/feeds", { body: { name } }));
export const useRevokeFeed = () => useChangeWrite((id: string) => api<void>("DELETE", `/api/v1/calendar/feeds/${id}`));
export const useCreateFreeze = () =>
  useChangeWrite((body: { name: string; reason: string; startsAt: string; endsAt: string; serviceId: string | null }) =>
    api<TFreezeWindow>("POST", "/api/v1/freeze-windows", { body }),
  );
