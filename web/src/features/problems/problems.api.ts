import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  TBulkResult,
  TCandidateCluster,
  TCreateProblemRequest,
  TKnownError,
  TLinkedIncident,
  TProblem,
  TProblemPage,
  TProblemTransitionRequest,
  TUpdateProblemRequest,
} from "../../../../contracts/problems";
import { api, qs } from "../../app/api";

export const problemKeys = {
  all: ["problems"] as const,
  list: (f: Record<string, string | undefined>) => ["problems", "list", f] as const,
  detail: (ref: string) => ["problems", "detail", ref] as const,
  incidents: (ref: string) => ["problems", "detail", ref, "incidents"] as const,
  candidates: ["problems", "candidates"] as const,
  knownErrors: (q: string) => ["known-errors", q] as const,
  ofIncident: (ref: string) => ["incident", ref, "problems"] as const,
};
const path = (ref: string) => `/api/v1/problems/${encodeURIComponent(ref)}`;

/** Problems, one page of 100 (filters: open/all/resolved and words). */
export function useProblems(f: { open?: string; q?: string }) {
  return useQuery({
    queryKey: problemKeys.list(f),
    queryFn: ({ signal }) => api<TProblemPage>("GET", `/api/v1/problems${qs({ ...f, limit: 100 })}`, { signal }),
    placeholderData: (prev) => prev,
  });
}

export function useProblem(ref: string) {
  return useQuery({ queryKey: problemKeys.detail(ref), queryFn: ({ signal }) => api<TProblem>("GET", path(ref), { signal }) });
}

export function useLinkedIncidents(ref: string) {
  return useQuery({
    queryKey: problemKeys.incidents(ref),
    queryFn: ({ signal }) => api<{ items: TLinkedIncident[] }>("GET", `${path(ref)}/incidents`, { signal }).then((r) => r.items),
  });
}

export function useCandidates() {
  return useQuery({
    queryKey: problemKeys.candidates,
    queryFn: ({ signal }) => api<{ clusters: TCandidateCluster[] }>("GET", "/api/v1/problems/candidates", { signal }).then((r) => r.clusters),
  });
}

export function useKnownErrors(q: string) {
  return useQuery({
    queryKey: problemKeys.knownErrors(q),
    queryFn: ({ signal }) => api<{ items: TKnownError[] }>("GET", `/api/v1/known-errors${qs({ q, limit: 100 })}`, { signal }).then((r) => r.items),
    placeholderData: (prev) => prev,
  });
}

export function useProblemsOfIncident(ref: string) {
  return useQuery({
    queryKey: problemKeys.ofIncident(ref),
    queryFn: ({ signal }) =>
      api<{ items: Array<{ id: string; number: string; title: string; state: string; knownErrorId: string | null }> }>(
        "GET",
        `/api/v1/incidents/${encodeURIComponent(ref)}/problems`,
        { signal },
      ).then((r) => r.items),
  });
}

/** Every problem-related write refreshes problems, known errors and incidents (links and states move). */
function useProblemWrite<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      for (const key of [["problems"], ["known-errors"], ["incident"], ["incidents"]]) void qc.invalidateQueries({ queryKey: key });
    },
  });
}

export const useCreateProblem = () => useProblemWrite((body: TCreateProblemRequest) => api<TProblem>("POST", "/api/v1/problems", { body }));
export const useUpdateProblem = (ref: string) => useProblemWrite((body: TUpdateProblemRequest) => api<TProblem>("PATCH", path(ref), { body }));
export const useProblemTransition = (ref: string) =>
  useProblemWrite((body: TProblemTransitionRequest) => api<TProblem>("POST", `${path(ref)}/transitions`, { body }));
export const useLinkIncidents = (ref: string) =>
  useProblemWrite((incidents: string[]) => api<{ results: TBulkResult[] }>("POST", `${path(ref)}/incidents`, { body: { incidents } }).then((r) => r.results));
export const useUnlinkIncident = (ref: string) =>
  useProblemWrite((incident: string) => api<void>("DELETE", `${path(ref)}/incidents/${encodeURIComponent(incident)}`));
export const useResolveIncidents = (ref: string) =>
  useProblemWrite((incidents: string[]) =>
    api<{ results: TBulkResult[] }>("POST", `${path(ref)}/resolve-incidents`, { body: { incidents } }).then((r) => r.results),
  );
export const useRecordKnownError = (ref: string) =>
  useProblemWrite((body: { title?: string; symptoms: string; workaround?: string; published: boolean }) =>
    api<TKnownError>("POST", `${path(ref)}/known-error`, { body }),
  );
export const useApplyKnownError = () =>
  useProblemWrite(({ knownError, incident, resolve }: { knownError: string; incident: string; resolve: boolean }) =>
    api<{ incident: { number: string; state: string }; linked: boolean }>("POST", `/api/v1/known-errors/${encodeURIComponent(knownError)}/apply`, {
      body: { incident, resolve },
    }),
  );
export const useLinkToProblem = (incidentRef: string) =>
  useProblemWrite((problem: string) =>
    api<{ results: TBulkResult[] }>("POST", `${path(problem)}/incidents`, { body: { incidents: [incidentRef] } }).then((r) => r.results[0]),
  );
