import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import { isUuid } from "../work-items/work-item.repo";
import "./problem.tables";

/** A known error with its problem's number, title and state. */
export interface KnownErrorRow {
  id: string;
  organization_id: string;
  number: string;
  problem_id: string;
  title: string;
  symptoms: string;
  workaround: string;
  published: boolean;
  created_at: Date;
  updated_at: Date;
  retired_at: Date | null;
  problem_number: string;
  problem_title: string;
  problem_state: string;
}

const SELECT = sql`k.id, k.organization_id, k.number, k.problem_id, k.title, k.symptoms, k.workaround, k.published,
  k.created_at, k.updated_at, k.retired_at, w.number as problem_number, w.title as problem_title, w.state as problem_state`;

/** Records a known error for a problem, numbered KE… from its own sequence. */
export async function insertKnownError(
  db: DbOrTx,
  k: { organizationId: string; problemId: string; title: string; symptoms: string; workaround: string; published: boolean; createdById: string },
): Promise<string> {
  const r = await sql<{ id: string }>`
    with seq as (select nextval('known_error_number')::text as v)
    insert into known_errors (organization_id, number, problem_id, title, symptoms, workaround, published, created_by_id)
    select ${k.organizationId}, 'KE' || lpad(seq.v, greatest(7, length(seq.v)), '0'), ${k.problemId}, ${k.title}, ${k.symptoms},
      ${k.workaround}, ${k.published}, ${k.createdById}
    from seq returning id`.execute(db);
  return r.rows[0].id;
}

/** One known error by id or KE number, scoped to the organization; optionally locked. */
export async function findKnownError(db: DbOrTx, orgId: string, ref: string, forUpdate = false): Promise<KnownErrorRow | undefined> {
  const where = isUuid(ref) ? sql`k.id = ${ref}::uuid` : sql`k.number = ${ref.toUpperCase()}`;
  const r = await sql<KnownErrorRow>`select ${SELECT} from known_errors k join work_items w on w.id = k.problem_id
    where k.organization_id = ${orgId} and ${where} ${sql.raw(forUpdate ? "for update of k" : "")}`.execute(db);
  return r.rows[0];
}

/** The known error of a problem, if recorded. */
export async function findKnownErrorOfProblem(db: DbOrTx, problemId: string): Promise<KnownErrorRow | undefined> {
  const r = await sql<KnownErrorRow>`select ${SELECT} from known_errors k join work_items w on w.id = k.problem_id where k.problem_id = ${problemId}`.execute(
    db,
  );
  return r.rows[0];
}

/** Changes a known error's text, publication or retirement. */
export async function updateKnownError(
  db: DbOrTx,
  id: string,
  patch: Partial<{ title: string; symptoms: string; workaround: string; published: boolean; retired_at: Date | null }>,
): Promise<void> {
  await db
    .updateTable("known_errors")
    .set({ ...patch, updated_at: new Date() })
    .where("id", "=", id)
    .execute();
}

/** Known errors of the organization: text search (ranked) or newest first; requesters only published ones. */
export async function listKnownErrors(
  db: DbOrTx,
  f: { organizationId: string; q?: string; serviceId?: string; includeRetired: boolean; publishedOnly: boolean; limit: number },
): Promise<KnownErrorRow[]> {
  const conds = [sql`k.organization_id = ${f.organizationId}`];
  if (!f.includeRetired) conds.push(sql`k.retired_at is null`);
  if (f.publishedOnly) conds.push(sql`k.published`);
  if (f.serviceId) conds.push(sql`w.service_id = ${f.serviceId}`);
  const tsq = f.q ? sql`websearch_to_tsquery('english', ${f.q})` : null;
  if (f.q && tsq) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(sql`(k.search @@ ${tsq} or k.title ilike ${like} or k.number = ${f.q.toUpperCase()})`);
  }
  const order = tsq ? sql`ts_rank(k.search, ${tsq}) desc, k.created_at desc` : sql`k.created_at desc`;
  const r = await sql<KnownErrorRow>`select ${SELECT} from known_errors k join work_items w on w.id = k.problem_id
    where ${sql.join(conds, sql` and `)} order by ${order} limit ${f.limit}`.execute(db);
  return r.rows;
}
