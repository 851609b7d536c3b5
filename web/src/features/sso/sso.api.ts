import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { ZIdentityPolicy, ZLdapDirectory, ZLdapSyncResult, ZLdapTestResult, ZOidcProvider } from "../../../../contracts/sso";
import { api } from "../../app/api";

export type TIdentityPolicy = z.infer<typeof ZIdentityPolicy>;
export type TOidcProvider = z.infer<typeof ZOidcProvider>;
export type TLdapDirectory = z.infer<typeof ZLdapDirectory>;
export type TLdapSyncResult = z.infer<typeof ZLdapSyncResult>;
export type TLdapTestResult = z.infer<typeof ZLdapTestResult>;

export const ssoKeys = {
  policy: ["admin", "identity-policy"] as const,
  providers: ["admin", "oidc-providers"] as const,
  directories: ["admin", "directories"] as const,
};

/** The organization's identity policy. */
export function useIdentityPolicy() {
  return useQuery({ queryKey: ssoKeys.policy, queryFn: () => api<TIdentityPolicy>("GET", "/api/v1/admin/identity-policy") });
}

/** Changes the identity policy. */
export function useUpdatePolicy() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<Pick<TIdentityPolicy, "requireMfaForStaff" | "localLoginEnabled" | "scimDefaultRole">>) =>
      api<TIdentityPolicy>("PATCH", "/api/v1/admin/identity-policy", { body }),
    onSuccess: (p) => qc.setQueryData(ssoKeys.policy, p),
  });
}

/** OpenID Connect providers of the organization. */
export function useProviders() {
  return useQuery({ queryKey: ssoKeys.providers, queryFn: () => api<{ items: TOidcProvider[] }>("GET", "/api/v1/admin/oidc-providers") });
}

/** LDAP directories of the organization. */
export function useDirectories() {
  return useQuery({ queryKey: ssoKeys.directories, queryFn: () => api<{ items: TLdapDirectory[] }>("GET", "/api/v1/admin/directories") });
}

/** Comma-separated text ↔ list of values. */
export const splitList = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
