import { createHash } from "node:crypto";
import type { Actor } from "../../deps";
import type { Tx } from "../../platform/db/db";
import { AppError } from "../../platform/http/errors";
import { claimIdempotencyKey, storeIdempotentResponse } from "./work-item.repo";

export type IdempotentResult<T> = { status: number; body: T; replayed: boolean };

/** Stable hash of what a create asked for, to refuse reusing a key for a different request. */
export function requestHash(input: unknown): string {
  return createHash("sha256").update(JSON.stringify(input)).digest("hex");
}

const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs a create once per (caller, Idempotency-Key): the key is claimed in the same transaction as
 * the create, so a retry after a crash either replays the stored response or runs afresh, never twice.
 */
export async function runIdempotent<T>(
  tx: Tx,
  actor: Actor,
  key: string | undefined,
  input: unknown,
  fn: () => Promise<{ status: number; body: T }>,
): Promise<IdempotentResult<T>> {
  if (key === undefined) return { ...(await fn()), replayed: false };
  if (!KEY.test(key))
    throw new AppError("VALIDATION_FAILED", "Idempotency-Key must be 1–200 printable ASCII characters", [
      { field: "headers.idempotency-key", message: "invalid" },
    ]);
  const hash = requestHash(input);
  const claim = await claimIdempotencyKey(tx, { userId: actor.userId, organizationId: actor.organizationId, key, requestHash: hash });
  if (!claim.claimed) {
    if (claim.requestHash !== hash) throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used for a different request");
    if (claim.statusCode === null) throw new AppError("IDEMPOTENCY_IN_PROGRESS", "A request with this Idempotency-Key is still in progress");
    return { status: claim.statusCode, body: claim.response as T, replayed: true };
  }
  const result = await fn();
  await storeIdempotentResponse(tx, actor.userId, key, result.status, result.body);
  return { ...result, replayed: false };
}
