import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type {
  TBranding,
  TOnboardOrganizationRequest,
  TOrganizationDetail,
  ZMember,
  ZOrganizationNode,
  ZOrganizationSummary,
  ZUpdateOrganizationRequest,
} from "../../../../contracts/organizations";
import { api } from "../../app/api";

export type OrgNode = z.infer<typeof ZOrganizationNode>;
export type Member = z.infer<typeof ZMember>;
export type OrgSummary = z.infer<typeof ZOrganizationSummary>["items"][number];

export const orgKeys = {
  branding: (orgId: string) => ["branding", orgId] as const,
  summary: ["organizations", "summary"] as const,
  tree: ["organizations", "tree"] as const,
  detail: (id: string) => ["organizations", "detail", id] as const,
  members: (id: string) => ["organizations", "members", id] as const,
};

/** The portal's look: by host name before sign-in, then the organization acted in. */
export function useBranding(orgId = "") {
  return useQuery({
    queryKey: orgKeys.branding(orgId),
    queryFn: ({ signal }) => api<TBranding>("GET", "/api/v1/branding", { signal, quiet401: true }),
    staleTime: 5 * 60_000,
  });
}

/** My organizations with counts of open work in each. */
export function useOrgSummary(enabled: boolean) {
  return useQuery({
    queryKey: orgKeys.summary,
    queryFn: ({ signal }) => api<{ items: OrgSummary[] }>("GET", "/api/v1/me/organizations", { signal }).then((r) => r.items),
    enabled,
    staleTime: 30_000,
  });
}

export function useOrgTree() {
  return useQuery({
    queryKey: orgKeys.tree,
    queryFn: ({ signal }) => api<{ items: OrgNode[] }>("GET", "/api/v1/admin/organizations", { signal }).then((r) => r.items),
  });
}

export function useOrgDetail(id: string | null) {
  return useQuery({
    queryKey: orgKeys.detail(id ?? ""),
    queryFn: ({ signal }) => api<TOrganizationDetail>("GET", `/api/v1/admin/organizations/${id}`, { signal }),
    enabled: !!id,
  });
}

export function useMembers(id: string | null) {
  return useQuery({
    queryKey: orgKeys.members(id ?? ""),
    queryFn: ({ signal }) => api<{ items: Member[] }>("GET", `/api/v1/admin/organizations/${id}/members`, { signal }).then((r) => r.items),
    enabled: !!id,
  });
}

export function useOnboard() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<TOnboardOrganizationRequest> & Pick<TOnboardOrganizationRequest, "name" | "slug">) =>
      api<{ organization: TOrganizationDetail }>("POST", "/api/v1/admin/organizations", { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["organizations"] }),
  });
}

export function useUpdateOrg(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof ZUpdateOrganizationRequest>) => api<TOrganizationDetail>("PATCH", `/api/v1/admin/organizations/${id}`, { body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["organizations"] });
      void qc.invalidateQueries({ queryKey: ["branding"] });
    },
  });
}

export function useUploadLogo(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { contentType: string; dataBase64: string }) => api<TOrganizationDetail>("PUT", `/api/v1/admin/organizations/${id}/logo`, { body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["organizations"] });
      void qc.invalidateQueries({ queryKey: ["branding"] });
    },
  });
}

export function usePutMember(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; name?: string; role: string; organizationManager: boolean }) =>
      api<Member>("PUT", `/api/v1/admin/organizations/${id}/members`, { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["organizations"] }),
  });
}

export function useRemoveMember(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api("DELETE", `/api/v1/admin/organizations/${id}/members/${userId}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["organizations"] }),
  });
}
