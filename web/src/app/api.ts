import type { ErrorCode } from "../../../contracts/common";

/** An API failure in the server's error envelope (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "NETWORK",
    message: string,
    readonly details: Array<{ field?: string; message: string }> = [],
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Field errors keyed by the form field: `body.title` → `title`. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) {
      if (!d.field) continue;
      const key = d.field.replace(/^(body|query|params)\./, "");
      out[key] ??= d.message;
    }
    return out;
  }
}

let csrfToken = "";
let onUnauthenticated: (() => void) | null = null;

/** Remembers the session's CSRF token; sent on every state-changing request. */
export function setCsrfToken(token: string) {
  csrfToken = token;
}

/** Called when the server says the session is gone (401), so the app can show sign-in. */
export function setUnauthenticatedHandler(fn: (() => void) | null) {
  onUnauthenticated = fn;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not report 401 to the auth layer (used by the session probe and sign-in). */
  quiet401?: boolean;
}

async function toError(res: Response): Promise<ApiError> {
  try {
    const json = (await res.json()) as { error?: { code: ErrorCode; message: string; details?: ApiError["details"] } };
    if (json.error) return new ApiError(res.status, json.error.code, json.error.message, json.error.details ?? []);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(res.status, "INTERNAL", res.statusText || `HTTP ${res.status}`);
}

async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  // A text body with its own content type (e.g. YAML) is sent as it is.
  else if (typeof opts.body === "string" && opts.headers?.["content-type"]) body = opts.body;
  else if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  try {
    return await fetch(path, { method, headers, body, signal: opts.signal, credentials: "same-origin" });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "NETWORK", "network");
  }
}

/** Calls the Portico API: JSON in and out, CSRF header on writes, errors as ApiError. */
export async function api<T>(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, opts: RequestOptions = {}): Promise<T> {
  let res = await send(method, path, opts);
  if (res.status === 403 && method !== "GET") {
    const err = await toError(res.clone());
    // The token may have rotated with a new session: fetch it again and retry once.
    if (err.code === "CSRF_FAILED") {
      const s = await send("GET", "/api/v1/auth/session", {});
      if (s.ok) {
        setCsrfToken(((await s.json()) as { csrfToken: string }).csrfToken);
        res = await send(method, path, opts);
      }
    }
  }
  if (!res.ok) {
    const err = await toError(res);
    if (res.status === 401 && !opts.quiet401) onUnauthenticated?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Builds a query string, leaving out empty values; arrays are comma-joined. */
export function qs(params: Record<string, string | string[] | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) {
      if (v.length) u.set(k, v.join(","));
    } else u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : "";
}

/** A random id for Idempotency-Key headers (crypto.randomUUID needs a secure context; this does not). */
export function randomKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Calls the API for a file (CSV export): the body as a Blob, errors as ApiError. */
export async function apiBlob(method: "GET" | "POST", path: string, opts: RequestOptions = {}): Promise<Blob> {
  const res = await send(method, path, { ...opts, headers: { accept: "*/*", ...opts.headers } });
  if (!res.ok) {
    const err = await toError(res);
    if (res.status === 401 && !opts.quiet401) onUnauthenticated?.();
    throw err;
  }
  return res.blob();
}
