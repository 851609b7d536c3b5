import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { TLoginRequest, TMe } from "../../../contracts/identity";
import type { TMfaChallenge } from "../../../contracts/sso";
import { api, setCsrfToken, setUnauthenticatedHandler } from "./api";

export type AuthState =
  | { status: "loading"; user: null }
  | { status: "signedOut"; user: null; reason?: "expired" | "signedOut" }
  | { status: "signedIn"; user: TMe };

interface AuthContextValue {
  state: AuthState;
  /** First step: a session, or a pending second step (two-step verification). */
  signIn(input: TLoginRequest): Promise<TMe | TMfaChallenge>;
  /** Takes a session opened by a later step (second factor, enrolment). */
  acceptSession(s: SessionResponse): void;
  signOut(): Promise<void>;
  /** Acts in another organization the person belongs to; everything cached from the old one is dropped. */
  switchOrganization(organizationId: string): Promise<TMe>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export interface SessionResponse {
  user: TMe;
  csrfToken: string;
}

/** Restores the browser session on load, and holds who is signed in and their CSRF token. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading", user: null });
  const queryClient = useQueryClient();

  useEffect(() => {
    let cancelled = false;
    api<SessionResponse>("GET", "/api/v1/auth/session", { quiet401: true })
      .then((s) => {
        if (cancelled) return;
        setCsrfToken(s.csrfToken);
        setState({ status: "signedIn", user: s.user });
      })
      .catch(() => !cancelled && setState({ status: "signedOut", user: null }));
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken("");
      queryClient.clear();
      setState((s) => (s.status === "signedIn" ? { status: "signedOut", user: null, reason: "expired" } : s));
    });
    return () => setUnauthenticatedHandler(null);
  }, [queryClient]);

  const acceptSession = useCallback((s: SessionResponse) => {
    setCsrfToken(s.csrfToken);
    setState({ status: "signedIn", user: s.user });
  }, []);

  const signIn = useCallback(
    async (input: TLoginRequest) => {
      const s = await api<SessionResponse | TMfaChallenge>("POST", "/api/v1/auth/login", { body: input, quiet401: true });
      if ("mfa" in s) return s;
      acceptSession(s);
      return s.user;
    },
    [acceptSession],
  );

  const signOut = useCallback(async () => {
    try {
      await api("POST", "/api/v1/auth/logout", { body: {}, quiet401: true });
    } catch {
      // Signed out anyway: the cookie is gone or the server is unreachable.
    }
    setCsrfToken("");
    queryClient.clear();
    setState({ status: "signedOut", user: null, reason: "signedOut" });
  }, [queryClient]);

  const switchOrganization = useCallback(
    async (organizationId: string) => {
      const s = await api<SessionResponse>("POST", "/api/v1/session/organization", { body: { organizationId } });
      // Nothing of the previous organization may stay on screen: drop every cached answer, then refetch.
      queryClient.removeQueries();
      acceptSession(s);
      return s.user;
    },
    [acceptSession, queryClient],
  );

  const value = useMemo(() => ({ state, signIn, acceptSession, signOut, switchOrganization }), [state, signIn, acceptSession, signOut, switchOrganization]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The auth state and sign-in/out actions. */
export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth outside AuthProvider");
  return ctx;
}

/** The signed-in person (only inside the agent shell, which guarantees one). */
export function useMe(): TMe {
  const { state } = useAuth();
  if (state.status !== "signedIn") throw new Error("useMe without a signed-in user");
  return state.user;
}
