import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZCreateDeskRequest, ZDesk, ZDeskRefParam, ZUpdateDeskRequest } from "../../../contracts/desks";
import type { Deps } from "../../deps";
import { principalOf, requireRole } from "../../platform/http/auth";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as desks from "./desk.service";

/** Service desks (IT, HR, Facilities…): everyone lists them, admins shape them. */
export function registerDeskRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["desks"];

  r.get(
    "/api/v1/desks",
    {
      schema: {
        tags,
        summary: "Service desks in portal order",
        querystring: z.object({ all: z.enum(["true", "false"]).optional().describe("Staff: include inactive desks") }),
        response: { 200: z.object({ items: z.array(ZDesk) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await desks.listDesks(deps, actorOf(req), { all: req.query.all === "true" }) }),
  );
  r.get(
    "/api/v1/desks/:id",
    { schema: { tags, summary: "One desk by UUID or slug", params: ZDeskRefParam, response: { 200: ZDesk, ...errorResponses } } },
    async (req) => desks.getDesk(deps, actorOf(req), req.params.id),
  );
  r.post(
    "/api/v1/desks",
    { schema: { tags, summary: "Create a desk (admins)", body: ZCreateDeskRequest, response: { 201: ZDesk, ...errorResponses } } },
    async (req, reply) => {
      requireRole(principalOf(req), "admin");
      return reply.status(201).send(await desks.createDesk(deps, actorOf(req), req.body));
    },
  );
  r.patch(
    "/api/v1/desks/:id",
    { schema: { tags, summary: "Change a desk (admins)", params: ZDeskRefParam, body: ZUpdateDeskRequest, response: { 200: ZDesk, ...errorResponses } } },
    async (req) => {
      requireRole(principalOf(req), "admin");
      return desks.updateDesk(deps, actorOf(req), req.params.id, req.body);
    },
  );
}
