import { createHash, randomBytes } from "node:crypto";

/** A new random secret, URL-safe. */
export function newSecret(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** Secrets are stored only as their SHA-256. */
export function hashSecret(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

export const API_TOKEN_PREFIX = "ptk_";
