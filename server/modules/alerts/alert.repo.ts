import { sql } from "kysely";
import type { DbOrTx } from "../../platform/db/db";
import "./alert.tables";

function integrationsQuery(db: DbOrTx, orgId: string) {
  return db
    .selectFrom("alert_integrations as i")
    .innerJoin("users as u", "u.id", "i.run_as_user_id")
    .leftJoin("groups as g", "g.id", "i.assignment_group_id")
    .leftJoin("services as s", "s.id", "i.service_id")
    .select([
      "i.id",
      "i.name",
      "i.active",
      "i.token_hint",
      "i.severity_map",
      "i.auto_resolve",
      "i.repeat_note_minutes",
      "i.last_received_at",
      "i.created_at",
      "u.id as run_as_id",
      "u.name as run_as_name",
      "u.email as run_as_email",
      "g.id as group_id",
      "g.name as group_name",
      "s.id as service_id",
      "s.name as service_name",
    ])
    .select((eb) =>
      eb
        .selectFrom("alerts as a")
        .select(sql<number>`count(*)::int`.as("n"))
        .whereRef("a.integration_id", "=", "i.id")
        .where("a.status", "=", "firing")
        .as("open_alerts"),
    )
    .where("i.organization_id", "=", orgId);
}

export function listIntegrations(db: DbOrTx, orgId: string) {
  return integrationsQuery(db, orgId).orderBy("i.name").execute();
}
export type IntegrationRow = Awaited<ReturnType<typeof listIntegrations>>[number];

export function findIntegration(db: DbOrTx, orgId: string, id: string) {
  return integrationsQuery(db, orgId).where("i.id", "=", id).executeTakeFirst();
}

/** The integration a monitor's call names, with what processing needs (no organization yet: the secret decides). */
export function findIntegrationForIntake(db: DbOrTx, id: string) {
  return db
    .selectFrom("alert_integrations as i")
    .innerJoin("users as u", "u.id", "i.run_as_user_id")
    .select([
      "i.id",
      "i.organization_id",
      "i.active",
      "i.token_hash",
      "i.run_as_user_id",
      "i.assignment_group_id",
      "i.service_id",
      "i.severity_map",
      "i.auto_resolve",
      "i.repeat_note_minutes",
      "u.role as run_as_role",
      "u.active as run_as_active",
    ])
    .where("i.id", "=", id)
    .executeTakeFirst();
}
export type IntakeIntegration = NonNullable<Awaited<ReturnType<typeof findIntegrationForIntake>>>;

export async function insertIntegration(
  db: DbOrTx,
  v: {
    organizationId: string;
    name: string;
    active: boolean;
    tokenHash: Buffer;
    tokenHint: string;
    runAsUserId: string;
    assignmentGroupId: string | null;
    serviceId: string | null;
    severityMap: unknown;
    autoResolve: boolean;
    repeatNoteMinutes: number;
  },
): Promise<string> {
  const r = await db
    .insertInto("alert_integrations")
    .values({
      organization_id: v.organizationId,
      name: v.name,
      active: v.active,
      token_hash: v.tokenHash,
      token_hint: v.tokenHint,
      run_as_user_id: v.runAsUserId,
      assignment_group_id: v.assignmentGroupId,
      service_id: v.serviceId,
      severity_map: JSON.stringify(v.severityMap),
      auto_resolve: v.autoResolve,
      repeat_note_minutes: v.repeatNoteMinutes,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateIntegration(
  db: DbOrTx,
  orgId: string,
  id: string,
  v: Partial<{
    name: string;
    active: boolean;
    token_hash: Buffer;
    token_hint: string;
    run_as_user_id: string;
    assignment_group_id: string | null;
    service_id: string | null;
    severity_map: string;
    auto_resolve: boolean;
    repeat_note_minutes: number;
  }>,
): Promise<boolean> {
  const r = await db
    .updateTable("alert_integrations")
    .set({ ...v, updated_at: new Date() })
    .where("organization_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteIntegration(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom("alert_integrations").where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function touchIntegration(db: DbOrTx, id: string) {
  await db.updateTable("alert_integrations").set({ last_received_at: new Date() }).where("id", "=", id).execute();
}

/** Serialises the alerts of one key (a storm arriving in parallel makes one incident). */
export async function lockAlertKey(db: DbOrTx, integrationId: string, key: string) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`alert:${integrationId}:${key}`}, 0))`.execute(db);
}

/** The firing alert of a key, with its incident's state. */
export function findFiringAlert(db: DbOrTx, integrationId: string, key: string) {
  return db
    .selectFrom("alerts as a")
    .leftJoin("work_items as w", "w.id", "a.work_item_id")
    .select(["a.id", "a.count", "a.work_item_id", "a.last_noted_at", "a.first_seen_at", "w.number", "w.state"])
    .where("a.integration_id", "=", integrationId)
    .where("a.alert_key", "=", key)
    .where("a.status", "=", "firing")
    .executeTakeFirst();
}

export async function insertAlert(db: DbOrTx, v: { organizationId: string; integrationId: string; key: string; workItemId: string; title: string }) {
  await db
    .insertInto("alerts")
    .values({ organization_id: v.organizationId, integration_id: v.integrationId, alert_key: v.key, work_item_id: v.workItemId, title: v.title })
    .execute();
}

/** Counts one more firing; returns the new count. */
export async function countRepeat(db: DbOrTx, id: string, noted: boolean): Promise<number> {
  const r = await db
    .updateTable("alerts")
    .set((eb) => ({ count: eb("count", "+", 1), last_seen_at: new Date(), ...(noted ? { last_noted_at: new Date() } : {}) }))
    .where("id", "=", id)
    .returning("count")
    .executeTakeFirstOrThrow();
  return r.count;
}

export async function resolveAlert(db: DbOrTx, id: string) {
  await db.updateTable("alerts").set({ status: "resolved", resolved_at: new Date(), last_seen_at: new Date() }).where("id", "=", id).execute();
}

export function listAlerts(db: DbOrTx, orgId: string, integrationId: string, limit: number) {
  return db
    .selectFrom("alerts as a")
    .leftJoin("work_items as w", "w.id", "a.work_item_id")
    .select(["a.id", "a.alert_key", "a.status", "a.count", "a.title", "a.first_seen_at", "a.last_seen_at", "w.id as item_id", "w.number", "w.state"])
    .where("a.organization_id", "=", orgId)
    .where("a.integration_id", "=", integrationId)
    .orderBy("a.last_seen_at", "desc")
    .limit(limit)
    .execute();
}

export function findStaff(db: DbOrTx, orgId: string, userId: string) {
  return db
    .selectFrom("users")
    .select(["id", "role"])
    .where("organization_id", "=", orgId)
    .where("id", "=", userId)
    .where("active", "=", true)
    .where("role", "in", ["agent", "admin"])
    .executeTakeFirst();
}

export function findGroup(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("groups").select("id").where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

export function findService(db: DbOrTx, orgId: string, id: string) {
  return db.selectFrom("services").select("id").where("organization_id", "=", orgId).where("id", "=", id).executeTakeFirst();
}

export async function serviceIdByName(db: DbOrTx, orgId: string, name: string): Promise<string | null> {
  const r = await db
    .selectFrom("services")
    .select("id")
    .where("organization_id", "=", orgId)
    .where(sql<boolean>`lower(name) = ${name.toLowerCase()}`)
    .executeTakeFirst();
  return r?.id ?? null;
}

export async function groupIdsOf(db: DbOrTx, userId: string): Promise<string[]> {
  return (await db.selectFrom("group_members").select("group_id").where("user_id", "=", userId).execute()).map((r) => r.group_id);
}

export async function audit(
  db: DbOrTx,
  a: { organizationId: string; userId: string; ip?: string | null },
  action: string,
  entityId: string,
  data: Record<string, unknown>,
) {
  await db
    .insertInto("audit_events")
    .values({
      organization_id: a.organizationId,
      actor_id: a.userId,
      action,
      entity_type: "alert_integration",
      entity_id: entityId,
      data: JSON.stringify(data),
      ip: a.ip ?? null,
    })
    .execute();
}
