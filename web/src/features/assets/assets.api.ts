import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TAsset, TLicence, TRenewalNotice, TVendor, TVendorContract } from "../../../../contracts/assets";
import { api } from "../../app/api";

type Items<T> = { items: T[] };
const get = <T>(path: string) => ({
  queryKey: ["assets-module", path],
  queryFn: ({ signal }: { signal: AbortSignal }) => api<Items<T>>("GET", path, { signal }).then((r) => r.items),
});

export const useVendors = () => useQuery(get<TVendor>("/api/v1/vendors"));
export const useAssets = () => useQuery(get<TAsset>("/api/v1/assets"));
export const useLicences = () => useQuery(get<TLicence>("/api/v1/licences"));
export const useContracts = () => useQuery(get<TVendorContract>("/api/v1/vendor-contracts"));
export const useNotices = () => useQuery(get<TRenewalNotice>("/api/v1/renewal-notices"));

/** POST to one of the asset endpoints; refreshes every asset list. */
export function useCreate<T>(path: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: T) => api("POST", path, { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["assets-module"] }),
  });
}
