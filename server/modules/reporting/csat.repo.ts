import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import { factsWhere, type Scope } from "./report.repo";
import "./reporting.tables";

export interface SurveyRow {
  id: string;
  organization_id: string;
  work_item_id: string;
  requester_id: string;
  score: number | null;
  comment: string | null;
  responded_at: Date | null;
  expires_at: Date;
  number: string;
  title: string;
  organization_name: string;
}

function surveyQuery(db: DbOrTx) {
  return db
    .selectFrom("csat_surveys as s")
    .innerJoin("work_items as w", "w.id", "s.work_item_id")
    .innerJoin("organizations as o", "o.id", "s.organization_id")
    .select([
      "s.id",
      "s.organization_id",
      "s.work_item_id",
      "s.requester_id",
      "s.score",
      "s.comment",
      "s.responded_at",
      "s.expires_at",
      "w.number",
      "w.title",
      "o.name as organization_name",
    ]);
}

/** A survey by the SHA-256 of its token (the link in the mail), optionally locked for the answer. */
export function findByTokenHash(db: DbOrTx, hash: Buffer, lock = false): Promise<SurveyRow | undefined> {
  return surveyQuery(db)
    .where("s.token_hash", "=", hash)
    .$if(lock, (q) => q.forUpdate("s"))
    .executeTakeFirst();
}

/** A survey of one organization by id, optionally locked. */
export function findById(db: DbOrTx, orgId: string, id: string, lock = false): Promise<SurveyRow | undefined> {
  return surveyQuery(db)
    .where("s.id", "=", id)
    .where("s.organization_id", "=", orgId)
    .$if(lock, (q) => q.forUpdate("s"))
    .executeTakeFirst();
}

/** The requester's surveys still open for an answer, newest first. */
export function listPendingFor(db: DbOrTx, orgId: string, requesterId: string, now: Date): Promise<SurveyRow[]> {
  return surveyQuery(db)
    .where("s.organization_id", "=", orgId)
    .where("s.requester_id", "=", requesterId)
    .where("s.responded_at", "is", null)
    .where("s.expires_at", ">", now)
    .orderBy("s.created_at", "desc")
    .limit(20)
    .execute();
}

/** Whether an item already has an unanswered survey (one per resolution). */
export async function hasPendingSurvey(db: DbOrTx, workItemId: string): Promise<boolean> {
  const r = await db.selectFrom("csat_surveys").select("id").where("work_item_id", "=", workItemId).where("responded_at", "is", null).executeTakeFirst();
  return !!r;
}

/** The resolved item as the survey needs it (null unless it exists and is resolved/closed). */
export function findSurveyableItem(db: DbOrTx, orgId: string, workItemId: string) {
  return db
    .selectFrom("work_items as w")
    .innerJoin("users as u", "u.id", "w.requester_id")
    .select([
      "w.id",
      "w.type",
      "w.number",
      "w.title",
      "w.state",
      "w.requester_id",
      "w.assignee_id",
      "w.assignment_group_id",
      "w.service_id",
      "u.email",
      "u.name",
      "u.locale",
      "u.active",
      "u.role",
    ])
    .where("w.id", "=", workItemId)
    .where("w.organization_id", "=", orgId)
    .executeTakeFirst();
}

export async function insertSurvey(
  db: DbOrTx,
  v: {
    organizationId: string;
    workItemId: string;
    requesterId: string;
    tokenHash: Buffer;
    assigneeId: string | null;
    groupId: string | null;
    serviceId: string | null;
    expiresAt: Date;
  },
): Promise<string | null> {
  const r = await db
    .insertInto("csat_surveys")
    .values({
      organization_id: v.organizationId,
      work_item_id: v.workItemId,
      requester_id: v.requesterId,
      token_hash: v.tokenHash,
      assignee_id: v.assigneeId,
      group_id: v.groupId,
      service_id: v.serviceId,
      expires_at: v.expiresAt,
    })
    .onConflict((oc) => oc.column("work_item_id").where("responded_at", "is", null).doNothing())
    .returning("id")
    .executeTakeFirst();
  return r?.id ?? null;
}

export async function saveResponse(db: DbOrTx, id: string, score: number, comment: string | null, at: Date): Promise<void> {
  await db
    .updateTable("csat_surveys")
    .set((eb) => ({ score, comment, responded_at: eb.fn.coalesce("responded_at", sql<Date>`${at}::timestamptz`), updated_at: at }))
    .where("id", "=", id)
    .execute();
}

/** Responses in the period: count, average, share of 4–5, distribution; and how many surveys went out. */
export async function csatSummary(db: DbOrTx, s: Scope) {
  const r = await sql<{ responses: number; avg: string | null; satisfied: number; d1: number; d2: number; d3: number; d4: number; d5: number }>`
    select count(*) as responses, avg(cs.score) as avg, count(*) filter (where cs.score >= 4) as satisfied,
      count(*) filter (where cs.score = 1) as d1, count(*) filter (where cs.score = 2) as d2, count(*) filter (where cs.score = 3) as d3,
      count(*) filter (where cs.score = 4) as d4, count(*) filter (where cs.score = 5) as d5
    from csat_surveys cs join report_item_facts f on f.work_item_id = cs.work_item_id
    where cs.organization_id = ${s.organizationId} and cs.responded_at >= ${s.from} and cs.responded_at < ${s.to}
      and ${factsWhere(s, "any")}`.execute(db);
  const sent = await sql<{ n: number }>`
    select count(*) as n from csat_surveys cs join report_item_facts f on f.work_item_id = cs.work_item_id
    where cs.organization_id = ${s.organizationId} and cs.created_at >= ${s.from} and cs.created_at < ${s.to} and ${factsWhere(s, "any")}`.execute(db);
  const x = r.rows[0];
  const responses = Number(x?.responses ?? 0);
  return {
    responses,
    sent: Number(sent.rows[0]?.n ?? 0),
    average: x?.avg === null || x?.avg === undefined ? null : Math.round(Number(x.avg) * 100) / 100,
    satisfiedPercent: responses ? Math.round((Number(x.satisfied) / responses) * 1000) / 10 : null,
    distribution: [x?.d1, x?.d2, x?.d3, x?.d4, x?.d5].map((v) => Number(v ?? 0)),
  };
}

/** Average score per agent, group or service (as they were when the survey was sent). */
export async function csatBy(db: DbOrTx, s: Scope, by: "assignee" | "group" | "service") {
  const col = by === "assignee" ? "assignee_id" : by === "group" ? "group_id" : "service_id";
  const table = by === "assignee" ? "users" : by === "group" ? "groups" : "services";
  const r = await sql<{ k: string | null; label: string | null; avg: string; n: number }>`
    select x.k, (select name from ${sql.table(table)} where id = x.k) as label, x.avg, x.n from (
      select ${sql.ref(`cs.${col}`)} as k, avg(cs.score) as avg, count(*) as n
      from csat_surveys cs join report_item_facts f on f.work_item_id = cs.work_item_id
      where cs.organization_id = ${s.organizationId} and cs.responded_at >= ${s.from} and cs.responded_at < ${s.to}
        and ${factsWhere(s, "any")}
      group by 1) x order by x.n desc, x.avg desc limit 25`.execute(db);
  return r.rows.map((x) => ({ key: x.k ?? "none", label: x.label ?? "", value: Math.round(Number(x.avg) * 100) / 100, count: Number(x.n) }));
}

/** Items whose survey was answered in the period (optionally with one score). */
export async function drillResponses(db: DbOrTx, s: Scope, score: number | null, limit: number) {
  const where = sql`cs.organization_id = ${s.organizationId} and cs.responded_at >= ${s.from} and cs.responded_at < ${s.to}
    and ${factsWhere(s, "any")} ${score ? sql`and cs.score = ${score}` : sql``}`;
  const [items, total] = await Promise.all([
    sql<{ id: string; number: string; type: string; title: string; state: string; priority: number; created_at: Date; resolved_at: Date | null }>`
      select w.id, w.number, w.type, w.title, w.state, w.priority, w.created_at, f.resolved_at
      from csat_surveys cs join report_item_facts f on f.work_item_id = cs.work_item_id join work_items w on w.id = cs.work_item_id
      where ${where} order by cs.responded_at desc limit ${limit}`.execute(db),
    sql<{ n: number }>`select count(*) as n from csat_surveys cs join report_item_facts f on f.work_item_id = cs.work_item_id where ${where}`.execute(db),
  ]);
  return { items: items.rows, total: Number(total.rows[0]?.n ?? 0) };
}

/** The organization's survey switch (organizations.settings.csatEnabled). */
export async function csatEnabled(db: DbOrTx, orgId: string): Promise<boolean> {
  const r = await sql<{ on: boolean | null }>`select (settings->>'csatEnabled')::boolean as on from organizations where id = ${orgId}`.execute(db);
  return r.rows[0]?.on === true;
}

export async function setCsatEnabled(db: DbOrTx, orgId: string, enabled: boolean): Promise<void> {
  await sql`update organizations set settings = settings || ${JSON.stringify({ csatEnabled: enabled })}::jsonb, updated_at = now() where id = ${orgId}`.execute(
    db,
  );
}
