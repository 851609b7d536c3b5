import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import type { ErrorCode } from "../../../contracts/common";
import { AppError, type ErrorDetail, STATUS_BY_CODE } from "./errors";

const PG_UNAVAILABLE = new Set(["57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006", "53300"]);
const NET_UNAVAILABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

function send(reply: FastifyReply, req: FastifyRequest, code: ErrorCode, message: string, details?: ErrorDetail[]) {
  const body: { error: Record<string, unknown> } = { error: { code, message, requestId: req.id } };
  if (details?.length) body.error.details = details;
  return reply.status(STATUS_BY_CODE[code]).type("application/json; charset=utf-8").send(body);
}

type PgError = Error & { code?: string; constraint?: string; column?: string; detail?: string };

/** Translates database errors that bad input can cause into 4xx; the rest are 5xx. */
function fromPg(err: PgError): AppError | null {
  const c = err.code ?? "";
  // ENOENT from connect(): the server's Unix socket is gone (the embedded PostgreSQL is down). The pg driver's
  // own errors for a connection lost mid-query carry no code, only a message.
  const socketGone = c === "ENOENT" && (err as { syscall?: string }).syscall === "connect";
  if (
    PG_UNAVAILABLE.has(c) ||
    NET_UNAVAILABLE.has(c) ||
    socketGone ||
    /timeout exceeded when trying to connect|Connection terminated|connection error and is not queryable|Client was closed and is not queryable/i.test(
      err.message,
    )
  ) {
    return new AppError("SERVICE_UNAVAILABLE", "The database is unavailable; try again shortly", undefined, { "retry-after": "5" });
  }
  if (!c) return null;
  if (c === "23503") return new AppError("VALIDATION_FAILED", "A referenced record does not exist", [{ message: "unknown reference", code: err.constraint }]);
  if (c === "23505") return new AppError("CONFLICT", "A record with the same unique value already exists", [{ message: "duplicate", code: err.constraint }]);
  if (c === "23514") return new AppError("VALIDATION_FAILED", "A value is out of the allowed range", [{ message: "check failed", code: err.constraint }]);
  if (c === "22001") return new AppError("VALIDATION_FAILED", "A value is too long");
  if (c === "22P02" || c === "22007" || c === "22008") return new AppError("VALIDATION_FAILED", "A value has the wrong format");
  // A NUL byte (or an invalid escape) in text reaches PostgreSQL, which refuses it: the input is wrong, not the server.
  if (c === "22021" || c === "22025") return new AppError("VALIDATION_FAILED", "A value contains characters that cannot be stored (such as a NUL byte)");
  // "ON CONFLICT DO UPDATE command cannot affect row a second time": the same key twice in one request's list.
  if (c === "21000") return new AppError("VALIDATION_FAILED", "The same entry appears more than once in the request");
  if (c === "40001" || c === "40P01") return new AppError("CONFLICT", "Concurrent update; retry the request");
  return null;
}

/** The one place where errors become HTTP responses with the error envelope. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | PgError, req, reply) => {
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers);
      return send(reply, req, error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const part = (error as FastifyError).validationContext ?? "body";
      const details = error.validation.map((v) => {
        const p = (v.instancePath || "").replace(/^\//, "").replace(/\//g, ".");
        return { field: p ? `${part}.${p}` : part, message: v.message ?? "invalid", code: v.keyword };
      });
      const first = details[0];
      return send(reply, req, "VALIDATION_FAILED", first ? `${first.field}: ${first.message}` : "Invalid request", details);
    }
    const fe = error as FastifyError;
    const pgMapped = fromPg(error as PgError);
    if (pgMapped) {
      if (pgMapped.code === "SERVICE_UNAVAILABLE") req.log.warn({ err: error }, "database unavailable");
      if (pgMapped.headers) reply.headers(pgMapped.headers);
      return send(reply, req, pgMapped.code, pgMapped.message, pgMapped.details);
    }
    if (fe.code === "FST_ERR_CTP_BODY_TOO_LARGE" || fe.code === "FST_REQ_FILE_TOO_LARGE" || fe.statusCode === 413) {
      return send(reply, req, "PAYLOAD_TOO_LARGE", "The request body is too large");
    }
    if (fe.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || fe.statusCode === 415) {
      return send(reply, req, "UNSUPPORTED_MEDIA_TYPE", "Unsupported content type");
    }
    if (fe.statusCode === 429) {
      return send(reply, req, "RATE_LIMITED", "Too many requests; slow down");
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return send(reply, req, "VALIDATION_FAILED", fe.message || "Invalid request");
    }
    req.log.error({ err: error }, "unhandled error");
    return send(reply, req, "INTERNAL", "Something went wrong on our side; it has been logged");
  });

  app.setNotFoundHandler((req, reply) => send(reply, req, "NOT_FOUND", `No route for ${req.method} ${req.url.split("?")[0]}`));
}
