import type { TBulkResult, TCandidateCluster, TLinkedIncident } from "../../../contracts/problems";
import { priorityLabel } from "../../../contracts/priority";
import type { Actor, Deps } from "../../deps";
import { type Tx, withTx } from "../../platform/db/db";
import { AppError, notFound } from "../../platform/http/errors";
import { transitionIncident } from "../incidents/incident.service";
import { insertTimeline } from "../work-items/work-item.repo";
import { addLink, findVisibleItem, removeLink } from "../work-items/work-item.service";
import { presentLinkedIncident } from "./problem.presenter";
import * as repo from "./problem.repo";
import { assertStaff } from "./problem.policy";

function failure(ref: string, err: unknown): TBulkResult {
  if (err instanceof AppError) return { ref, id: null, number: null, ok: false, code: err.code, message: err.message };
  throw err;
}

/** Links each incident to the problem (incident caused_by problem) inside the caller's transaction. */
export async function linkIncidentsInTx(tx: Tx, actor: Actor, problemId: string, refs: string[], deps?: Deps): Promise<TBulkResult[]> {
  const d = { ...(deps ?? ({} as Deps)), db: tx };
  const out: TBulkResult[] = [];
  for (const ref of [...new Set(refs)]) {
    try {
      const inc = await findVisibleItem(tx, actor, ref, { type: "incident" });
      const existed = await repo.findCausedByLink(tx, inc.id, problemId);
      if (!existed) await addLink(d, actor, inc.id, "incident", "caused_by", problemId);
      out.push({ ref, id: inc.id, number: inc.number, ok: true, ...(existed ? { message: "already linked" } : {}) });
    } catch (err) {
      out.push(failure(ref, err));
    }
  }
  return out;
}

/** Links many incidents to a problem; each is linked on its own, and the answer says which were. */
export async function linkIncidents(deps: Deps, actor: Actor, problemRef: string, refs: string[]): Promise<TBulkResult[]> {
  assertStaff(actor);
  const problem = await findVisibleItem(deps.db, actor, problemRef, { type: "problem" });
  const out: TBulkResult[] = [];
  for (const ref of [...new Set(refs)]) {
    out.push(...(await withTx(deps.db, (tx) => linkIncidentsInTx(tx, actor, problem.id, [ref], deps))));
  }
  return out;
}

/** Removes the link between a problem and one of its incidents. */
export async function unlinkIncident(deps: Deps, actor: Actor, problemRef: string, incidentRef: string): Promise<void> {
  assertStaff(actor);
  await withTx(deps.db, async (tx) => {
    const problem = await findVisibleItem(tx, actor, problemRef, { type: "problem" });
    const inc = await findVisibleItem(tx, actor, incidentRef, { type: "incident" });
    const link = await repo.findCausedByLink(tx, inc.id, problem.id);
    if (!link) throw notFound("Link");
    await removeLink({ ...deps, db: tx }, actor, problem.id, "problem", link.id);
  });
}

/** The incidents linked to a problem, open ones flagged. */
export async function listLinkedIncidents(deps: Deps, actor: Actor, problemRef: string): Promise<TLinkedIncident[]> {
  assertStaff(actor);
  const problem = await findVisibleItem(deps.db, actor, problemRef, { type: "problem" });
  return (await repo.listLinkedIncidents(deps.db, problem.id)).map(presentLinkedIncident);
}

/** The problems an incident is linked to (for the incident page), with their usable known error. */
export async function problemsOfIncident(deps: Deps, actor: Actor, incidentRef: string) {
  assertStaff(actor);
  const inc = await findVisibleItem(deps.db, actor, incidentRef, { type: "incident" });
  return repo.listProblemsOfItem(deps.db, inc.id);
}

/**
 * Resolves the chosen open incidents of a resolved problem together, each in its own transaction
 * (one failure does not undo the others), with the problem's fix as the resolution notes.
 */
export async function resolveLinkedIncidents(
  deps: Deps,
  actor: Actor,
  problemRef: string,
  input: { incidents: string[]; resolutionNotes?: string },
): Promise<TBulkResult[]> {
  assertStaff(actor);
  const problem = await findVisibleItem(deps.db, actor, problemRef, { type: "problem" });
  if (problem.state !== "resolved" && problem.state !== "closed")
    throw new AppError("INVALID_TRANSITION", `Resolve the problem before resolving its incidents (it is ${problem.state.replaceAll("_", " ")})`);
  const row = await repo.findProblem(deps.db, actor.organizationId, problem.id);
  const notes = input.resolutionNotes ?? `Resolved by the fix of ${problem.number}: ${row?.fix ?? problem.title}`;
  const out: TBulkResult[] = [];
  for (const ref of [...new Set(input.incidents)]) {
    try {
      const inc = await findVisibleItem(deps.db, actor, ref, { type: "incident" });
      if (!(await repo.findCausedByLink(deps.db, inc.id, problem.id))) throw new AppError("CONFLICT", `${inc.number} is not linked to ${problem.number}`);
      const done = await transitionIncident(deps, actor, inc.id, { action: "resolve", resolutionCode: "solved_permanently", resolutionNotes: notes });
      out.push({ ref, id: done.id, number: done.number, ok: true });
    } catch (err) {
      out.push(failure(ref, err));
    }
  }
  const resolved = out.filter((r) => r.ok).map((r) => r.number);
  if (resolved.length)
    await withTx(deps.db, async (tx) => {
      await insertTimeline(tx, {
        organizationId: actor.organizationId,
        workItemId: problem.id,
        actorId: actor.userId,
        kind: "incidents_resolved",
        data: { numbers: resolved },
      });
    });
  return out;
}

/**
 * Candidate problems: recent incidents on the same service whose titles are alike (pg_trgm), not yet
 * linked to a problem, grouped into clusters (connected components of the similarity graph).
 */
export async function candidateClusters(deps: Deps, actor: Actor, q: { days: number; minSize: number; similarity: number }): Promise<TCandidateCluster[]> {
  assertStaff(actor);
  const since = new Date(Date.now() - q.days * 86400_000);
  const pairs = await withTx(deps.db, (tx) => repo.similarIncidentPairs(tx, actor.organizationId, since, q.similarity));
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(x, r);
    return r;
  };
  for (const p of pairs) {
    for (const x of [p.a, p.b]) if (!parent.has(x)) parent.set(x, x);
    const [ra, rb] = [find(p.a), find(p.b)];
    if (ra !== rb) parent.set(ra, rb);
  }
  const groups = new Map<string, string[]>();
  for (const id of parent.keys()) {
    const r = find(id);
    groups.set(r, [...(groups.get(r) ?? []), id]);
  }
  const big = [...groups.values()].filter((g) => g.length >= q.minSize);
  const rows = await repo.incidentSummaries(deps.db, actor.organizationId, big.flat());
  const byId = new Map(rows.map((r) => [r.id, r]));
  const clusters: TCandidateCluster[] = big.map((ids) => {
    const set = new Set(ids);
    const inside = pairs.filter((p) => set.has(p.a) && set.has(p.b));
    const weight = new Map<string, number>();
    for (const p of inside) for (const x of [p.a, p.b]) weight.set(x, (weight.get(x) ?? 0) + p.sim);
    const central = [...ids].sort((a, b) => (weight.get(b) ?? 0) - (weight.get(a) ?? 0))[0];
    const members = ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
    members.sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime());
    return {
      service: members[0]?.service ?? null,
      suggestedTitle: byId.get(central)?.title ?? "",
      score: Math.round((inside.reduce((s, p) => s + p.sim, 0) / Math.max(1, inside.length)) * 100) / 100,
      incidents: members.map((m) => ({
        id: m.id,
        number: m.number,
        title: m.title,
        state: m.state,
        priority: priorityLabel(m.priority),
        createdAt: new Date(m.created_at).toISOString(),
      })),
    };
  });
  return clusters.sort((a, b) => b.incidents.length - a.incidents.length || b.score - a.score);
}
