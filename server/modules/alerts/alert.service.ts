import { timingSafeEqual } from "node:crypto";
import {
  DEFAULT_SEVERITY_MAP,
  type TAlert,
  type TAlertIntegration,
  type TAlertOutcome,
  type TCreateAlertIntegrationRequest,
  type TSeverityMap,
  type TUpdateAlertIntegrationRequest,
  type ZAlertmanagerBody,
} from "../../../contracts/alerts";
import { OPEN_INCIDENT_STATES } from "../../../contracts/incidents";
import type { Actor, Deps } from "../../deps";
import { type DbOrTx, withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { hashSecret, newSecret } from "../identity/tokens";
import { changeIncidentInTx, createIncident } from "../incidents/incident.service";
import { emitWebhookEvent } from "../webhooks/webhook.service";
import { addComment } from "../work-items/work-item.service";
import * as repo from "./alert.repo";
import type { z } from "zod";

function requireAdmin(actor: Actor) {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators can manage alert integrations");
}

const endpointOf = (id: string) => `/api/v1/integrations/alerts/${id}`;

function present(r: repo.IntegrationRow): TAlertIntegration {
  return {
    id: r.id,
    name: r.name,
    active: r.active,
    endpoint: endpointOf(r.id),
    secretHint: `${r.token_hint}…`,
    runAs: { id: r.run_as_id, name: r.run_as_name, email: r.run_as_email },
    assignmentGroup: r.group_id ? { id: r.group_id, name: r.group_name ?? "" } : null,
    service: r.service_id ? { id: r.service_id, name: r.service_name ?? "" } : null,
    severityMap: { ...DEFAULT_SEVERITY_MAP, ...(r.severity_map as TSeverityMap) },
    autoResolve: r.auto_resolve,
    repeatNoteMinutes: r.repeat_note_minutes,
    lastReceivedAt: r.last_received_at ? r.last_received_at.toISOString() : null,
    openAlerts: r.open_alerts ?? 0,
    createdAt: r.created_at.toISOString(),
  };
}

async function checkRefs(db: DbOrTx, orgId: string, v: { runAsUserId?: string; assignmentGroupId?: string | null; serviceId?: string | null }) {
  if (v.runAsUserId && !(await repo.findStaff(db, orgId, v.runAsUserId)))
    throw invalidField("body.runAsUserId", "must be an active agent or admin of this organization");
  if (v.assignmentGroupId && !(await repo.findGroup(db, orgId, v.assignmentGroupId))) throw invalidField("body.assignmentGroupId", "no such group");
  if (v.serviceId && !(await repo.findService(db, orgId, v.serviceId))) throw invalidField("body.serviceId", "no such service");
}

const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === "23505";
const nameTaken = (name: string) =>
  new AppError("CONFLICT", `An alert integration named ${name} already exists`, [{ field: "body.name", message: "already in use" }]);
const newToken = () => newSecret("pal_");

export async function listIntegrations(deps: Deps, actor: Actor): Promise<TAlertIntegration[]> {
  requireAdmin(actor);
  return (await repo.listIntegrations(deps.db, actor.organizationId)).map(present);
}

/** Adds an integration (admins); the answer carries its bearer secret, shown this once. */
export async function createIntegration(deps: Deps, actor: Actor, input: TCreateAlertIntegrationRequest): Promise<TAlertIntegration & { secret: string }> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    const runAsUserId = input.runAsUserId ?? actor.userId;
    await checkRefs(tx, actor.organizationId, { ...input, runAsUserId });
    const secret = newToken();
    const id = await repo
      .insertIntegration(tx, {
        organizationId: actor.organizationId,
        name: input.name,
        active: input.active,
        tokenHash: hashSecret(secret),
        tokenHint: secret.slice(0, 8),
        runAsUserId,
        assignmentGroupId: input.assignmentGroupId,
        serviceId: input.serviceId,
        severityMap: input.severityMap,
        autoResolve: input.autoResolve,
        repeatNoteMinutes: input.repeatNoteMinutes,
      })
      .catch((e) => {
        if (isUniqueViolation(e)) throw nameTaken(input.name);
        throw e;
      });
    await repo.audit(tx, actor, "alert_integration.created", id, { name: input.name });
    return { ...present((await repo.findIntegration(tx, actor.organizationId, id)) as repo.IntegrationRow), secret };
  });
}

export async function updateIntegration(deps: Deps, actor: Actor, id: string, input: TUpdateAlertIntegrationRequest): Promise<TAlertIntegration> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    if (!(await repo.findIntegration(tx, actor.organizationId, id))) throw notFound("Alert integration");
    await checkRefs(tx, actor.organizationId, input);
    await repo
      .updateIntegration(tx, actor.organizationId, id, {
        name: input.name,
        active: input.active,
        run_as_user_id: input.runAsUserId,
        assignment_group_id: input.assignmentGroupId,
        service_id: input.serviceId,
        severity_map: input.severityMap ? JSON.stringify(input.severityMap) : undefined,
        auto_resolve: input.autoResolve,
        repeat_note_minutes: input.repeatNoteMinutes,
      })
      .catch((e) => {
        if (isUniqueViolation(e)) throw nameTaken(input.name ?? "");
        throw e;
      });
    await repo.audit(tx, actor, "alert_integration.updated", id, { ...input });
    return present((await repo.findIntegration(tx, actor.organizationId, id)) as repo.IntegrationRow);
  });
}

export async function rotateIntegrationSecret(deps: Deps, actor: Actor, id: string): Promise<TAlertIntegration & { secret: string }> {
  requireAdmin(actor);
  return withTx(deps.db, async (tx) => {
    const secret = newToken();
    if (!(await repo.updateIntegration(tx, actor.organizationId, id, { token_hash: hashSecret(secret), token_hint: secret.slice(0, 8) })))
      throw notFound("Alert integration");
    await repo.audit(tx, actor, "alert_integration.secret_rotated", id, {});
    return { ...present((await repo.findIntegration(tx, actor.organizationId, id)) as repo.IntegrationRow), secret };
  });
}

export async function deleteIntegration(deps: Deps, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  await withTx(deps.db, async (tx) => {
    if (!(await repo.deleteIntegration(tx, actor.organizationId, id))) throw notFound("Alert integration");
    await repo.audit(tx, actor, "alert_integration.deleted", id, {});
  });
}

/** Recent alerts of an integration (admins). */
export async function listAlerts(deps: Deps, actor: Actor, id: string) {
  requireAdmin(actor);
  if (!(await repo.findIntegration(deps.db, actor.organizationId, id))) throw notFound("Alert integration");
  return (await repo.listAlerts(deps.db, actor.organizationId, id, 100)).map((a) => ({
    id: a.id,
    key: a.alert_key,
    status: a.status,
    count: a.count,
    title: a.title,
    incident: a.item_id ? { id: a.item_id, number: a.number ?? "", state: a.state ?? "" } : null,
    firstSeenAt: a.first_seen_at.toISOString(),
    lastSeenAt: a.last_seen_at.toISOString(),
  }));
}

/**
 * Authenticates a monitor's call: the integration must exist, be active, and the bearer secret match
 * (compared in constant time on SHA-256 digests). Every failure is the same 401, so ids can't be probed.
 */
export async function authenticateIntake(deps: Deps, integrationId: string, authorization: string | undefined): Promise<repo.IntakeIntegration> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  const integration = await repo.findIntegrationForIntake(deps.db, integrationId);
  const given = hashSecret(m?.[1] ?? "");
  const expected = integration?.token_hash ?? Buffer.alloc(32);
  const ok = timingSafeEqual(given, expected) && !!m && !!integration;
  if (!ok || !integration) throw new AppError("UNAUTHENTICATED", "Unknown integration or wrong secret");
  if (!integration.active) throw new AppError("FORBIDDEN", "This integration is inactive");
  if (!integration.run_as_active || integration.run_as_role === "requester")
    throw new AppError("CONFLICT", "The integration's run-as person is no longer an active staff member; an administrator must choose another");
  return integration;
}

/** Maps an Alertmanager webhook body onto Portico's alert shape (one per alert). */
export function fromAlertmanager(body: z.infer<typeof ZAlertmanagerBody>): TAlert[] {
  const severities = new Set(["critical", "high", "warning", "medium", "low", "info"]);
  return body.alerts.map((a) => {
    const name = a.labels.alertname ?? "alert";
    const instance = a.labels.instance ?? a.labels.job ?? "";
    const sev = (a.labels.severity ?? "warning").toLowerCase();
    return {
      key: (a.fingerprint ?? `${name}/${instance}`).slice(0, 255),
      status: a.status,
      title: (a.annotations.summary ?? `${name}${instance ? ` on ${instance}` : ""}`).slice(0, 300),
      description: [
        a.annotations.description ?? "",
        Object.entries(a.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(", "),
      ]
        .filter(Boolean)
        .join("\n\n")
        .slice(0, 20_000),
      severity: (severities.has(sev) ? sev : sev === "error" ? "high" : "warning") as TAlert["severity"],
      source: instance || undefined,
      url: a.generatorURL && /^https?:\/\//.test(a.generatorURL) ? a.generatorURL : undefined,
    };
  });
}

const isOpen = (state: string | null) => !!state && (OPEN_INCIDENT_STATES as string[]).includes(state);

/**
 * Turns one alert into an incident, or counts it on the open incident of its key, in one transaction
 * serialised per key (a storm arriving in parallel still makes one incident). "resolved" from the
 * monitor resolves the incident when the integration says so, else leaves a work note.
 */
export async function ingestAlert(deps: Deps, integration: repo.IntakeIntegration, alert: TAlert): Promise<TAlertOutcome> {
  return withTx(deps.db, async (tx) => {
    const txDeps = { ...deps, db: tx };
    const orgId = integration.organization_id;
    const actor: Actor = {
      userId: integration.run_as_user_id,
      organizationId: orgId,
      role: integration.run_as_role,
      groupIds: await repo.groupIdsOf(tx, integration.run_as_user_id),
    };
    await repo.lockAlertKey(tx, integration.id, alert.key);
    await repo.touchIntegration(tx, integration.id);
    let firing = await repo.findFiringAlert(tx, integration.id, alert.key);
    if (firing && !isOpen(firing.state)) {
      // Its incident was closed (or removed): this key starts over with a new incident.
      await repo.resolveAlert(tx, firing.id);
      firing = undefined;
    }
    const outcome = (o: TAlertOutcome["outcome"], id: string | null, number: string | null, count: number): TAlertOutcome => ({
      key: alert.key,
      outcome: o,
      incidentId: id,
      incidentNumber: number,
      count,
    });

    if (alert.status === "resolved") {
      if (!firing?.work_item_id) return outcome("ignored", null, null, 0);
      await repo.resolveAlert(tx, firing.id);
      const note = `The monitor reports alert ${alert.key} resolved${alert.description ? `: ${alert.description.slice(0, 2000)}` : "."}`;
      if (integration.auto_resolve) {
        await changeIncidentInTx(
          tx,
          actor,
          firing.work_item_id,
          {
            resolutionCode: "solved_permanently",
            resolutionNotes: `${note} (resolved automatically after ${firing.count} alert${firing.count === 1 ? "" : "s"})`,
          },
          "resolve",
        );
      } else await addComment(txDeps, actor, firing.work_item_id, "incident", note, "internal");
      await emitWebhookEvent(tx, {
        organizationId: orgId,
        event: "alert.received",
        workItemId: firing.work_item_id,
        workItemType: "incident",
        details: { alertKey: alert.key, status: "resolved", count: firing.count },
      });
      return outcome("resolved", firing.work_item_id, firing.number, firing.count);
    }

    if (firing?.work_item_id) {
      const dueNote = Date.now() - firing.last_noted_at.getTime() >= integration.repeat_note_minutes * 60_000;
      const count = await repo.countRepeat(tx, firing.id, dueNote);
      if (dueNote || count === 2)
        await addComment(
          txDeps,
          actor,
          firing.work_item_id,
          "incident",
          `Alert ${alert.key} fired again: ${count} times since ${firing.first_seen_at.toISOString()}.`,
          "internal",
        );
      await emitWebhookEvent(tx, {
        organizationId: orgId,
        event: "alert.received",
        workItemId: firing.work_item_id,
        workItemType: "incident",
        details: { alertKey: alert.key, status: "firing", count, deduplicated: true },
      });
      return outcome("deduplicated", firing.work_item_id, firing.number, count);
    }

    const levels = ({ ...DEFAULT_SEVERITY_MAP, ...(integration.severity_map as TSeverityMap) } as TSeverityMap)[alert.severity];
    const serviceId = (alert.service ? await repo.serviceIdByName(tx, orgId, alert.service) : null) ?? integration.service_id;
    const lines = [
      alert.description,
      "",
      `Alert key: ${alert.key}`,
      `Severity: ${alert.severity}`,
      alert.source ? `Source: ${alert.source}` : "",
      alert.service && !serviceId ? `Service (not found in Portico): ${alert.service}` : "",
      alert.url ? `Link: ${alert.url}` : "",
    ].filter((l, i) => l !== "" || i === 1);
    const created = await createIncident(
      txDeps,
      actor,
      {
        title: alert.title,
        description: lines.join("\n").trim(),
        impact: levels.impact,
        urgency: levels.urgency,
        serviceId,
        assignmentGroupId: integration.assignment_group_id,
        channel: "monitoring",
      },
      { via: "token" },
    );
    const body = created.body as { id: string; number: string };
    await repo.insertAlert(tx, { organizationId: orgId, integrationId: integration.id, key: alert.key, workItemId: body.id, title: alert.title });
    await emitWebhookEvent(tx, {
      organizationId: orgId,
      event: "alert.received",
      workItemId: body.id,
      workItemType: "incident",
      details: { alertKey: alert.key, status: "firing", count: 1, deduplicated: false },
    });
    return outcome("created", body.id, body.number, 1);
  });
}
