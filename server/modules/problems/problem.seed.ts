import type { Actor, Deps } from "../../deps";
import { createIncident } from "../incidents/incident.service";
import { recordKnownError } from "./known-error.service";
import { createProblem, transitionProblem, updateProblem } from "./problem.service";

/** Demo problems: one under analysis with linked incidents and a known error, and a cluster of similar VPN incidents as a candidate. */
export async function seedProblems(deps: Deps, ctx: { agent: Actor; requester: Actor; services: Record<string, string> }): Promise<string> {
  const inc = async (by: Actor, title: string, service: string) =>
    (
      (await createIncident(deps, by, { title, description: "", impact: "medium", urgency: "medium", serviceId: ctx.services[service] }, { via: "session" }))
        .body as { number: string }
    ).number;
  const mail = [
    await inc(ctx.requester, "Email stuck in the outbox", "email"),
    await inc(ctx.agent, "Emails stuck in outbox since 9:00", "email"),
    await inc(ctx.requester, "Outgoing mail not delivered", "email"),
  ];
  // Similar, unlinked VPN incidents: the desk sees them as a candidate problem.
  await inc(ctx.requester, "VPN disconnects after a few minutes", "vpn");
  await inc(ctx.agent, "VPN keeps disconnecting every few minutes", "vpn");

  const created = await createProblem(deps, ctx.agent, {
    title: "Outgoing mail queues on the relay",
    description: "Several users report mail stuck in the outbox; the relay's queue grows during the morning.",
    impact: "high",
    urgency: "medium",
    serviceId: ctx.services.email,
    incidents: mail,
  });
  const number = (created.body as { number: string }).number;
  await transitionProblem(deps, ctx.agent, number, { action: "assess" });
  await transitionProblem(deps, ctx.agent, number, { action: "investigate" });
  await updateProblem(deps, ctx.agent, number, {
    rootCause: "The relay's spool disk fills up because its logs are never rotated.",
    workaround: "Restart the mail relay service (frees the spool); queued mail is then delivered within 10 minutes.",
  });
  await recordKnownError(deps, ctx.agent, number, {
    symptoms: "Mail stays in the outbox; no bounce message.",
    published: true,
  });
  return number;
}
