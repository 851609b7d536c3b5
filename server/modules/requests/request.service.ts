import type { TCreateServiceRequest, TListRequestsQuery, TServiceRequest } from "../../../contracts/catalog";
import { OPEN_REQUEST_STATES } from "../../../contracts/catalog";
import { buildAnswersSchema, type TAttachmentAnswer } from "../../../contracts/catalog-form";
import type { Actor, Deps } from "../../deps";
import { type Tx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { type ApprovalItem, cancelApprovals, listItemApprovals, registerApprovalHandler, startApprovals } from "../approvals/approval.service";
import { findCatalogVersion, loadOrderableItem } from "../catalog/catalog.service";
import { findDeskFor } from "../desks/desk.service";
import { runIdempotent } from "../work-items/idempotency";
import { isStaffActor, seesWholeOrganization } from "../work-items/work-item.policy";
import { findOrgUser } from "../work-items/work-item.repo";
import { addAttachment, announce, findVisibleItem } from "../work-items/work-item.service";
import { describeAnswers, personIds, presentRequest, presentRequestSummary } from "./request.presenter";
import * as repo from "./request.repo";
import { beginFulfilment, cancelOpenTasks, closeRequest } from "./request.lifecycle";
import { REQUEST_CLOSED } from "./request.workflow";
import { syncSlaClocks } from "../sla/sla.sync";

/** Answers that fail the item's form: one 400 naming every field (body.answers.<name>). */
function parseAnswers(form: Parameters<typeof buildAnswersSchema>[0], answers: Record<string, unknown>): Record<string, unknown> {
  const r = buildAnswersSchema(form).safeParse(answers);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ field: ["body", "answers", ...i.path.map(String)].join("."), message: i.message }));
  throw new AppError("VALIDATION_FAILED", `The answers do not fit the form: ${details.map((d) => `${d.field} ${d.message}`).join("; ")}`, details);
}

/** Orders a catalog item: validates the answers against its current version, starts its approvals, and — if none are needed — its fulfilment. */
export async function createServiceRequest(
  deps: Deps,
  actor: Actor,
  input: TCreateServiceRequest,
  opts: { idempotencyKey?: string; via: "session" | "token" },
): Promise<{ status: number; body: TServiceRequest; replayed: boolean }> {
  const staff = isStaffActor(actor);
  if (!staff && input.requesterId && input.requesterId !== actor.userId) throw new AppError("FORBIDDEN", "Only agents can order for someone else");
  return withTx(deps.db, (tx) =>
    runIdempotent(tx, actor, opts.idempotencyKey, input, async () => {
      const item = await loadOrderableItem(tx, actor, input.catalogItemId);
      const answers = parseAnswers(item.form, input.answers);
      const requesterId = input.requesterId ?? actor.userId;
      if (requesterId !== actor.userId && !(await findOrgUser(tx, actor.organizationId, requesterId)))
        throw invalidField("body.requesterId", "no such active person in this organization");
      const people = personIds(item.form, answers);
      const names = await repo.personNames(tx, actor.organizationId, people);
      for (const id of people)
        if (!names.has(id)) throw invalidField(`body.answers.${item.form.variables.find((v) => answers[v.name] === id)?.name}`, "no such person");

      const files = item.form.variables.filter((v) => v.type === "attachment" && answers[v.name]);
      const stored = { ...answers };
      for (const v of files) stored[v.name] = { filename: (answers[v.name] as TAttachmentAnswer).filename };
      const channel = opts.via === "token" ? "api" : staff ? "agent" : "portal";
      const row = await repo.insertRequest(tx, {
        organizationId: actor.organizationId,
        title: item.name,
        description: describeAnswers(item.form, stored, names),
        requesterId,
        channel,
        createdById: actor.userId,
        catalogItemId: item.id,
        versionId: item.current_version_id,
        deskId: item.desk_id,
        answers: stored,
      });
      // Service levels apply to requests as to any work item (policies may match on type "request").
      await syncSlaClocks(tx, row.id, { reason: "created", actorId: actor.userId });
      if (files.length) {
        const max = deps.config.PORTICO_ATTACHMENT_MAX_MB * 1024 * 1024;
        for (const v of files) {
          const a = answers[v.name] as TAttachmentAnswer;
          const content = Buffer.from(a.contentBase64, "base64");
          if (content.length > max) throw new AppError("PAYLOAD_TOO_LARGE", `${a.filename} is larger than ${deps.config.PORTICO_ATTACHMENT_MAX_MB} MB`);
          const att = await addAttachment({ ...deps, db: tx }, actor, row.id, "request", { filename: a.filename, contentType: a.contentType, content });
          stored[v.name] = { attachmentId: att.id, filename: att.filename, size: att.size };
        }
        await repo.setAnswers(tx, row.id, stored);
      }
      const approvalItem: ApprovalItem = { ...row, type: "request" };
      if ((await startApprovals(tx, approvalItem, item.approvals, actor.userId)) === "approved") await beginFulfilment(tx, approvalItem, actor.userId);
      await announce(tx, row, row.version, actor.userId, "work_item.created");
      return { status: 201, body: await presentById(tx, actor, row.id) };
    }),
  );
}

registerApprovalHandler("request", {
  async onApproved(tx, item, ctx) {
    await beginFulfilment(tx, item, ctx.actorId);
  },
  async onRejected(tx, item, ctx) {
    await closeRequest(tx, item, "rejected", ctx.actorId, ctx.reason);
  },
});

/** Presents a request already known to be visible to the actor. */
async function presentById(db: Tx | Deps["db"], actor: Actor, id: string): Promise<TServiceRequest> {
  const r = await repo.findRequest(db, actor.organizationId, id);
  if (!r) throw notFound("Request");
  const [version, approvals, tasks] = await Promise.all([
    findCatalogVersion(db, actor.organizationId, r.catalog_item_version_id),
    listItemApprovals(db, actor, id),
    repo.listRequestTasks(db, id),
  ]);
  const form = version?.form ?? { variables: [] };
  const names = await repo.personNames(db, actor.organizationId, personIds(form, r.answers));
  return presentRequest(r, actor, { form, names, approvals, tasks });
}

/** One request as the caller may see it (requesters: their own or watched). */
export async function getServiceRequest(deps: Deps, actor: Actor, ref: string): Promise<TServiceRequest> {
  const core = await findVisibleItem(deps.db, actor, ref, { type: "request" });
  return presentById(deps.db, actor, core.id);
}

/** Withdraws a request (its requester or staff): pending approvals and open tasks are cancelled. */
export async function cancelServiceRequest(deps: Deps, actor: Actor, ref: string, reason: string): Promise<TServiceRequest> {
  const id = await withTx(deps.db, async (tx) => {
    const core = await findVisibleItem(tx, actor, ref, { type: "request", forUpdate: true });
    if (!isStaffActor(actor) && core.requester_id !== actor.userId) throw new AppError("FORBIDDEN", "Only the requester or an agent can cancel a request");
    if (REQUEST_CLOSED.includes(core.state as never)) throw new AppError("INVALID_TRANSITION", `The request is already ${core.state.replace("_", " ")}`);
    const item: ApprovalItem = { ...core, type: "request" };
    await cancelApprovals(tx, item);
    await cancelOpenTasks(tx, item, actor.userId, reason);
    await closeRequest(tx, item, "cancelled", actor.userId, reason);
    const fresh = await repo.lockRequest(tx, actor.organizationId, core.id);
    await announce(tx, core, fresh?.version ?? core.version, actor.userId);
    return core.id;
  });
  return presentById(deps.db, actor, id);
}

function decodeCursor(c: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(c, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "string")) return v as [string, string];
  } catch {}
  throw invalidField("query.cursor", "invalid cursor");
}

/** Requests, newest first; requesters see only their own. */
export async function listServiceRequests(deps: Deps, actor: Actor, q: TListRequestsQuery) {
  const filter: repo.RequestListFilter = { organizationId: actor.organizationId, q: q.q };
  if (q.state) filter.states = q.state;
  else if (q.open === "true") filter.states = OPEN_REQUEST_STATES;
  else if (q.open === "false") filter.states = ["completed", "incomplete", "rejected", "cancelled"];
  if (q.requesterId) filter.requesterId = q.requesterId === "me" ? actor.userId : q.requesterId;
  if (!seesWholeOrganization(actor)) filter.requesterId = actor.userId;
  if (q.desk) filter.deskId = (await findDeskFor(deps.db, actor, q.desk)).id;
  const rows = await repo.listRequests(deps.db, filter, q.limit, q.cursor ? decodeCursor(q.cursor) : null);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(presentRequestSummary),
    nextCursor: rows.length > q.limit ? Buffer.from(JSON.stringify([last.cursor_at, last.id])).toString("base64url") : null,
  };
}
