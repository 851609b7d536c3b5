import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import type { z } from "zod";
import type { ZGroup, ZUser } from "../../../../contracts/identity";
import type { ZCategory, ZSavedView, ZService } from "../../../../contracts/reference";
import { api, qs } from "../../app/api";
import { useAuth } from "../../app/auth";

export type TGroup = z.infer<typeof ZGroup>;
export type TUser = z.infer<typeof ZUser>;
export type TService = z.infer<typeof ZService>;
export type TCategory = z.infer<typeof ZCategory>;
export type TSavedView = z.infer<typeof ZSavedView>;

type Items<T> = { items: T[] };
const REFERENCE_STALE = 5 * 60_000;

/** The directory, groups and views are for agents and admins; requesters never ask for them. */
export function useIsStaff(): boolean {
  const { state } = useAuth();
  return state.status === "signedIn" && state.user.role !== "requester";
}

/** Agents and admins (assignee pickers); the API caps one page at 100 people. */
export function useStaff() {
  const enabled = useIsStaff();
  return useQuery({
    enabled,
    queryKey: ["users", "staff"],
    queryFn: ({ signal }) => api<Items<TUser>>("GET", `/api/v1/users${qs({ role: "staff", limit: 100 })}`, { signal }).then((r) => r.items),
    staleTime: REFERENCE_STALE,
  });
}

/** People matching a search (requester picker); empty search lists the first page. */
export function usePeopleSearch(q: string) {
  const enabled = useIsStaff();
  return useQuery({
    enabled,
    queryKey: ["users", "search", q],
    queryFn: ({ signal }) => api<Items<TUser>>("GET", `/api/v1/users${qs({ q: q || undefined, limit: 20 })}`, { signal }).then((r) => r.items),
    staleTime: 60_000,
    placeholderData: (prev) => prev,
  });
}

export function useGroups() {
  const enabled = useIsStaff();
  return useQuery({
    enabled,
    queryKey: ["groups"],
    queryFn: ({ signal }) => api<Items<TGroup>>("GET", "/api/v1/groups", { signal }).then((r) => r.items),
    staleTime: REFERENCE_STALE,
  });
}

export function useServices() {
  return useQuery({
    queryKey: ["services"],
    queryFn: ({ signal }) => api<Items<TService>>("GET", "/api/v1/services", { signal }).then((r) => r.items),
    staleTime: REFERENCE_STALE,
  });
}

export function useCategories() {
  return useQuery({
    queryKey: ["categories"],
    queryFn: ({ signal }) => api<Items<TCategory>>("GET", "/api/v1/categories", { signal }).then((r) => r.items),
    staleTime: REFERENCE_STALE,
  });
}

export function useViews() {
  const enabled = useIsStaff();
  return useQuery({
    enabled,
    queryKey: ["views"],
    queryFn: ({ signal }) => api<Items<TSavedView>>("GET", "/api/v1/views", { signal }).then((r) => r.items),
    staleTime: REFERENCE_STALE,
  });
}

export interface NameLookup {
  user(id: string): string | undefined;
  group(id: string): string | undefined;
  service(id: string): string | undefined;
  category(id: string): string | undefined;
}

/** Resolves ids to names from the reference lists already loaded (and any people seen in searches). */
export function useNameLookup(extraPeople: Array<{ id: string; name: string } | null | undefined> = []): NameLookup {
  const staff = useStaff().data;
  const groups = useGroups().data;
  const services = useServices().data;
  const categories = useCategories().data;
  const queryClient = useQueryClient();
  const extraKey = extraPeople.map((p) => p?.id ?? "").join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: extraKey stands for extraPeople (a new array every render)
  return useMemo(() => {
    const people = new Map<string, string>();
    for (const [, list] of queryClient.getQueriesData<TUser[]>({ queryKey: ["users"] })) for (const u of list ?? []) people.set(u.id, u.name);
    for (const u of staff ?? []) people.set(u.id, u.name);
    for (const p of extraPeople) if (p) people.set(p.id, p.name);
    const index = <T extends { id: string; name: string }>(list: T[] | undefined) => new Map((list ?? []).map((x) => [x.id, x.name]));
    const g = index(groups);
    const s = index(services);
    const c = index(categories);
    return { user: (id) => people.get(id), group: (id) => g.get(id), service: (id) => s.get(id), category: (id) => c.get(id) };
  }, [staff, groups, services, categories, queryClient, extraKey]);
}
