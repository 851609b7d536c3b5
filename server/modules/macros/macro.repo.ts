import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./macro.tables";

const owner = sql<{
  id: string;
  name: string;
  email: string;
} | null>`(select json_build_object('id', u.id, 'name', u.name, 'email', u.email) from users u where u.id = m.owner_id)`;

/** Macros the person may use: their own and the shared ones, optionally of one desk (and desk-less). */
export function listMacros(db: DbOrTx, orgId: string, userId: string, deskId?: string) {
  let q = db
    .selectFrom("macros as m")
    .select(["m.id", "m.name", "m.description", "m.owner_id", "m.desk_id", "m.actions", "m.created_at", owner.as("owner")])
    .where("m.organization_id", "=", orgId)
    .where((eb) => eb.or([eb("m.owner_id", "is", null), eb("m.owner_id", "=", userId)]))
    .orderBy("m.name");
  if (deskId) q = q.where((eb) => eb.or([eb("m.desk_id", "is", null), eb("m.desk_id", "=", deskId)]));
  return q.execute();
}

export function findMacro(db: DbOrTx, orgId: string, userId: string, id: string) {
  return db
    .selectFrom("macros as m")
    .select(["m.id", "m.name", "m.description", "m.owner_id", "m.desk_id", "m.actions", "m.created_at", owner.as("owner")])
    .where("m.organization_id", "=", orgId)
    .where("m.id", "=", id)
    .where((eb) => eb.or([eb("m.owner_id", "is", null), eb("m.owner_id", "=", userId)]))
    .executeTakeFirst();
}

export function insertMacro(
  db: DbOrTx,
  m: { orgId: string; ownerId: string | null; deskId: string | null; name: string; description: string; actions: unknown },
) {
  return db
    .insertInto("macros")
    .values({ organization_id: m.orgId, owner_id: m.ownerId, desk_id: m.deskId, name: m.name, description: m.description, actions: JSON.stringify(m.actions) })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export async function deleteMacro(db: DbOrTx, id: string) {
  await db.deleteFrom("macros").where("id", "=", id).execute();
}

/** Values the placeholders of a reply need. */
export async function placeholderValues(db: DbOrTx, itemId: string, actorId: string) {
  const r = await sql<{ number: string; title: string; requester_name: string; requester_email: string; assignee_name: string | null; agent_name: string }>`
    select w.number, w.title, r.name as requester_name, r.email as requester_email, a.name as assignee_name,
      (select name from users where id = ${actorId}) as agent_name
    from work_items w join users r on r.id = w.requester_id left join users a on a.id = w.assignee_id
    where w.id = ${itemId}`.execute(db);
  return r.rows[0];
}

/** Which of the referenced people (staff), groups and desk belong to the organization. */
export async function ownReferences(db: DbOrTx, orgId: string, refs: { userId?: string | null; groupId?: string | null; deskId?: string | null }) {
  const r = await sql<{ user_ok: boolean; group_ok: boolean; desk_ok: boolean }>`select
    ${refs.userId ?? null}::uuid is null or exists (select 1 from users where id = ${refs.userId ?? null}::uuid and organization_id = ${orgId} and role in ('agent', 'admin')) as user_ok,
    ${refs.groupId ?? null}::uuid is null or exists (select 1 from groups where id = ${refs.groupId ?? null}::uuid and organization_id = ${orgId}) as group_ok,
    ${refs.deskId ?? null}::uuid is null or exists (select 1 from desks where id = ${refs.deskId ?? null}::uuid and organization_id = ${orgId}) as desk_ok`.execute(
    db,
  );
  return r.rows[0];
}
