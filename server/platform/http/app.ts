import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import multipart from "@fastify/multipart";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { createJsonSchemaTransform, createJsonSchemaTransformObject, validatorCompiler } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Logger } from "pino";
import type { Metrics } from "../metrics";
import { runInTenantContext } from "../db/db";
import { installErrorHandler } from "./error-handler";

export interface AppOptions {
  logger: Logger;
  metrics: Metrics;
  trustProxy?: boolean;
  attachmentMaxBytes: number;
  /** Folder with the built SPA; served with a fallback to index.html when present. */
  webDist?: string;
}

export type App = FastifyInstance;

/** One registered route, as the security tests enumerate them (method + URL template + auth flag). */
export interface RouteEntry {
  method: string;
  url: string;
  auth: boolean;
  hidden: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every route registered on the app, in registration order (HEAD twins left out). */
    routeTable: RouteEntry[];
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the HTTP application shell: validation, errors, OpenAPI, security headers, static SPA. */
export async function createHttpApp(opts: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: opts.logger as unknown as import("fastify").FastifyBaseLogger,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
    // Per-request lines come from our onResponse hook (debug) and the metrics; errors are logged by the handler.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers["x-request-id"];
      return typeof h === "string" && REQUEST_ID.test(h) ? h : randomUUID();
    },
    ajv: { customOptions: { coerceTypes: false } },
    routerOptions: { maxParamLength: 200 },
  }) as unknown as FastifyInstance;

  const routeTable: RouteEntry[] = [];
  app.decorate("routeTable", routeTable);
  app.addHook("onRoute", (route) => {
    for (const method of ([] as string[]).concat(route.method)) {
      routeTable.push({
        method,
        url: route.url,
        // Read when asked: later onRoute hooks (the docs pages) still adjust the config.
        get auth() {
          return route.config?.auth !== false;
        },
        hidden: Boolean((route.schema as { hide?: boolean } | undefined)?.hide),
      });
    }
  });

  app.setValidatorCompiler(validatorCompiler);
  // Responses are shaped by presenters and documented by their schemas; plain JSON.stringify keeps them fast.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandler(app);

  // Each request runs in its own tenant context (system until the caller is known; auth narrows it).
  app.addHook("onRequest", (_req, _reply, done) => runInTenantContext(null, done));
  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    opts.metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) req.log.warn({ reqId: req.id, url: req.url, status: reply.statusCode }, "request failed");
    else req.log.debug({ url: req.url, status: reply.statusCode, ms: reply.elapsedTime }, "request");
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(multipart, { limits: { fileSize: opts.attachmentMaxBytes, files: 1, fields: 5, parts: 6 } });

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Portico API",
        version: "1.0.0",
        description:
          "IT service management. Authenticate with a session cookie (browser; send X-CSRF-Token on writes) or `Authorization: Bearer <personal API token>`. Errors use one envelope: `{error: {code, message, details}}`.",
      },
      servers: [{ url: "/" }],
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer" },
          session: { type: "apiKey", in: "cookie", name: "portico_session" },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    // Schemas with a meta id (Incident, ErrorEnvelope…) become shared components referenced by $ref.
    transform: createJsonSchemaTransform({ schemaRegistry: z.globalRegistry }),
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: z.globalRegistry }),
  });
  // The docs page only renders the public openapi.json, and the CLI announces its address: no sign-in needed.
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith("/api/docs")) route.config = { ...(route.config ?? {}), auth: false };
  });
  await app.register(swaggerUi, {
    routePrefix: "/api/docs",
    staticCSP: true,
    // The docs page's own CSP allows framing by the same origin; nothing should frame Portico.
    transformStaticCSP: (header: string) => header.replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
  });
  app.get("/api/v1/openapi.json", { config: { auth: false }, schema: { hide: true } }, async () => app.swagger());

  if (opts.webDist && fs.existsSync(path.join(opts.webDist, "index.html"))) {
    const dist = opts.webDist;
    const assets = path.join(path.resolve(dist), "assets") + path.sep;
    await app.register(fastifyStatic, {
      root: dist,
      prefix: "/",
      wildcard: false,
      index: false,
      maxAge: "1h",
      // With wildcard: false the files found at startup get their own routes, so the hashed-asset rule
      // below in "/*" never sees them: give content-hashed bundles their year-long cache here too.
      setHeaders: (reply, file) => {
        if (file.startsWith(assets)) reply.header("cache-control", "public, max-age=31536000, immutable");
      },
    });
    const indexHtml = fs.readFileSync(path.join(dist, "index.html"));
    const spa = async (_req: unknown, reply: import("fastify").FastifyReply) =>
      reply.header("cache-control", "no-cache").type("text/html; charset=utf-8").send(indexHtml);
    app.get("/", { schema: { hide: true } }, spa);
    // Public: it serves the SPA's files, and unknown /api URLs fall through to the 404 envelope.
    app.get("/*", { config: { auth: false }, schema: { hide: true } }, async (req, reply) => {
      if (req.url.startsWith("/api/")) return reply.callNotFound();
      const file = req.url.split("?")[0];
      const candidate = path.join(dist, path.normalize(file).replace(/^(\.\.[/\\])+/, ""));
      if (candidate.startsWith(dist) && fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        // Caching comes from the static plugin's options (maxAge, setHeaders): sendFile applies them.
        return reply.sendFile(path.relative(dist, candidate));
      }
      return spa(req, reply);
    });
  }
  return app;
}
