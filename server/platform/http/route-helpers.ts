import { invalidField } from "./errors";
import type { FastifyRequest } from "fastify";
import { ZErrorEnvelope } from "../../../contracts/common";
import type { Actor } from "../../deps";
import { principalOf } from "./auth";

/** Error responses every protected route may give, for the OpenAPI document. */
export const errorResponses = {
  400: ZErrorEnvelope,
  401: ZErrorEnvelope,
  403: ZErrorEnvelope,
  404: ZErrorEnvelope,
  409: ZErrorEnvelope,
} as const;

/** The use-case actor for the authenticated caller of this request. */
export function actorOf(req: FastifyRequest): Actor {
  const p = principalOf(req);
  return {
    userId: p.userId,
    organizationId: p.organizationId,
    role: p.role,
    groupIds: p.groupIds,
    ...(p.requesterScope === "organization" ? { requesterScope: "organization" as const } : {}),
    ip: req.ip ?? null,
  };
}

/** The version an update was based on, from `If-Match` ("3", W/"3" or 3); absent or * → no check. */
export function ifMatchVersion(req: FastifyRequest): number | undefined {
  const h = req.headers["if-match"];
  if (typeof h !== "string" || h.trim() === "" || h.trim() === "*") return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(h.trim());
  if (!m) throw invalidField("headers.if-match", 'must be the version you read, e.g. "3"');
  return Number(m[1]);
}
