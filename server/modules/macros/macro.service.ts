import { type TCreateMacroRequest, MACRO_PLACEHOLDERS, type TMacro, type TMacroActions, ZMacroActions } from "../../../contracts/macros";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { changeIncidentInTx, getIncident, type IncidentPatch } from "../incidents/incident.service";
import { isStaffActor } from "../work-items/work-item.policy";
import { insertTimeline } from "../work-items/work-item.repo";
import { addComment } from "../work-items/work-item.service";
import * as repo from "./macro.repo";

const PLACEHOLDER = /\{\{\s*([a-z.]+)\s*\}\}/g;

function requireStaff(actor: Actor) {
  if (!isStaffActor(actor)) throw new AppError("FORBIDDEN", "Only agents use macros");
}

function present(m: NonNullable<Awaited<ReturnType<typeof repo.findMacro>>>): TMacro {
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    shared: m.owner_id === null,
    owner: m.owner,
    deskId: m.desk_id,
    actions: m.actions,
    createdAt: new Date(m.created_at).toISOString(),
  };
}

/** Fills {{placeholders}} of a reply (unknown ones were refused when the macro was saved). */
export function renderReply(body: string, v: Record<string, string | null>): string {
  return body.replace(PLACEHOLDER, (_m, key: string) => v[key] ?? "");
}

/** The caller's macros and the shared ones (optionally of one desk). */
export async function listMacros(deps: Deps, actor: Actor, deskId?: string): Promise<TMacro[]> {
  requireStaff(actor);
  return (await repo.listMacros(deps.db, actor.organizationId, actor.userId, deskId)).map(present);
}

/** Saves a macro: personal, or shared with every agent (any agent may share one). */
export async function createMacro(deps: Deps, actor: Actor, input: TCreateMacroRequest): Promise<TMacro> {
  requireStaff(actor);
  const unknown = [...(input.actions.reply?.body ?? "").matchAll(PLACEHOLDER)]
    .map((m) => m[1])
    .filter((k) => !(MACRO_PLACEHOLDERS as readonly string[]).includes(k));
  if (unknown.length)
    throw invalidField(
      "body.actions.reply.body",
      `unknown placeholder(s) ${unknown.map((k) => `{{${k}}}`).join(", ")}; use ${MACRO_PLACEHOLDERS.map((k) => `{{${k}}}`).join(", ")}`,
    );
  // Ids from another organization (or unknown ones) are refused here, not discovered when the macro runs.
  const refs = await repo.ownReferences(deps.db, actor.organizationId, {
    userId: input.actions.assigneeId,
    groupId: input.actions.assignmentGroupId,
    deskId: input.deskId,
  });
  if (!refs.user_ok) throw invalidField("body.actions.assigneeId", "no such agent in your organization");
  if (!refs.group_ok) throw invalidField("body.actions.assignmentGroupId", "no such group in your organization");
  if (!refs.desk_ok) throw invalidField("body.deskId", "no such desk in your organization");
  try {
    const { id } = await repo.insertMacro(deps.db, {
      orgId: actor.organizationId,
      ownerId: input.shared ? null : actor.userId,
      deskId: input.deskId ?? null,
      name: input.name,
      description: input.description,
      actions: input.actions,
    });
    return present((await repo.findMacro(deps.db, actor.organizationId, actor.userId, id)) as NonNullable<Awaited<ReturnType<typeof repo.findMacro>>>);
  } catch (e) {
    if ((e as { code?: string }).code === "23505")
      throw new AppError("CONFLICT", `A macro named "${input.name}" already exists`, [{ field: "body.name", message: "already taken" }]);
    throw e;
  }
}

/** Deletes one's own macro; shared ones: their author's… (none recorded) so administrators only. */
export async function deleteMacro(deps: Deps, actor: Actor, id: string): Promise<void> {
  requireStaff(actor);
  const m = await repo.findMacro(deps.db, actor.organizationId, actor.userId, id);
  if (!m) throw notFound("Macro");
  if (m.owner_id === null && actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators delete shared macros");
  await repo.deleteMacro(deps.db, id);
}

/** Applies a macro to an incident in one transaction: fields, state, reply, and a timeline row naming it. */
export async function applyMacro(deps: Deps, actor: Actor, ref: string, macroId: string) {
  requireStaff(actor);
  await withTx(deps.db, async (tx) => {
    const m = await repo.findMacro(tx, actor.organizationId, actor.userId, macroId);
    if (!m) throw notFound("Macro");
    const a: TMacroActions = ZMacroActions.parse(m.actions);
    const patch: IncidentPatch = {};
    for (const k of ["assigneeId", "assignmentGroupId", "impact", "urgency", "holdReason", "resolutionCode", "resolutionNotes", "reason"] as const)
      if (a[k] !== undefined) Object.assign(patch, { [k]: a[k] });
    const item = await changeIncidentInTx(tx, actor, ref, patch, a.action ?? null);
    if (a.reply) {
      const v = await repo.placeholderValues(tx, item.id, actor.userId);
      const values = {
        "requester.name": v.requester_name,
        "requester.email": v.requester_email,
        number: v.number,
        title: v.title,
        "agent.name": v.agent_name,
        "assignee.name": v.assignee_name,
      };
      await addComment({ ...deps, db: tx }, actor, item.id, "incident", renderReply(a.reply.body, values), a.reply.visibility);
    }
    await insertTimeline(tx, {
      organizationId: actor.organizationId,
      workItemId: item.id,
      actorId: actor.userId,
      kind: "macro_applied",
      visibility: "internal",
      data: { macroId: m.id, name: m.name },
    });
  });
  return getIncident(deps, actor, ref);
}
