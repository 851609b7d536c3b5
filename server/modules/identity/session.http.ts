import type { FastifyReply } from "fastify";
import type { Deps } from "../../deps";
import { SESSION_COOKIE } from "../../platform/http/auth";
import type { OpenedSession } from "./session.service";

/** Whether cookies must be marked Secure (HTTPS deployments). */
export function secureCookies(deps: Deps): boolean {
  return deps.config.PORTICO_SECURE_COOKIES ?? deps.config.PORTICO_PUBLIC_URL?.startsWith("https://") ?? false;
}

/** Sets the session cookie of a freshly opened session on the reply. */
export function setSessionCookie(reply: FastifyReply, deps: Deps, s: OpenedSession): void {
  reply.setCookie(SESSION_COOKIE, s.sessionToken, { path: "/", httpOnly: true, sameSite: "lax", secure: secureCookies(deps), expires: s.expiresAt });
}
