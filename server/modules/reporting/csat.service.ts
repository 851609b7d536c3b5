import { randomUUID } from "node:crypto";
import type { TCsatResponse, TCsatSurvey } from "../../../contracts/reporting";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError, notFound } from "../../platform/http/errors";
import { enqueueJob } from "../../platform/jobs/queue";
import { insertAudit } from "../identity/identity.repo";
import { hashSecret, newSecret } from "../identity/tokens";
import { queueItemMail } from "../notifications/notification.dispatch";
import { insertTimeline, touchItem } from "../work-items/work-item.repo";
import * as repo from "./csat.repo";

export const CSAT_OFFER_TASK = "csat.offer";
/** How long a survey link stays open. */
export const SURVEY_DAYS = 14;
/** Practices whose requesters are asked (the ones a requester raises). */
const SURVEYED_TYPES = new Set(["incident", "request"]);
const DONE = new Set(["resolved", "closed", "completed"]);

/** Queues the survey offer for a just-resolved item, inside the resolving transaction. */
export async function offerSurveyLater(tx: Parameters<typeof enqueueJob>[0], organizationId: string, workItemId: string): Promise<void> {
  await enqueueJob(tx, CSAT_OFFER_TASK, { organizationId, workItemId }, { maxAttempts: 5, jobKey: `csat-offer:${workItemId}` });
}

/** The job: creates the survey (one pending per item) and mails the requester five one-click links. */
export async function offerSurvey(deps: Deps, organizationId: string, workItemId: string): Promise<"sent" | "created" | "skipped"> {
  return withTx(deps.db, async (tx) => {
    if (!(await repo.csatEnabled(tx, organizationId))) return "skipped";
    const item = await repo.findSurveyableItem(tx, organizationId, workItemId);
    if (!item || !SURVEYED_TYPES.has(item.type) || !DONE.has(item.state) || item.role !== "requester") return "skipped";
    if (await repo.hasPendingSurvey(tx, item.id)) return "skipped";
    const token = newSecret("cs_");
    const id = await repo.insertSurvey(tx, {
      organizationId,
      workItemId: item.id,
      requesterId: item.requester_id,
      tokenHash: hashSecret(token),
      assigneeId: item.assignee_id,
      groupId: item.assignment_group_id,
      serviceId: item.service_id,
      expiresAt: new Date(Date.now() + SURVEY_DAYS * 86_400_000),
    });
    if (!id) return "skipped";
    if (!item.active || !item.email) return "created";
    const base = (deps.config.PORTICO_PUBLIC_URL ?? `http://localhost:${deps.config.PORT}`).replace(/\/$/, "");
    const link = (score: number) => `${base}/survey/${token}?score=${score}`;
    const mail = renderSurveyMail({ name: item.name, number: item.number, title: item.title, link });
    await queueItemMail(deps, tx, {
      organizationId,
      workItemId: item.id,
      number: item.number,
      eventId: randomUUID(),
      event: "csat.survey",
      recipientId: item.requester_id,
      to: item.email,
      ...mail,
    });
    return "sent";
  });
}

const LABELS = ["Very unhappy", "Unhappy", "Neutral", "Happy", "Very happy"];
const FACES = ["😞", "🙁", "😐", "🙂", "😄"];
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The survey mail: five links (opening the page records nothing by itself; the page posts the answer). */
export function renderSurveyMail(v: { name: string; number: string; title: string; link: (score: number) => string }) {
  const subject = `[${v.number}] How did we do? ${v.title}`.replace(/[\r\n\t]+/g, " ").slice(0, 400);
  const text = [
    `Hello ${v.name},`,
    "",
    `${v.number} "${v.title}" has been resolved. How satisfied are you with the help you got? Choose one:`,
    "",
    ...[5, 4, 3, 2, 1].map((s) => `${s} – ${LABELS[s - 1]}: ${v.link(s)}`),
    "",
    "One click is enough; you can add a comment on the page that opens.",
  ].join("\n");
  const buttons = [1, 2, 3, 4, 5]
    .map(
      (s) =>
        `<td style="padding:4px"><a href="${esc(v.link(s))}" style="display:inline-block;min-width:64px;padding:10px 6px;border:1px solid #ced4da;border-radius:8px;text-align:center;text-decoration:none;color:#1a1b1e"><span style="font-size:24px">${FACES[s - 1]}</span><br>${s} · ${LABELS[s - 1]}</a></td>`,
    )
    .join("");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:14px;line-height:1.5;color:#1a1b1e">
<p>Hello ${esc(v.name)},</p>
<p>${esc(v.number)} “${esc(v.title)}” has been resolved. How satisfied are you with the help you got?</p>
<table role="presentation"><tr>${buttons}</tr></table>
<p style="color:#495057">One click is enough; you can add a comment on the page that opens.</p>
</body></html>`;
  return { subject, text, html };
}

function present(r: repo.SurveyRow, now = new Date()): TCsatSurvey {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    organization: r.organization_name,
    score: r.score,
    comment: r.comment,
    respondedAt: r.responded_at ? r.responded_at.toISOString() : null,
    expiresAt: r.expires_at.toISOString(),
    expired: r.expires_at <= now,
  };
}

/** The survey behind a mailed link (no sign-in: the token is the key). */
export async function surveyByToken(deps: Deps, token: string): Promise<TCsatSurvey> {
  const r = await repo.findByTokenHash(deps.db, hashSecret(token));
  if (!r) throw notFound("Survey");
  return present(r);
}

/**
 * Records an answer. The first score writes a `csat_received` timeline event (data: score, comment,
 * surveyId) that rules can react to; a later change (another score, a comment added) writes
 * `csat_updated`. Answers close when the survey expires.
 */
async function answer(deps: Deps, find: (tx: Parameters<typeof repo.findByTokenHash>[0]) => Promise<repo.SurveyRow | undefined>, input: TCsatResponse) {
  return withTx(deps.db, async (tx) => {
    const r = await find(tx);
    if (!r) throw notFound("Survey");
    const now = new Date();
    if (r.expires_at <= now) throw new AppError("CONFLICT", "This survey has closed");
    const comment = input.comment ? input.comment : (r.comment ?? null);
    if (r.score === input.score && comment === r.comment) return present(r, now);
    await repo.saveResponse(tx, r.id, input.score, comment, now);
    await insertTimeline(tx, {
      organizationId: r.organization_id,
      workItemId: r.work_item_id,
      actorId: r.requester_id,
      kind: r.responded_at ? "csat_updated" : "csat_received",
      data: { surveyId: r.id, score: input.score, comment, ...(r.score !== null && r.score !== input.score ? { previousScore: r.score } : {}) },
    });
    await touchItem(tx, r.work_item_id);
    return present({ ...r, score: input.score, comment, responded_at: r.responded_at ?? now }, now);
  });
}

/** An answer through the mailed link. */
export function answerByToken(deps: Deps, token: string, input: TCsatResponse): Promise<TCsatSurvey> {
  const hash = hashSecret(token);
  return answer(deps, (tx) => repo.findByTokenHash(tx, hash, true), input);
}

/** An answer by the signed-in requester (portal). */
export function answerAsRequester(deps: Deps, actor: Actor, surveyId: string, input: TCsatResponse): Promise<TCsatSurvey> {
  return answer(
    deps,
    async (tx) => {
      const r = await repo.findById(tx, actor.organizationId, surveyId, true);
      return r && r.requester_id === actor.userId ? r : undefined;
    },
    input,
  );
}

/** The signed-in person's open surveys (the portal's "How did we do?" cards). */
export async function pendingSurveys(deps: Deps, actor: Actor): Promise<TCsatSurvey[]> {
  const now = new Date();
  return (await repo.listPendingFor(deps.db, actor.organizationId, actor.userId, now)).map((r) => present(r, now));
}

/** Whether resolved items offer a survey (off until an administrator turns it on, as in GLPI and Zammad). */
export async function getCsatSettings(deps: Deps, actor: Actor): Promise<{ enabled: boolean }> {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators manage surveys");
  return { enabled: await repo.csatEnabled(deps.db, actor.organizationId) };
}

/** Turns satisfaction surveys on or off for the organization (audited). */
export async function putCsatSettings(deps: Deps, actor: Actor, s: { enabled: boolean }): Promise<{ enabled: boolean }> {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators manage surveys");
  return withTx(deps.db, async (tx) => {
    await repo.setCsatEnabled(tx, actor.organizationId, s.enabled);
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "csat_settings.updated",
      entityType: "organization",
      entityId: actor.organizationId,
      data: s,
      ip: actor.ip,
    });
    return { enabled: s.enabled };
  });
}
