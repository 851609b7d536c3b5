import type { TRuleAction } from "../../../contracts/automation";
import type { Actor, Deps } from "../../deps";
import type { Tx } from "../../platform/db/db";
import { AppError } from "../../platform/http/errors";
import { changeIncidentInTx, createIncident, type IncidentPatch } from "../incidents/incident.service";
import { notify } from "../notifications/notify";
import { insertTimeline } from "../work-items/work-item.repo";
import { addComment, addLink, addWatcher } from "../work-items/work-item.service";
import { enqueueWebhookCall } from "../webhooks/webhook.service";
import { pickAssignee } from "./assignment.service";
import type { ItemRow } from "./events.repo";
import * as repo from "./rule.repo";

export interface RuleRef {
  id: string;
  name: string;
}

/** Fills {{placeholders}} of texts a rule writes. */
export function renderText(text: string, v: Record<string, string | number | null>): string {
  return text.replace(/\{\{\s*([a-z.]+)\s*\}\}/g, (_m, k: string) => (v[k] === null || v[k] === undefined ? "" : String(v[k])));
}

/**
 * Runs a rule's actions on one locked item inside the rule's transaction (every row it writes is stamped
 * with the rule by the database, see enterRuleContext). Returns one line per action for the run record.
 */
export async function applyActions(deps: Deps, tx: Tx, actor: Actor, rule: RuleRef, item: ItemRow, actions: TRuleAction[]): Promise<string[]> {
  const txDeps: Deps = { ...deps, db: tx };
  const done: string[] = [];
  const names = await repo.placeholderNames(tx, item.id);
  const vars = () => ({
    number: item.number,
    title: item.title,
    state: item.state,
    priority: `P${item.priority}`,
    "requester.name": names.requester,
    "assignee.name": names.assignee,
    "rule.name": rule.name,
  });
  for (const a of actions) {
    switch (a.type) {
      case "set_field": {
        if (item.type !== "incident") throw new AppError("VALIDATION_FAILED", `set_field works on incidents, not ${item.type}`);
        await changeIncidentInTx(tx, actor, item.id, { [a.field]: a.value } as IncidentPatch, null);
        done.push(`set ${a.field} = ${a.value === null ? "none" : a.value}`);
        break;
      }
      case "assign": {
        if (item.type !== "incident") throw new AppError("VALIDATION_FAILED", `assign works on incidents, not ${item.type}`);
        const groupId = a.groupId === undefined ? item.assignment_group_id : a.groupId;
        const patch: IncidentPatch = {};
        if (a.groupId !== undefined) patch.assignmentGroupId = a.groupId;
        if (a.assignee === "auto") {
          if (!groupId) throw new AppError("VALIDATION_FAILED", "auto assignment needs a group");
          const pick = await pickAssignee(tx, item.organization_id, groupId, {
            categoryId: item.category_id,
            serviceId: item.service_id,
            requesterId: item.requester_id,
          });
          if (pick) patch.assigneeId = pick.id;
          done.push(pick ? `assigned to ${pick.name} (${pick.strategy.replace("_", " ")})` : "nobody available to assign");
        } else if (a.assignee) patch.assigneeId = a.assignee;
        if (Object.keys(patch).length) await changeIncidentInTx(tx, actor, item.id, patch, null);
        if (a.assignee !== "auto") done.push("assigned");
        break;
      }
      case "add_comment":
        await addComment(txDeps, actor, item.id, item.type, renderText(a.body, vars()), a.visibility);
        done.push(a.visibility === "internal" ? "work note added" : "comment added");
        break;
      case "notify": {
        const roles = a.to.filter((x) => !/^[0-9a-f-]{36}$/i.test(x));
        const people = a.to.filter((x) => /^[0-9a-f-]{36}$/i.test(x));
        const ids = [...new Set([...(await repo.audienceIds(tx, item.id, roles)), ...people])];
        if (ids.length) {
          await notify(tx, {
            type: "work_item.status_changed",
            organizationId: item.organization_id,
            workItemId: item.id,
            actorId: null,
            recipientIds: ids.slice(0, 200),
            onlyRecipients: true,
            message: renderText(a.message, vars()),
          } as Parameters<typeof notify>[1]);
        }
        done.push(`notified ${ids.length} ${ids.length === 1 ? "person" : "people"}`);
        break;
      }
      case "create_linked_item": {
        const created = await createIncident(
          txDeps,
          actor,
          {
            title: renderText(a.title, vars()).slice(0, 300),
            description: renderText(a.description, vars()),
            impact: a.impact,
            urgency: a.urgency,
            requesterId: item.requester_id,
            assignmentGroupId: a.assignmentGroupId ?? undefined,
          } as Parameters<typeof createIncident>[2],
          { via: "token" },
        );
        const newItem = (created as { body: { id: string; number: string } }).body;
        await addLink(txDeps, actor, newItem.id, "incident", a.link, item.id);
        done.push(`created ${newItem.number} (${a.link.replace("_", " ")} ${item.number})`);
        break;
      }
      case "add_watcher":
        await addWatcher(txDeps, actor, item.id, item.type, a.userId);
        done.push("watcher added");
        break;
      case "call_webhook":
        // A one-off signed delivery through the webhooks module (SSRF checks on every attempt, retries, log).
        await enqueueWebhookCall(tx, {
          organizationId: item.organization_id,
          url: a.url,
          secret: a.secret ?? null,
          ruleId: rule.id,
          event: "rule.webhook",
          payload: {
            rule,
            workItem: { id: item.id, number: item.number, type: item.type, title: item.title, state: item.state, priority: `P${item.priority}` },
            occurredAt: new Date().toISOString(),
          },
        });
        done.push(`webhook queued to ${new URL(a.url).host}`);
        break;
    }
  }
  return done;
}

/** The internal timeline row summing up what a rule did (its own changes carry the rule too). */
export async function recordApplied(tx: Tx, item: ItemRow, rule: RuleRef, done: string[], trigger: string): Promise<void> {
  await insertTimeline(tx, {
    organizationId: item.organization_id,
    workItemId: item.id,
    actorId: null,
    kind: "rule_applied",
    visibility: "internal",
    data: { name: rule.name, trigger, actions: done },
  });
}
