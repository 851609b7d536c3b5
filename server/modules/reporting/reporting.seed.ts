import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Actor, Deps } from "../../deps";
import { createIncident, transitionIncident, updateIncident } from "../incidents/incident.service";
import { addComment } from "../work-items/work-item.service";
import { setCsatEnabled } from "./csat.repo";
import { refreshFactsOfOrganization } from "./report-facts.repo";

const TITLES = [
  "Outlook keeps asking for the password",
  "VPN drops on hotel Wi-Fi",
  "Cannot open shared calendar",
  "ERP invoice export is empty",
  "Laptop fan very loud",
  "Teams camera not found",
  "Printer prints blank pages",
  "Password expired while travelling",
  "Wi-Fi slow in building B",
  "Access to the sales share",
  "Monitor flickers",
  "Excel crashes on large files",
];

/**
 * Six weeks of history for the demo dashboard: incidents created through the services (real timelines,
 * replies, resolutions, reopens), then moved back in time; satisfaction answers on a part of them.
 */
export async function seedReporting(
  deps: Deps,
  o: {
    orgId: string;
    agents: Actor[];
    requesters: Actor[];
    groups: string[];
    services: string[];
    categories: string[];
  },
): Promise<void> {
  await setCsatEnabled(deps.db, o.orgId, true);
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const channels = ["portal", "email", "phone", "portal", "email"] as const;
  for (let i = 0; i < 90; i++) {
    const by = pick(o.requesters);
    const agent = pick(o.agents);
    const created = await createIncident(
      deps,
      by,
      {
        title: pick(TITLES),
        description: "Seeded for the dashboards.",
        impact: pick(["low", "medium", "high"] as const),
        urgency: pick(["low", "medium", "high"] as const),
        serviceId: pick(o.services),
        categoryId: pick(o.categories),
      },
      { via: "session" },
    );
    const id = (created.body as { id: string }).id;
    await updateIncident(deps, agent, id, { assignmentGroupId: pick(agent.groupIds.length ? agent.groupIds : o.groups), assigneeId: agent.userId });
    await addComment(deps, agent, id, "incident", "Thanks, I'm on it.", "public");
    const open = i % 6 === 0;
    if (!open) {
      if (i % 4 === 0) await addComment(deps, agent, id, "incident", "Could you try once more now?", "public");
      await transitionIncident(deps, agent, id, { action: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Fixed." });
      if (i % 11 === 0) {
        await transitionIncident(deps, by, id, { action: "reopen", reason: "Happened again." });
        await transitionIncident(deps, agent, id, { action: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Fixed for good." });
      }
    }
    // Back in time: resolved `back` ago; replied `resH` before that; created `respH` before the reply.
    const back = Math.floor(rnd() * 42 * 24) + (open ? 0 : 1);
    const resH = open ? 0 : 1 + Math.floor(rnd() * 40);
    const respM = 5 + Math.floor(rnd() * 180);
    const shiftResolved = `${back} hours`;
    const shiftReply = `${back + resH} hours`;
    const shiftCreated = `${(back + resH) * 60 + respM} minutes`;
    await sql`update work_items set created_at = created_at - ${shiftCreated}::interval, updated_at = updated_at - ${shiftResolved}::interval,
      resolved_at = resolved_at - ${shiftResolved}::interval, channel = ${channels[i % channels.length]} where id = ${id}`.execute(deps.db);
    await sql`update comments set created_at = created_at - ${shiftReply}::interval where work_item_id = ${id}`.execute(deps.db);
    await sql`update timeline_events set created_at = created_at - (case when kind = 'created' then ${shiftCreated}::interval
      when kind in ('comment_added', 'updated') then ${shiftReply}::interval else ${shiftResolved}::interval end) where work_item_id = ${id}`.execute(deps.db);
    await sql`update sla_clocks set started_at = started_at - ${shiftCreated}::interval, elapsed_at = elapsed_at - ${shiftResolved}::interval,
      stopped_at = stopped_at - ${shiftResolved}::interval, due_at = due_at - ${shiftCreated}::interval,
      elapsed_ms = case when stopped_at is null then elapsed_ms when metric = 'response' then ${respM * 48_000} else (extract(epoch from ${shiftCreated}::interval - ${shiftResolved}::interval) * 400)::bigint end,
      state = case when state in ('met', 'breached') and ${resH} > 24 and metric = 'resolution' then 'breached' else state end
      where work_item_id = ${id}`.execute(deps.db);
    // Satisfaction: two in three resolved items answered, mostly happy.
    if (!open && i % 3 !== 0) {
      const score = pick([5, 5, 5, 4, 4, 4, 3, 2, 5, 1]);
      await sql`insert into csat_surveys (organization_id, work_item_id, requester_id, token_hash, assignee_id, group_id, service_id,
          created_at, expires_at, score, comment, responded_at)
        select w.organization_id, w.id, w.requester_id, ${randomBytes(32)}, w.assignee_id, w.assignment_group_id, w.service_id,
          w.resolved_at, w.resolved_at + interval '14 days', ${score}, ${score <= 2 ? "Took too long." : null}, w.resolved_at + interval '3 hours'
        from work_items w where w.id = ${id}`.execute(deps.db);
      await sql`insert into timeline_events (organization_id, work_item_id, actor_id, kind, data, created_at)
        select organization_id, id, requester_id, 'csat_received', ${JSON.stringify({ score, comment: score <= 2 ? "Took too long." : null })}::jsonb,
          resolved_at + interval '3 hours' from work_items where id = ${id}`.execute(deps.db);
    }
  }
  // The demo's survey jobs for these resolutions would mail the requesters; the history above stands in for them.
  await sql`delete from graphile_worker._private_jobs j using graphile_worker._private_tasks t
    where t.id = j.task_id and t.identifier = 'csat.offer' and j.payload->>'organizationId' = ${o.orgId}`.execute(deps.db);
  await refreshFactsOfOrganization(deps.db, o.orgId);
}
