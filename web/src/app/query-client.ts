import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api";

/** One query client for the app: short staleness (live events refresh what changes), no retry on 4xx. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: true,
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
    mutations: { retry: false },
  },
});
