import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Role } from "../../../contracts/identity";
import { enterTenant } from "../db/db";
import { AppError } from "./errors";

/** Who is calling: resolved once per request from the session cookie or the bearer token. */
export interface Principal {
  userId: string;
  organizationId: string;
  role: Role;
  name: string;
  email: string;
  groupIds: string[];
  /** Which requester items this caller sees in the organization: their own (default) or all of them. */
  requesterScope?: "own" | "organization";
  via: "session" | "token";
  sessionId?: string;
  csrfToken?: string;
}

export interface PrincipalResolver {
  fromSession(token: string): Promise<Principal | null>;
  fromApiToken(token: string): Promise<Principal | null>;
}

export const SESSION_COOKIE = "portico_session";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** false = public route; default true for /api routes. */
    auth?: boolean;
    /** The route checks its own bearer secret (e.g. an integration's), which is not an API token. */
    ownBearer?: boolean;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Resolves the caller on every /api request, refuses anonymous calls to protected routes and checks CSRF. */
export function installAuth(app: FastifyInstance, resolver: PrincipalResolver): void {
  app.decorateRequest("principal", null);
  // onRequest: refuse anonymous or forged calls before the body is even parsed or validated.
  app.addHook("onRequest", async (req: FastifyRequest) => {
    if (!req.url.startsWith("/api/")) return;
    // An unmatched URL has nothing to protect: let it reach the 404 handler instead of answering 401.
    const needsAuth = !req.is404 && req.routeOptions.config?.auth !== false;
    if (!req.is404 && req.routeOptions.config?.ownBearer) {
      req.principal = null;
      return;
    }
    const header = req.headers.authorization;
    let principal: Principal | null = null;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new AppError("UNAUTHENTICATED", "Authorization must be 'Bearer <token>'");
      principal = await resolver.fromApiToken(m[1]);
      if (!principal) throw new AppError("UNAUTHENTICATED", "The API token is invalid, expired or revoked");
    } else {
      const cookie = req.cookies?.[SESSION_COOKIE];
      if (cookie) principal = await resolver.fromSession(cookie);
    }
    req.principal = principal;
    // From here on, row-level security limits the request's queries to the caller's organization.
    if (principal) enterTenant(principal.organizationId);
    if (!needsAuth) return;
    if (!principal) throw new AppError("UNAUTHENTICATED", "Sign in first");
    if (principal.via === "session" && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers["x-csrf-token"];
      if (typeof sent !== "string" || !principal.csrfToken || !sameSecret(sent, principal.csrfToken)) {
        throw new AppError("CSRF_FAILED", "Missing or wrong X-CSRF-Token header");
      }
    }
  });
}

/** The authenticated caller of a protected route (the hook guarantees one). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError("UNAUTHENTICATED", "Sign in first");
  return req.principal;
}

/** Staff = agents and admins. */
export function isStaff(p: Principal): boolean {
  return p.role === "agent" || p.role === "admin";
}

/** Refuses anyone below the given role. */
export function requireRole(p: Principal, role: "agent" | "admin"): void {
  if (role === "admin" && p.role !== "admin") throw new AppError("FORBIDDEN", "Administrators only");
  if (role === "agent" && !isStaff(p)) throw new AppError("FORBIDDEN", "Agents only");
}
