import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZIncident, ZIncidentIdParam } from "../../../contracts/incidents";
import { ZCreateMacroRequest, ZListMacrosQuery, ZMacro } from "../../../contracts/macros";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as macros from "./macro.service";

/** Macros: named sets of actions an agent applies to an incident in one step. */
export function registerMacroRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["macros"];
  r.get(
    "/api/v1/macros",
    {
      schema: {
        tags,
        summary: "Your macros and the shared ones",
        querystring: ZListMacrosQuery,
        response: { 200: z.object({ items: z.array(ZMacro) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await macros.listMacros(deps, actorOf(req), req.query.deskId) }),
  );
  r.post(
    "/api/v1/macros",
    { schema: { tags, summary: "Save a macro (personal or shared)", body: ZCreateMacroRequest, response: { 201: ZMacro, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await macros.createMacro(deps, actorOf(req), req.body)),
  );
  r.delete(
    "/api/v1/macros/:macroId",
    { schema: { tags, summary: "Delete a macro", params: z.object({ macroId: z.uuid() }), response: { 204: z.null(), ...errorResponses } } },
    async (req, reply) => {
      await macros.deleteMacro(deps, actorOf(req), req.params.macroId);
      return reply.status(204).send(null);
    },
  );
  r.post(
    "/api/v1/incidents/:id/macros/:macroId/apply",
    {
      schema: {
        tags,
        summary: "Apply a macro to an incident in one transaction",
        params: ZIncidentIdParam.extend({ macroId: z.uuid() }),
        response: { 200: ZIncident, ...errorResponses },
      },
    },
    async (req) => macros.applyMacro(deps, actorOf(req), req.params.id, req.params.macroId),
  );
}
