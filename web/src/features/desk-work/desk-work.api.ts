import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { TBulkRequest, TBulkResult, TLinkTree, TMergeRequest, TMergeResult } from "../../../../contracts/desk-work";
import type { TDeclareMajorIncidentRequest, TMajorIncident, TMajorIncidentContext, ZReviewPatch } from "../../../../contracts/major-incidents";
import type { TContractReport, TCreateSupportContractRequest, TTimeSheet, ZSupportContract, ZThresholdWarning } from "../../../../contracts/time-tracking";
import { api, qs } from "../../app/api";
import { incidentKeys } from "../incidents/incidents.api";

export type TSupportContract = z.infer<typeof ZSupportContract>;
export type TThresholdWarning = z.infer<typeof ZThresholdWarning>;
const enc = encodeURIComponent;

/** Everything about incidents may have changed after a bulk write, merge or major-incident action. */
function useRefreshAll() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ["incidents"] });
    void qc.invalidateQueries({ queryKey: ["incident"] });
    void qc.invalidateQueries({ queryKey: ["desk-work"] });
  };
}

export function useBulk() {
  const refresh = useRefreshAll();
  return useMutation({ mutationFn: (body: TBulkRequest) => api<TBulkResult>("POST", "/api/v1/incidents/bulk", { body }), onSuccess: refresh });
}

export function useMerge() {
  const refresh = useRefreshAll();
  return useMutation({
    mutationFn: ({ survivor, ...body }: TMergeRequest & { survivor: string }) =>
      api<TMergeResult>("POST", `/api/v1/incidents/${enc(survivor)}/merge`, { body }),
    onSuccess: refresh,
  });
}

export function useSplit(ref: string) {
  const refresh = useRefreshAll();
  return useMutation({
    mutationFn: (body: { commentId: string; title: string }) => api<{ id: string; number: string }>("POST", `/api/v1/incidents/${enc(ref)}/split`, { body }),
    onSuccess: refresh,
  });
}

export function useLinkTree(ref: string) {
  return useQuery({
    queryKey: [...incidentKeys.detail(ref), "link-tree"],
    queryFn: ({ signal }) => api<TLinkTree>("GET", `/api/v1/work-items/${enc(ref)}/link-tree`, { signal }),
  });
}

export function useMajorContext(ref: string, enabled: boolean) {
  return useQuery({
    queryKey: [...incidentKeys.detail(ref), "major"],
    queryFn: ({ signal }) => api<TMajorIncidentContext>("GET", `/api/v1/incidents/${enc(ref)}/major-incident`, { signal }),
    enabled,
  });
}

export function useDeclareMajor() {
  const refresh = useRefreshAll();
  return useMutation({
    mutationFn: (body: Partial<TDeclareMajorIncidentRequest>) => api<TMajorIncident>("POST", "/api/v1/major-incidents", { body }),
    onSuccess: refresh,
  });
}

/** Status update, resolve-all and review writes on one major incident. */
export function useMajorAction(ref: string) {
  const refresh = useRefreshAll();
  return useMutation({
    mutationFn: (
      a:
        | { kind: "update"; body: string }
        | { kind: "resolve"; resolutionCode: string; resolutionNotes: string }
        | { kind: "review"; patch: z.infer<typeof ZReviewPatch> },
    ) =>
      a.kind === "update"
        ? api<TMajorIncident>("POST", `/api/v1/major-incidents/${enc(ref)}/updates`, { body: { body: a.body } })
        : a.kind === "resolve"
          ? api<TMajorIncident>("POST", `/api/v1/major-incidents/${enc(ref)}/resolve`, {
              body: { resolutionCode: a.resolutionCode, resolutionNotes: a.resolutionNotes },
            })
          : api<TMajorIncident>("PATCH", `/api/v1/major-incidents/${enc(ref)}/review`, { body: a.patch }),
    onSuccess: refresh,
  });
}

export const timeKey = (ref: string) => ["desk-work", "time", ref] as const;

export function useTimeSheet(ref: string) {
  return useQuery({ queryKey: timeKey(ref), queryFn: ({ signal }) => api<TTimeSheet>("GET", `/api/v1/work-items/${enc(ref)}/time-entries`, { signal }) });
}

type TimeAction =
  | { kind: "log"; minutes: number; workDate?: string; activity: string; billable: boolean; note: string }
  | { kind: "start" }
  | { kind: "stop"; activity: string; billable: boolean; note: string }
  | { kind: "discard" }
  | { kind: "delete"; entryId: string };

/** Logs time, runs the timer or deletes an entry; answers with any contract warnings. */
export function useTimeAction(ref: string) {
  const qc = useQueryClient();
  const base = `/api/v1/work-items/${enc(ref)}`;
  return useMutation({
    mutationFn: async (a: TimeAction): Promise<{ warnings: TThresholdWarning[] }> => {
      if (a.kind === "log") {
        const { kind: _k, ...body } = a;
        return api("POST", `${base}/time-entries`, { body });
      }
      if (a.kind === "stop") {
        const { kind: _k, ...body } = a;
        return api("POST", `${base}/timer/stop`, { body });
      }
      if (a.kind === "start") await api("POST", `${base}/timer`);
      if (a.kind === "discard") await api("DELETE", `${base}/timer`);
      if (a.kind === "delete") await api("DELETE", `${base}/time-entries/${a.entryId}`);
      return { warnings: [] };
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["desk-work"] });
      void qc.invalidateQueries({ queryKey: incidentKeys.part(ref, "timeline") });
    },
  });
}

export function useContracts() {
  return useQuery({
    queryKey: ["desk-work", "contracts"],
    queryFn: ({ signal }) => api<{ items: TSupportContract[] }>("GET", "/api/v1/support-contracts", { signal }).then((r) => r.items),
  });
}

export function useCreateContract() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateSupportContractRequest) => api<TSupportContract>("POST", "/api/v1/support-contracts", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["desk-work"] }),
  });
}

export function useContractReport(from: string, to: string) {
  return useQuery({
    queryKey: ["desk-work", "report", from, to],
    queryFn: ({ signal }) => api<TContractReport>("GET", `/api/v1/support-contracts/report${qs({ from, to })}`, { signal }),
  });
}
