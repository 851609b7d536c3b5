import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { TCalendar, TCalendarInput, TClock, TPolicy, TPolicyInput, ZAtRiskItem, ZClockEvent } from "../../../../contracts/sla";
import { api } from "../../app/api";
import { useIsStaff } from "../reference/reference.api";

type Items<T> = { items: T[] };
export type ClockWithHistory = TClock & { history: Array<z.infer<typeof ZClockEvent>> };
export type AtRiskItem = z.infer<typeof ZAtRiskItem>;

export const slaKeys = {
  calendars: ["sla", "calendars"] as const,
  policies: ["sla", "policies"] as const,
  atRisk: ["sla", "at-risk"] as const,
  // Under the incident's key, so a live update of the incident refreshes its clocks too.
  clocks: (ref: string) => ["incident", ref, "sla"] as const,
};

/** The clocks of one work item (agents); refreshed every 30 s and on live updates. */
export function useItemClocks(ref: string) {
  const enabled = useIsStaff();
  return useQuery({
    enabled,
    queryKey: slaKeys.clocks(ref),
    queryFn: ({ signal }) => api<Items<ClockWithHistory>>("GET", `/api/v1/work-items/${encodeURIComponent(ref)}/sla`, { signal }).then((r) => r.items),
    refetchInterval: 30_000,
  });
}

export function useCalendars() {
  return useQuery({
    queryKey: slaKeys.calendars,
    queryFn: ({ signal }) => api<Items<TCalendar>>("GET", "/api/v1/sla/calendars", { signal }).then((r) => r.items),
  });
}

export function usePolicies() {
  return useQuery({
    queryKey: slaKeys.policies,
    queryFn: ({ signal }) => api<Items<TPolicy>>("GET", "/api/v1/sla/policies", { signal }).then((r) => r.items),
  });
}

/** Creates or replaces a calendar (with its version as If-Match). */
export function useSaveCalendar() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version, body }: { id?: string; version?: number; body: TCalendarInput }) =>
      id
        ? api<TCalendar>("PUT", `/api/v1/sla/calendars/${id}`, { body, headers: version ? { "if-match": `"${version}"` } : {} })
        : api<TCalendar>("POST", "/api/v1/sla/calendars", { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sla"] }),
  });
}

export function useDeleteCalendar() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api("DELETE", `/api/v1/sla/calendars/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sla"] }),
  });
}

/** Creates or replaces a policy (with its version as If-Match). */
export function useSavePolicy() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version, body }: { id?: string; version?: number; body: TPolicyInput }) =>
      id
        ? api<TPolicy>("PUT", `/api/v1/sla/policies/${id}`, { body, headers: version ? { "if-match": `"${version}"` } : {} })
        : api<TPolicy>("POST", "/api/v1/sla/policies", { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sla"] }),
  });
}

export function useDeletePolicy() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api("DELETE", `/api/v1/sla/policies/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["sla"] }),
  });
}

/** Business minutes as "1 d 2 h 30 min" (a day of business time is not 24 h, so only h and min beyond). */
export function formatDuration(ms: number): string {
  const neg = ms < 0;
  let m = Math.round(Math.abs(ms) / 60_000);
  const h = Math.floor(m / 60);
  m -= h * 60;
  const s = h ? `${h} h${m ? ` ${m} min` : ""}` : `${m} min`;
  return neg ? `−${s}` : s;
}
