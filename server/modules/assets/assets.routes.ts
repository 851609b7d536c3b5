import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ZAsset,
  ZAssignLicenceRequest,
  ZCreateAssetRequest,
  ZCreateContractRequest,
  ZCreateLicenceRequest,
  ZIdParam,
  ZLicence,
  ZLicenceDetail,
  ZListAssetsQuery,
  ZRenewalNotice,
  ZUpdateAssetRequest,
  ZUpdateContractRequest,
  ZUpdateLicenceRequest,
  ZVendor,
  ZVendorContract,
  ZVendorInput,
} from "../../../contracts/assets";
import type { Deps } from "../../deps";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as assets from "./assets.service";

/** Assets, vendors, software licences, vendor contracts and renewal notices over HTTP. */
export function registerAssetRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["assets"];
  const base = "/api/v1";
  const list = <T extends z.ZodType>(item: T) => ({ 200: z.object({ items: z.array(item) }), ...errorResponses });

  r.get(`${base}/vendors`, { schema: { tags, summary: "Vendors", response: list(ZVendor) } }, async (req) => ({
    items: await assets.listVendors(deps, actorOf(req)),
  }));
  r.post(
    `${base}/vendors`,
    { schema: { tags, summary: "Add a vendor", body: ZVendorInput, response: { 201: ZVendor, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await assets.saveVendor(deps, actorOf(req), null, req.body)),
  );
  r.patch(
    `${base}/vendors/:id`,
    { schema: { tags, summary: "Change a vendor", params: ZIdParam, body: ZVendorInput.partial(), response: { 200: ZVendor, ...errorResponses } } },
    async (req) => assets.saveVendor(deps, actorOf(req), req.params.id, req.body),
  );

  r.get(`${base}/assets`, { schema: { tags, summary: "Assets by tag", querystring: ZListAssetsQuery, response: list(ZAsset) } }, async (req) => ({
    items: await assets.listAssets(deps, actorOf(req), req.query),
  }));
  r.post(
    `${base}/assets`,
    { schema: { tags, summary: "Register an asset", body: ZCreateAssetRequest, response: { 201: ZAsset, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await assets.createAsset(deps, actorOf(req), req.body)),
  );
  r.get(`${base}/assets/:id`, { schema: { tags, summary: "One asset", params: ZIdParam, response: { 200: ZAsset, ...errorResponses } } }, async (req) =>
    assets.getAsset(deps, actorOf(req), req.params.id),
  );
  r.patch(
    `${base}/assets/:id`,
    {
      schema: {
        tags,
        summary: "Change an asset (stale version → 409)",
        params: ZIdParam,
        body: ZUpdateAssetRequest,
        response: { 200: ZAsset, ...errorResponses },
      },
    },
    async (req) => assets.updateAsset(deps, actorOf(req), req.params.id, req.body),
  );

  r.get(`${base}/licences`, { schema: { tags, summary: "Software licences with seats used and compliance", response: list(ZLicence) } }, async (req) => ({
    items: await assets.listLicences(deps, actorOf(req)),
  }));
  r.post(
    `${base}/licences`,
    { schema: { tags, summary: "Record a software licence", body: ZCreateLicenceRequest, response: { 201: ZLicenceDetail, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await assets.saveLicence(deps, actorOf(req), null, req.body)),
  );
  r.get(
    `${base}/licences/:id`,
    { schema: { tags, summary: "One licence with its assignments", params: ZIdParam, response: { 200: ZLicenceDetail, ...errorResponses } } },
    async (req) => assets.getLicence(deps, actorOf(req), req.params.id),
  );
  r.patch(
    `${base}/licences/:id`,
    { schema: { tags, summary: "Change a licence", params: ZIdParam, body: ZUpdateLicenceRequest, response: { 200: ZLicenceDetail, ...errorResponses } } },
    async (req) => assets.saveLicence(deps, actorOf(req), req.params.id, req.body),
  );
  r.post(
    `${base}/licences/:id/assignments`,
    {
      schema: {
        tags,
        summary: "Assign a seat to a device or a person",
        params: ZIdParam,
        body: ZAssignLicenceRequest,
        response: { 201: ZLicenceDetail, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await assets.assignLicence(deps, actorOf(req), req.params.id, req.body)),
  );
  r.delete(
    `${base}/licences/:id/assignments/:assignmentId`,
    { schema: { tags, summary: "Free a seat", params: ZIdParam.extend({ assignmentId: z.uuid() }), response: { 200: ZLicenceDetail, ...errorResponses } } },
    async (req) => assets.unassignLicence(deps, actorOf(req), req.params.id, req.params.assignmentId),
  );

  r.get(`${base}/vendor-contracts`, { schema: { tags, summary: "Vendor contracts, soonest end first", response: list(ZVendorContract) } }, async (req) => ({
    items: await assets.listContracts(deps, actorOf(req)),
  }));
  r.post(
    `${base}/vendor-contracts`,
    {
      schema: {
        tags,
        summary: "Record a vendor contract with the CIs and assets it covers",
        body: ZCreateContractRequest,
        response: { 201: ZVendorContract, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await assets.saveContract(deps, actorOf(req), null, req.body)),
  );
  r.get(
    `${base}/vendor-contracts/:id`,
    { schema: { tags, summary: "One vendor contract", params: ZIdParam, response: { 200: ZVendorContract, ...errorResponses } } },
    async (req) => assets.getContract(deps, actorOf(req), req.params.id),
  );
  r.patch(
    `${base}/vendor-contracts/:id`,
    {
      schema: {
        tags,
        summary: "Change a vendor contract (ciIds/assetIds replace the covered items)",
        params: ZIdParam,
        body: ZUpdateContractRequest,
        response: { 200: ZVendorContract, ...errorResponses },
      },
    },
    async (req) => assets.saveContract(deps, actorOf(req), req.params.id, req.body),
  );
  r.get(
    `${base}/renewal-notices`,
    { schema: { tags, summary: "Renewal notices sent before contracts end and licences renew", response: list(ZRenewalNotice) } },
    async (req) => ({
      items: await assets.listRenewalNotices(deps, actorOf(req)),
    }),
  );
}
