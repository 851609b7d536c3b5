import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZErrorEnvelope } from "../../../contracts/common";
import {
  ZArticle,
  ZArticleAttachment,
  ZArticleDiff,
  ZArticleIdParam,
  ZArticleLink,
  ZArticleLinkRequest,
  ZArticlePage,
  ZArticleTransitionRequest,
  ZArticleVersion,
  ZArticleVersionList,
  ZCategory,
  ZCreateArticleRequest,
  ZCreateCategoryRequest,
  ZDiffQuery,
  ZFeedbackRequest,
  ZFeedbackResult,
  ZFromWorkItemRequest,
  ZListArticlesQuery,
  ZRestoreRequest,
  ZRevisionParam,
  ZUnlinkParam,
  ZUpdateArticleRequest,
  ZViewResult,
  ZWorkItemRefParam,
} from "../../../contracts/knowledge";
import type { Deps } from "../../deps";
import { AppError } from "../../platform/http/errors";
import { actorOf, errorResponses } from "../../platform/http/route-helpers";
import * as engagement from "./article-engagement.service";
import * as articles from "./article.service";

const ZLinkList = z.object({ items: z.array(ZArticleLink) });
const ZHistory = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      action: z.string(),
      actor: z.object({ id: z.uuid(), name: z.string(), email: z.string() }).nullable(),
      data: z.unknown(),
      createdAt: z.string(),
    }),
  ),
});

/** Knowledge articles over HTTP: thin — validate, hand to the services, shape the answer. */
export function registerKnowledgeRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["knowledge"];
  const base = "/api/v1/knowledge";

  r.get(
    `${base}/categories`,
    { schema: { tags, summary: "Knowledge categories", response: { 200: z.object({ items: z.array(ZCategory) }), ...errorResponses } } },
    async (req) => engagement.listCategories(deps, actorOf(req)),
  );
  r.post(
    `${base}/categories`,
    { schema: { tags, summary: "Add a category (agents)", body: ZCreateCategoryRequest, response: { 201: ZCategory, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await engagement.createCategory(deps, actorOf(req), req.body)),
  );

  r.get(
    `${base}/articles`,
    {
      schema: {
        tags,
        summary: "Articles: filter, text, cursor pages (requesters: published public ones)",
        querystring: ZListArticlesQuery,
        response: { 200: ZArticlePage, ...errorResponses },
      },
    },
    async (req) => articles.listArticles(deps, actorOf(req), req.query),
  );
  r.post(
    `${base}/articles`,
    { schema: { tags, summary: "Write a draft article (agents)", body: ZCreateArticleRequest, response: { 201: ZArticle, ...errorResponses } } },
    async (req, reply) => {
      const a = await articles.createArticle(deps, actorOf(req), req.body);
      return reply.status(201).header("location", `${base}/articles/${a.id}`).send(a);
    },
  );
  r.post(
    `${base}/articles/from-work-item`,
    {
      schema: {
        tags,
        summary: "Draft an article from a resolved incident in one step (symptoms + resolution, linked back)",
        body: ZFromWorkItemRequest,
        response: { 201: ZArticle, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await engagement.createArticleFromWorkItem(deps, actorOf(req), req.body)),
  );
  r.get(
    `${base}/articles/:id`,
    { schema: { tags, summary: "One article by UUID or KB number", params: ZArticleIdParam, response: { 200: ZArticle, ...errorResponses } } },
    async (req, reply) => {
      const a = await articles.getArticle(deps, actorOf(req), req.params.id);
      return reply.header("etag", `"${a.version}"`).send(a);
    },
  );
  r.patch(
    `${base}/articles/:id`,
    {
      schema: {
        tags,
        summary: "Edit (agents); a text change makes a new version; a stale version gets 409",
        params: ZArticleIdParam,
        body: ZUpdateArticleRequest,
        response: { 200: ZArticle, ...errorResponses },
      },
    },
    async (req) => articles.updateArticle(deps, actorOf(req), req.params.id, req.body),
  );
  r.post(
    `${base}/articles/:id/transitions`,
    {
      schema: {
        tags,
        summary: "submit for review, approve, reject, publish (admins), retire, redraft",
        params: ZArticleIdParam,
        body: ZArticleTransitionRequest,
        response: { 200: ZArticle, ...errorResponses },
      },
    },
    async (req) => articles.transitionArticle(deps, actorOf(req), req.params.id, req.body),
  );
  r.get(
    `${base}/articles/:id/versions`,
    { schema: { tags, summary: "Versions, newest first (agents)", params: ZArticleIdParam, response: { 200: ZArticleVersionList, ...errorResponses } } },
    async (req) => articles.listVersions(deps, actorOf(req), req.params.id),
  );
  r.get(
    `${base}/articles/:id/versions/:revision`,
    { schema: { tags, summary: "One version's text (agents)", params: ZRevisionParam, response: { 200: ZArticleVersion, ...errorResponses } } },
    async (req) => articles.getVersion(deps, actorOf(req), req.params.id, req.params.revision),
  );
  r.post(
    `${base}/articles/:id/versions/:revision/restore`,
    {
      schema: {
        tags,
        summary: "Restore an old version as a new one (agents)",
        params: ZRevisionParam,
        body: ZRestoreRequest,
        response: { 200: ZArticle, ...errorResponses },
      },
    },
    async (req) => articles.restoreVersion(deps, actorOf(req), req.params.id, req.params.revision, req.body.version),
  );
  r.get(
    `${base}/articles/:id/diff`,
    {
      schema: {
        tags,
        summary: "Word differences between two versions (agents)",
        params: ZArticleIdParam,
        querystring: ZDiffQuery,
        response: { 200: ZArticleDiff, ...errorResponses },
      },
    },
    async (req) => articles.diffVersions(deps, actorOf(req), req.params.id, req.query.from, req.query.to),
  );
  r.get(
    `${base}/articles/:id/history`,
    { schema: { tags, summary: "Audit trail (agents)", params: ZArticleIdParam, response: { 200: ZHistory, ...errorResponses } } },
    async (req) => articles.getHistory(deps, actorOf(req), req.params.id),
  );
  r.post(
    `${base}/articles/:id/feedback`,
    {
      schema: {
        tags,
        summary: "Helpful or not (one vote per person, changeable)",
        params: ZArticleIdParam,
        body: ZFeedbackRequest,
        response: { 200: ZFeedbackResult, ...errorResponses },
      },
    },
    async (req) => engagement.giveFeedback(deps, actorOf(req), req.params.id, req.body.helpful, req.body.comment),
  );
  r.post(
    `${base}/articles/:id/views`,
    { schema: { tags, summary: "Count one reading", params: ZArticleIdParam, response: { 200: ZViewResult, ...errorResponses } } },
    async (req) => engagement.recordView(deps, actorOf(req), req.params.id),
  );
  r.post(
    `${base}/articles/:id/attachments`,
    {
      schema: {
        tags,
        summary: "Upload a file or image (multipart/form-data, field 'file'; agents)",
        params: ZArticleIdParam,
        consumes: ["multipart/form-data"],
        response: { 201: ZArticleAttachment, 413: ZErrorEnvelope, 415: ZErrorEnvelope, ...errorResponses },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the file as multipart/form-data in a field named 'file'");
      const file = await req.file();
      if (!file) throw new AppError("VALIDATION_FAILED", "No file in the request", [{ field: "body.file", message: "required" }]);
      const content = await file.toBuffer();
      if (content.length === 0) throw new AppError("VALIDATION_FAILED", "The file is empty", [{ field: "body.file", message: "empty" }]);
      return reply
        .status(201)
        .send(await engagement.addArticleAttachment(deps, actorOf(req), req.params.id, { filename: file.filename, contentType: file.mimetype, content }));
    },
  );
  r.get(
    `${base}/attachments/:id/content`,
    { schema: { tags, summary: "Download an article's file", params: z.object({ id: z.uuid() }) } },
    async (req, reply) => {
      const a = await engagement.downloadArticleAttachment(deps, actorOf(req), req.params.id);
      const ascii = a.filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
      return reply
        .header("content-type", a.inline ? a.contentType : "application/octet-stream")
        .header("content-disposition", `${a.inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "private, no-store")
        .send(a.content);
    },
  );
  r.get(
    `${base}/articles/:id/links`,
    { schema: { tags, summary: "Work items the article is linked to (agents)", params: ZArticleIdParam, response: { 200: ZLinkList, ...errorResponses } } },
    async (req) => engagement.listArticleLinks(deps, actorOf(req), req.params.id),
  );
  r.post(
    `${base}/articles/:id/links`,
    {
      schema: {
        tags,
        summary: 'Link to a work item ("resolved with KB…"; agents)',
        params: ZArticleIdParam,
        body: ZArticleLinkRequest,
        response: { 200: ZLinkList, ...errorResponses },
      },
    },
    async (req) => engagement.linkArticle(deps, actorOf(req), req.params.id, req.body.workItem, req.body.kind),
  );
  r.delete(
    `${base}/articles/:id/links/:workItemId`,
    { schema: { tags, summary: "Remove a link (agents)", params: ZUnlinkParam, response: { 200: ZLinkList, ...errorResponses } } },
    async (req) => engagement.unlinkArticle(deps, actorOf(req), req.params.id, req.params.workItemId),
  );
  r.get(
    "/api/v1/work-items/:ref/articles",
    {
      schema: {
        tags,
        summary: "Articles linked to a work item (requesters: those they can read)",
        params: ZWorkItemRefParam,
        response: { 200: ZLinkList, ...errorResponses },
      },
    },
    async (req) => engagement.listItemArticles(deps, actorOf(req), req.params.ref),
  );
}
