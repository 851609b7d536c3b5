import type { ErrorCode } from "../../../contracts/common";

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  CSRF_FAILED: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  VERSION_CONFLICT: 409,
  INVALID_TRANSITION: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  TOO_MANY_LOGIN_ATTEMPTS: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface ErrorDetail {
  field?: string;
  message: string;
  code?: string;
}

/** A failure the caller can act on: one code, one human message, optional per-field details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: ErrorDetail[];
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, details?: ErrorDetail[], headers?: Record<string, string>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

/** Shorthand for the most common failure: the thing does not exist for this caller. */
export function notFound(what: string): AppError {
  return new AppError("NOT_FOUND", `${what} not found`);
}

/** A 400 naming one field. */
export function invalidField(field: string, message: string): AppError {
  return new AppError("VALIDATION_FAILED", `${field}: ${message}`, [{ field, message }]);
}
