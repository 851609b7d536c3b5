import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type {
  TDryRunResult,
  TRule,
  TRuleInput,
  TSchedule,
  ZAgentAvailability,
  ZGroupAssignment,
  ZRuleRun,
  ZScheduleInput,
  ZUpdateAgentAvailability,
  ZUpdateGroupAssignment,
} from "../../../../contracts/automation";
import { api } from "../../app/api";

export type TGroupAssignment = z.infer<typeof ZGroupAssignment>;
export type TAgentAvailability = z.infer<typeof ZAgentAvailability>;
export type TRuleRun = z.infer<typeof ZRuleRun>;
export type TScheduleInput = z.input<typeof ZScheduleInput>;

export const automationKeys = {
  all: ["automation"] as const,
  rules: ["automation", "rules"] as const,
  runs: ["automation", "runs"] as const,
  groups: ["automation", "groups"] as const,
  agents: ["automation", "agents"] as const,
  schedules: ["automation", "schedules"] as const,
};

export function useRules() {
  return useQuery({
    queryKey: automationKeys.rules,
    queryFn: ({ signal }) => api<{ items: TRule[] }>("GET", "/api/v1/automation/rules", { signal }).then((r) => r.items),
  });
}

export function useRuns() {
  return useQuery({
    queryKey: automationKeys.runs,
    queryFn: ({ signal }) => api<{ items: TRuleRun[] }>("GET", "/api/v1/automation/runs", { signal }).then((r) => r.items),
  });
}

/** Saves a rule (create, or replace with the version read). */
export function useSaveRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input, version }: { id?: string; input: TRuleInput; version?: number }) =>
      id
        ? api<TRule>("PUT", `/api/v1/automation/rules/${id}`, { body: { ...input, version } })
        : api<TRule>("POST", "/api/v1/automation/rules", { body: input }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: automationKeys.all }),
  });
}

export function useDeleteRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api("DELETE", `/api/v1/automation/rules/${id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: automationKeys.all }),
  });
}

export function useReorderRules() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => api<{ items: TRule[] }>("POST", "/api/v1/automation/rules/order", { body: { ids } }),
    onSuccess: (r) => qc.setQueryData(automationKeys.rules, r.items),
  });
}

export function useDryRun() {
  return useMutation({
    mutationFn: (body: { workItem: string; rule: TRuleInput }) => api<TDryRunResult>("POST", "/api/v1/automation/rules/dry-run", { body }),
  });
}

export function useGroupAssignments() {
  return useQuery({
    queryKey: automationKeys.groups,
    queryFn: ({ signal }) => api<{ items: TGroupAssignment[] }>("GET", "/api/v1/automation/assignment/groups", { signal }).then((r) => r.items),
  });
}

export function useSaveGroupAssignment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ groupId, input }: { groupId: string; input: z.input<typeof ZUpdateGroupAssignment> }) =>
      api<TGroupAssignment>("PUT", `/api/v1/automation/assignment/groups/${groupId}`, { body: input }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: automationKeys.groups }),
  });
}

export function useAgents() {
  return useQuery({
    queryKey: automationKeys.agents,
    queryFn: ({ signal }) => api<{ items: TAgentAvailability[] }>("GET", "/api/v1/automation/agents", { signal }).then((r) => r.items),
  });
}

export function useSaveAgent() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, input }: { userId: string; input: z.input<typeof ZUpdateAgentAvailability> }) =>
      api<TAgentAvailability>("PUT", `/api/v1/automation/agents/${userId}`, { body: input }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: automationKeys.agents });
      void qc.invalidateQueries({ queryKey: automationKeys.groups });
    },
  });
}

export function useSchedules() {
  return useQuery({
    queryKey: automationKeys.schedules,
    queryFn: ({ signal }) => api<{ items: TSchedule[] }>("GET", "/api/v1/automation/schedules", { signal }).then((r) => r.items),
  });
}

export function useSaveSchedule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: TScheduleInput }) =>
      id
        ? api<TSchedule>("PUT", `/api/v1/automation/schedules/${id}`, { body: input })
        : api<TSchedule>("POST", "/api/v1/automation/schedules", { body: input }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: automationKeys.schedules }),
  });
}

export function useDeleteSchedule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api("DELETE", `/api/v1/automation/schedules/${id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: automationKeys.schedules }),
  });
}

/** Next occurrences of a recurrence as typed (debounced by the caller); errors name the field. */
export function useRecurrencePreview(input: { cron: string | null; rrule: string | null; timezone: string }) {
  const enabled = Boolean(input.cron || input.rrule) && Boolean(input.timezone);
  return useQuery({
    queryKey: ["automation", "preview", input],
    enabled,
    retry: false,
    queryFn: ({ signal }) => api<{ occurrences: string[] }>("POST", "/api/v1/automation/schedules/preview", { body: input, signal }).then((r) => r.occurrences),
  });
}
