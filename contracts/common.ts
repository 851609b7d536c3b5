import { z } from "zod";

/** Machine-readable error codes; each maps to one HTTP status on the server. */
export const ERROR_CODES = [
  "VALIDATION_FAILED",
  "UNAUTHENTICATED",
  "CSRF_FAILED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "VERSION_CONFLICT",
  "INVALID_TRANSITION",
  "IDEMPOTENCY_KEY_REUSED",
  "IDEMPOTENCY_IN_PROGRESS",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "TOO_MANY_LOGIN_ATTEMPTS",
  "SERVICE_UNAVAILABLE",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ZErrorDetail = z.object({
  /** Where the problem is: a dotted path such as `body.title`. */
  field: z.string().optional().describe("Where the problem is, e.g. body.title"),
  message: z.string(),
  code: z.string().optional(),
});

export const ZErrorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).describe("Machine-readable error code"),
      message: z.string().describe("Human-readable explanation"),
      details: z.array(ZErrorDetail).optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: "ErrorEnvelope", description: "Error" });
export type TErrorEnvelope = z.infer<typeof ZErrorEnvelope>;

export const ZUuid = z.uuid();

export const ZRef = z.object({ id: z.uuid(), name: z.string() }).meta({ id: "Ref" });
export const ZPersonRef = z.object({ id: z.uuid(), name: z.string(), email: z.string() }).meta({ id: "PersonRef" });
export type TRef = z.infer<typeof ZRef>;
export type TPersonRef = z.infer<typeof ZPersonRef>;

/** Accepts `a,b` or repeated `x=a&x=b` query parameters as one array. */
export function zCsv<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => {
    if (v === undefined || v === "") return undefined;
    const parts = (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(","));
    return parts.map((s) => s.trim()).filter(Boolean);
  }, z.array(item).min(1).max(50).optional());
}

export const ZLimit = z.coerce.number().int().min(1).max(100).default(50).describe("Page size (1–100)");
export const ZCursor = z.string().max(500).optional().describe("Opaque cursor from the previous page's nextCursor");

export function zPage<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    /** Pass back as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable().describe("Cursor for the next page; null on the last page"),
  });
}

export const ZOk = z.object({ ok: z.literal(true) });
