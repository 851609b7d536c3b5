import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZConfigImportQuery, ZConfigImportResult } from "../../../contracts/config-code";
import type { Deps } from "../../deps";
import { AppError } from "../../platform/http/errors";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import { exportConfig } from "./config.export";
import { importConfig, toYaml } from "./config.import";

const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

/** Configuration as code (admins): export as YAML, import with a diff preview. */
export function registerConfigRoutes(app: FastifyInstance, deps: Deps): void {
  app.addContentTypeParser(YAML_TYPES, { parseAs: "string", bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["configuration"];

  r.get(
    "/api/v1/config/export",
    {
      schema: {
        tags,
        summary: "The organization's configuration as YAML (admins)",
        description:
          "Groups, services, categories, desks, SLA calendars and policies, CI classes, catalog items (with forms, approvals and fulfilment), notification templates and automation rules (in order; webhook secrets left out), keyed by names, never ids. `portico config export > desk.yaml`.",
        produces: ["application/yaml"],
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators can export configuration");
      const yaml = toYaml(await exportConfig(deps, actor));
      return reply
        .header("content-type", "application/yaml; charset=utf-8")
        .header("content-disposition", `attachment; filename="portico-config.yaml"`)
        .send(yaml);
    },
  );
  r.post(
    "/api/v1/config/import",
    {
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        tags,
        summary: "Import a YAML configuration (admins); dryRun=true previews the diff and writes nothing",
        description:
          "Send the YAML as the body (application/yaml or text/plain). Everything is applied in one transaction through each module's own rules; any error rolls it all back and names the item (e.g. slaPolicies.2.targets.0.calendar). Nothing is deleted: items only in Portico are listed as only_in_portico.",
        consumes: [...YAML_TYPES, "text/plain"],
        querystring: ZConfigImportQuery,
        body: z
          .string()
          .max(5 * 1024 * 1024)
          .describe("The YAML document"),
        response: { 200: ZConfigImportResult, ...errorResponses },
      },
    },
    async (req) => importConfig(deps, actorOf(req), req.body, req.query.dryRun),
  );
}
