import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  TCsatResponse,
  TCsatSurvey,
  TDrillResult,
  TReportDefinitionInput,
  TReportRun,
  TSavedReport,
  TSavedReportInput,
  TWidgetResult,
  Widget,
} from "../../../../contracts/reporting";
import { api, apiBlob, qs } from "../../app/api";

/** Dashboard filters as they live in the URL. */
export interface DashboardSearch {
  period: "d7" | "d30" | "d90" | "d365";
  bucket: "day" | "week";
  types?: string;
  deskId?: string;
  groupId?: string;
  by: string;
  csatBy: string;
}

export const PERIOD_DAYS: Record<DashboardSearch["period"], number> = { d7: 7, d30: 30, d90: 90, d365: 365 };

/** From/to of a rolling period ending at the next local midnight (so today is a whole bucket). */
export function periodRange(period: DashboardSearch["period"], now = new Date()): { from: string; to: string } {
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const start = new Date(end.getFullYear(), end.getMonth(), end.getDate() - PERIOD_DAYS[period]);
  return { from: start.toISOString(), to: end.toISOString() };
}

/** The API query of a dashboard search (the browser's zone names the local days). */
export function filterQuery(s: DashboardSearch) {
  const { from, to } = periodRange(s.period);
  return { from, to, tz: Intl.DateTimeFormat().resolvedOptions().timeZone, bucket: s.bucket, types: s.types, deskId: s.deskId, groupId: s.groupId };
}

export function useWidget(widget: Widget, s: DashboardSearch, extra: Record<string, string | undefined> = {}) {
  const q = { ...filterQuery(s), ...extra };
  return useQuery({
    queryKey: ["reports", "widget", widget, s, extra],
    queryFn: ({ signal }) => api<TWidgetResult>("GET", `/api/v1/reports/widgets/${widget}${qs(q)}`, { signal }),
    placeholderData: (prev) => prev,
    // The facts refresh every minute; so does the dashboard.
    refetchInterval: 60_000,
  });
}

export function useDrill(params: Record<string, string | undefined>) {
  return useQuery({
    queryKey: ["reports", "drill", params],
    queryFn: ({ signal }) => api<TDrillResult>("GET", `/api/v1/reports/drill${qs(params)}`, { signal }),
  });
}

export function useSavedReports() {
  return useQuery({
    queryKey: ["reports", "saved"],
    queryFn: ({ signal }) => api<{ items: TSavedReport[] }>("GET", "/api/v1/reports/saved", { signal }).then((r) => r.items),
  });
}

export function useRunReport() {
  return useMutation({ mutationFn: (def: TReportDefinitionInput) => api<TReportRun>("POST", "/api/v1/reports/run", { body: def }) });
}

export function exportCsv(def: TReportDefinitionInput): Promise<Blob> {
  return apiBlob("POST", "/api/v1/reports/run.csv", { body: def });
}

export function useSaveReport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: TSavedReportInput }) =>
      id ? api<TSavedReport>("PUT", `/api/v1/reports/saved/${id}`, { body: input }) : api<TSavedReport>("POST", "/api/v1/reports/saved", { body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["reports", "saved"] }),
  });
}

export function useDeleteReport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>("DELETE", `/api/v1/reports/saved/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["reports", "saved"] }),
  });
}

export function useCsatSettings(enabled: boolean) {
  return useQuery({
    enabled,
    queryKey: ["csat", "settings"],
    queryFn: ({ signal }) => api<{ enabled: boolean }>("GET", "/api/v1/admin/csat-settings", { signal }),
  });
}

export function useSaveCsatSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (enabled: boolean) => api<{ enabled: boolean }>("PUT", "/api/v1/admin/csat-settings", { body: { enabled } }),
    onSuccess: (d) => qc.setQueryData(["csat", "settings"], d),
  });
}

// ── Surveys ──
export function useSurvey(token: string) {
  return useQuery({
    queryKey: ["survey", token],
    queryFn: ({ signal }) => api<TCsatSurvey>("GET", `/api/v1/csat/surveys/${encodeURIComponent(token)}`, { signal, quiet401: true }),
    retry: false,
  });
}

export function useAnswerSurvey(token: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (r: TCsatResponse) => api<TCsatSurvey>("POST", `/api/v1/csat/surveys/${encodeURIComponent(token)}/response`, { body: r, quiet401: true }),
    onSuccess: (d) => qc.setQueryData(["survey", token], d),
  });
}

export function usePendingSurveys() {
  return useQuery({
    queryKey: ["surveys", "pending"],
    queryFn: ({ signal }) => api<{ items: TCsatSurvey[] }>("GET", "/api/v1/me/csat-surveys", { signal }).then((r) => r.items),
  });
}

export function useAnswerPending() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, score }: { id: string; score: number }) => api<TCsatSurvey>("POST", `/api/v1/me/csat-surveys/${id}/response`, { body: { score } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["surveys", "pending"] }),
  });
}
