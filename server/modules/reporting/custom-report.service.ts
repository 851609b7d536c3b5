import { stringify } from "csv-stringify/sync";
import {
  type TReportDefinition,
  type TReportRun,
  type TSavedReport,
  type TSavedReportInput,
  type TSchedule,
  ZReportDefinition,
  ZSavedReportInput,
  ZSchedule,
} from "../../../contracts/reporting";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError, notFound } from "../../platform/http/errors";
import { bareAddress, smtpTransport } from "../../platform/mail/transport";
import { insertAudit } from "../identity/identity.repo";
import * as repo from "./custom-report.repo";
import { assertCanReport, readReport, resolveScope } from "./report.service";

const DAY_MS = 86_400_000;

/** Runs a report definition (not saved) for the caller. */
export async function runReport(deps: Deps, actor: Actor, def: TReportDefinition): Promise<TReportRun> {
  assertCanReport(actor);
  return readReport(deps, async (tx) => {
    const to = new Date();
    const from = new Date(to.getTime() - def.periodDays * DAY_MS);
    const s = await resolveScope(tx, actor, {
      from: from.toISOString(),
      to: to.toISOString(),
      tz: def.tz,
      types: [def.type],
      ...def.filters,
      states: def.filters.states,
    } as never);
    const rows = await repo.aggregate(tx, s, def);
    const unit = def.measure === "count" ? "items" : def.measure.endsWith("_rate") || def.measure === "sla_compliance" ? "percent" : "ms";
    return { definition: def, rows, from: s.from.toISOString(), to: s.to.toISOString(), unit };
  });
}

/** A cell that a spreadsheet would run as a formula (= + - @, tab, CR) is prefixed with a quote. */
export function escapeCsvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** The run as CSV: label, value, count, key (text cells escaped against formula injection). */
export function reportCsv(run: TReportRun): string {
  const valueHeader = run.unit === "ms" ? "value_hours" : run.unit === "percent" ? "value_percent" : "value";
  const rows = run.rows.map((r) => [
    escapeCsvCell(r.label),
    r.value === null ? "" : run.unit === "ms" ? Math.round((r.value / 3_600_000) * 100) / 100 : r.value,
    r.count,
    escapeCsvCell(r.key),
  ]);
  return stringify([["label", valueHeader, "count", "key"], ...rows]);
}

function present(r: repo.SavedReportRow, actor: Actor): TSavedReport {
  return {
    id: r.id,
    name: r.name,
    shared: r.shared,
    owner: r.owner_id ? { id: r.owner_id, name: r.owner_name ?? "" } : null,
    canEdit: r.owner_id === actor.userId || actor.role === "admin",
    definition: ZReportDefinition.parse(r.definition),
    schedule: r.schedule ? ZSchedule.parse(r.schedule) : null,
    nextRunAt: r.next_run_at ? r.next_run_at.toISOString() : null,
    lastRunAt: r.last_run_at ? r.last_run_at.toISOString() : null,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Saved reports the caller may see: their own and the organization's shared ones. */
export async function listSavedReports(deps: Deps, actor: Actor): Promise<TSavedReport[]> {
  assertCanReport(actor);
  return (await repo.listVisible(deps.db, actor.organizationId, actor.userId)).map((r) => present(r, actor));
}

async function visibleReport(deps: Deps, actor: Actor, id: string, forEdit: boolean, db = deps.db) {
  assertCanReport(actor);
  const r = await repo.findReport(db, actor.organizationId, id, forEdit);
  if (!r || (!r.shared && r.owner_id !== actor.userId)) throw notFound("Report");
  if (forEdit && r.owner_id !== actor.userId && actor.role !== "admin")
    throw new AppError("FORBIDDEN", "Only its owner or an administrator can change this report");
  return r;
}

export async function getSavedReport(deps: Deps, actor: Actor, id: string): Promise<TSavedReport> {
  return present(await visibleReport(deps, actor, id, false), actor);
}

/** Local wall-clock parts of an instant in a zone. */
function localParts(d: Date, tz: string) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: tz, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", weekday: "short", hourCycle: "h23" })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  const wd = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(p.weekday) + 1;
  return { day: Number(p.day), hour: Number(p.hour), weekday: wd };
}

/** The next whole hour after `after` at which the schedule fires, in the owner's time zone. */
export function nextRunAt(s: TSchedule, tz: string, after: Date): Date {
  let t = new Date(Math.floor(after.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  for (let i = 0; i < 24 * 40; i++, t = new Date(t.getTime() + 3_600_000)) {
    const p = localParts(t, tz);
    if (p.hour !== s.hour) continue;
    if (s.frequency === "weekly" && p.weekday !== s.weekday) continue;
    if (s.frequency === "monthly" && p.day !== 1) continue;
    return t;
  }
  return t;
}

async function ownerZone(deps: Deps, userId: string): Promise<string> {
  const u = await deps.db.selectFrom("users").select("time_zone").where("id", "=", userId).executeTakeFirst();
  return u?.time_zone || "UTC";
}

/** Saves a new report (private unless shared), with an optional e-mail schedule. */
export async function createSavedReport(deps: Deps, actor: Actor, input: TSavedReportInput): Promise<TSavedReport> {
  assertCanReport(actor);
  const v = ZSavedReportInput.parse(input);
  const next = v.schedule ? nextRunAt(v.schedule, await ownerZone(deps, actor.userId), new Date()) : null;
  return withTx(deps.db, async (tx) => {
    const id = await repo.insertReport(tx, { organizationId: actor.organizationId, ownerId: actor.userId, ...v, nextRunAt: next });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "report.created",
      entityType: "saved_report",
      entityId: id,
      data: { name: v.name, shared: v.shared },
      ip: actor.ip,
    });
    return present((await repo.findReport(tx, actor.organizationId, id)) as repo.SavedReportRow, actor);
  });
}

/** Replaces a report's name, sharing, definition and schedule (owner or admin). */
export async function updateSavedReport(deps: Deps, actor: Actor, id: string, input: TSavedReportInput): Promise<TSavedReport> {
  const v = ZSavedReportInput.parse(input);
  return withTx(deps.db, async (tx) => {
    const r = await visibleReport(deps, actor, id, true, tx);
    const next = v.schedule ? nextRunAt(v.schedule, await ownerZone(deps, r.owner_id ?? actor.userId), new Date()) : null;
    await repo.updateReport(tx, id, { ...v, nextRunAt: next });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "report.updated",
      entityType: "saved_report",
      entityId: id,
      data: { name: v.name, shared: v.shared, scheduled: !!v.schedule },
      ip: actor.ip,
    });
    return present((await repo.findReport(tx, actor.organizationId, id)) as repo.SavedReportRow, actor);
  });
}

export async function deleteSavedReport(deps: Deps, actor: Actor, id: string): Promise<void> {
  await withTx(deps.db, async (tx) => {
    const r = await visibleReport(deps, actor, id, true, tx);
    await repo.deleteReport(tx, id);
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "report.deleted",
      entityType: "saved_report",
      entityId: id,
      data: { name: r.name },
      ip: actor.ip,
    });
  });
}

/** Runs a saved report for the caller. */
export async function runSavedReport(deps: Deps, actor: Actor, id: string): Promise<TReportRun & { name: string }> {
  const r = await visibleReport(deps, actor, id, false);
  return { ...(await runReport(deps, actor, ZReportDefinition.parse(r.definition))), name: r.name };
}

/**
 * The scheduled-report job: claims due reports (moving next_run_at on, so a report goes out once per slot
 * even with several workers), runs each as its owner (who must still be active staff) and mails the CSV.
 */
export async function sendDueReports(deps: Deps, now = new Date()): Promise<number> {
  const due = await withTx(deps.db, async (tx) => {
    const rows = await repo.claimDue(tx, now, 20);
    for (const r of rows) {
      const s = ZSchedule.parse(r.schedule);
      await repo.markRun(tx, r.id, now, nextRunAt(s, r.owner_time_zone ?? "UTC", now));
    }
    return rows;
  });
  const url = deps.config.PORTICO_SMTP_URL;
  let sent = 0;
  for (const r of due) {
    if (!r.owner_id || !r.owner_active || (r.owner_role !== "agent" && r.owner_role !== "admin")) continue;
    const actor: Actor = { userId: r.owner_id, organizationId: r.organization_id, role: r.owner_role, groupIds: [] };
    try {
      const run = await runReport(deps, actor, ZReportDefinition.parse(r.definition));
      const csv = reportCsv(run);
      const s = ZSchedule.parse(r.schedule);
      if (!url) {
        deps.log.warn({ report: r.id }, "scheduled report not mailed: PORTICO_SMTP_URL is not set");
        continue;
      }
      const from = deps.config.PORTICO_MAIL_FROM;
      const stamp = now.toISOString().slice(0, 10);
      await smtpTransport(url).send({
        from,
        to: s.recipients.join(", "),
        subject: `Report: ${r.name} (${stamp})`.replace(/[\r\n\t]+/g, " "),
        text: `The scheduled report "${r.name}" is attached (${run.rows.length} rows, ${run.from.slice(0, 10)} to ${run.to.slice(0, 10)}).`,
        html: `<p>The scheduled report <b>${r.name.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</b> is attached (${run.rows.length} rows).</p>`,
        messageId: `<report.${r.id}.${now.getTime()}@${bareAddress(from).split("@")[1] ?? "localhost"}>`,
        headers: { "Auto-Submitted": "auto-generated" },
        attachments: [{ filename: `${r.name.replace(/[^\w.-]+/g, "_").slice(0, 80)}-${stamp}.csv`, content: csv, contentType: "text/csv; charset=utf-8" }],
      });
      sent++;
    } catch (e) {
      deps.log.error({ err: e, report: r.id }, "scheduled report failed");
    }
  }
  return sent;
}
