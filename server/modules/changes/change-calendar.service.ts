import ical, { ICalEventStatus, ICalEventTransparency } from "ical-generator";
import type { TChangeSummary, TFreezeWindow } from "../../../contracts/changes";
import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { AppError, invalidField, notFound } from "../../platform/http/errors";
import { insertAudit } from "../identity/identity.repo";
import { hashSecret, newSecret } from "../identity/tokens";
import * as cal from "./change-calendar.repo";
import { assertChangeManager, assertStaff } from "./change.policy";
import { overrideCovers, presentChangeSummary, presentConflict } from "./change.presenter";
import * as repo from "./change.repo";

export const FEED_TOKEN_PREFIX = "pcal_";
const iso = (d: Date | string) => new Date(d).toISOString();

function presentFreeze(f: cal.FreezeRow): TFreezeWindow {
  return { id: f.id, name: f.name, reason: f.reason, startsAt: iso(f.starts_at), endsAt: iso(f.ends_at), service: f.service, createdAt: iso(f.created_at) };
}

/** Freeze windows (optionally those overlapping a range). */
export async function listFreezeWindows(deps: Deps, actor: Actor, range: { from?: string; to?: string } = {}) {
  assertStaff(actor);
  return (await cal.listFreezeWindows(deps.db, actor.organizationId, range)).map(presentFreeze);
}

/** Adds a freeze/blackout window (change managers). */
export async function createFreezeWindow(
  deps: Deps,
  actor: Actor,
  input: { name: string; reason: string; startsAt: string; endsAt: string; serviceId: string | null },
): Promise<TFreezeWindow> {
  assertStaff(actor);
  if (new Date(input.endsAt).getTime() <= new Date(input.startsAt).getTime()) throw invalidField("body.endsAt", "must be after startsAt");
  return withTx(deps.db, async (tx) => {
    await assertChangeManager(tx, actor, "manage freeze windows");
    if (input.serviceId && !(await repo.existingServiceIds(tx, actor.organizationId, [input.serviceId])).size)
      throw invalidField("body.serviceId", "no such service");
    const f = await cal.insertFreezeWindow(tx, { organizationId: actor.organizationId, ...input, createdById: actor.userId });
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "freeze_window.created",
      entityType: "freeze_window",
      entityId: f.id,
      data: input,
      ip: actor.ip,
    });
    return presentFreeze(f);
  });
}

/** Removes a freeze window (change managers). */
export async function deleteFreezeWindow(deps: Deps, actor: Actor, id: string): Promise<void> {
  assertStaff(actor);
  await withTx(deps.db, async (tx) => {
    await assertChangeManager(tx, actor, "manage freeze windows");
    if (!(await cal.deleteFreezeWindow(tx, actor.organizationId, id))) throw notFound("Freeze window");
    await insertAudit(tx, {
      organizationId: actor.organizationId,
      actorId: actor.userId,
      action: "freeze_window.deleted",
      entityType: "freeze_window",
      entityId: id,
      data: {},
      ip: actor.ip,
    });
  });
}

/** What a planned window on these services would collide with (for planning before saving). */
export async function checkConflicts(deps: Deps, actor: Actor, q: { start: string; end: string; serviceIds?: string[]; exclude?: string }) {
  assertStaff(actor);
  if (new Date(q.end).getTime() <= new Date(q.start).getTime()) throw invalidField("query.end", "must be after start");
  const rows = await repo.findConflicts(deps.db, actor.organizationId, { start: q.start, end: q.end, serviceIds: q.serviceIds ?? [], excludeId: q.exclude });
  return rows.map((c) => presentConflict(c, false));
}

/** Marks changes that collide with another listed change on a shared service, or with a freeze window. */
function markConflicts(rows: repo.ChangeRow[], freezes: cal.FreezeRow[]): Array<TChangeSummary & { conflicted: boolean }> {
  const overlaps = (a0: Date, a1: Date, b0: Date, b1: Date) => a0 < b1 && b0 < a1;
  return rows.map((r) => {
    const s = new Date(r.planned_start as Date);
    const e = new Date(r.planned_end as Date);
    const clash = rows.some(
      (o) =>
        o.id !== r.id &&
        overlaps(s, e, new Date(o.planned_start as Date), new Date(o.planned_end as Date)) &&
        o.service_ids.some((x) => r.service_ids.includes(x)),
    );
    const frozen =
      !overrideCovers(r) &&
      freezes.some((f) => overlaps(s, e, new Date(f.starts_at), new Date(f.ends_at)) && (!f.service || r.service_ids.includes(f.service.id)));
    return { ...presentChangeSummary(r), conflicted: clash || frozen };
  });
}

/** The change calendar for a range: planned changes (not cancelled) and freeze windows. */
export async function changeCalendar(deps: Deps, actor: Actor, q: { from: string; to: string; serviceId?: string }) {
  assertStaff(actor);
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (to <= from) throw invalidField("query.to", "must be after from");
  if (to.getTime() - from.getTime() > 400 * 86400_000) throw invalidField("query.to", "the range may span at most 400 days");
  const [rows, freezes] = await Promise.all([
    repo.listChanges(
      deps.db,
      {
        organizationId: actor.organizationId,
        states: ["new", "assess", "authorize", "scheduled", "implement", "review", "closed"],
        serviceId: q.serviceId,
        from: q.from,
        to: q.to,
      },
      2000,
      null,
    ),
    cal.listFreezeWindows(deps.db, actor.organizationId, { from: q.from, to: q.to, serviceId: q.serviceId }),
  ]);
  rows.sort((a, b) => new Date(a.planned_start as Date).getTime() - new Date(b.planned_start as Date).getTime());
  return { changes: markConflicts(rows.slice(0, 2000), freezes), freezeWindows: freezes.map(presentFreeze) };
}

/** Creates a subscription feed; its secret URL is shown once (only the hash is kept). */
export async function createFeed(deps: Deps, actor: Actor, input: { name: string; serviceId: string | null }, baseUrl: string) {
  assertStaff(actor);
  if (input.serviceId && !(await repo.existingServiceIds(deps.db, actor.organizationId, [input.serviceId])).size)
    throw invalidField("body.serviceId", "no such service");
  const token = newSecret(FEED_TOKEN_PREFIX);
  const row = await cal.insertFeed(deps.db, {
    organizationId: actor.organizationId,
    ownerId: actor.userId,
    name: input.name,
    tokenHash: hashSecret(token),
    prefix: token.slice(0, 10),
    serviceId: input.serviceId,
  });
  const feeds = await cal.listFeeds(deps.db, actor.userId);
  const f = feeds.find((x) => x.id === row.id);
  return {
    id: row.id,
    name: input.name,
    service: f?.service ?? null,
    prefix: token.slice(0, 10),
    createdAt: iso(row.created_at),
    lastUsedAt: null,
    url: `${baseUrl.replace(/\/$/, "")}/api/v1/calendar/feeds/${token}.ics`,
  };
}

/** The caller's feeds (without their secrets). */
export async function listFeeds(deps: Deps, actor: Actor) {
  assertStaff(actor);
  return (await cal.listFeeds(deps.db, actor.userId)).map((f) => ({
    id: f.id,
    name: f.name,
    service: f.service,
    prefix: f.prefix,
    createdAt: iso(f.created_at),
    lastUsedAt: f.last_used_at ? iso(f.last_used_at) : null,
  }));
}

/** Revokes one of the caller's feeds: its URL stops working at once. */
export async function revokeFeed(deps: Deps, actor: Actor, id: string): Promise<void> {
  assertStaff(actor);
  if (!(await cal.revokeFeed(deps.db, actor.userId, id))) throw notFound("Calendar feed");
}

/**
 * The iCalendar (RFC 5545) document behind a feed URL: changes from 90 days back to a year ahead and
 * the freeze windows, for calendar clients that subscribe without signing in (the token is the key).
 */
export async function renderFeed(deps: Deps, token: string, appUrl: string): Promise<string> {
  if (!token.startsWith(FEED_TOKEN_PREFIX) || token.length > 100) throw new AppError("NOT_FOUND", "Calendar feed not found");
  const feed = await cal.claimFeed(deps.db, hashSecret(token));
  if (!feed) throw new AppError("NOT_FOUND", "Calendar feed not found");
  const from = new Date(Date.now() - 90 * 86400_000).toISOString();
  const to = new Date(Date.now() + 365 * 86400_000).toISOString();
  const [rows, freezes] = await Promise.all([
    repo.listChanges(deps.db, { organizationId: feed.organization_id, serviceId: feed.service_id ?? undefined, from, to }, 5000, null),
    cal.listFreezeWindows(deps.db, feed.organization_id, { from, to, serviceId: feed.service_id ?? undefined }),
  ]);
  const calendar = ical({ name: `Portico — ${feed.name}`, prodId: { company: "Portico", product: "Change calendar", language: "EN" }, ttl: 900 });
  const base = appUrl.replace(/\/$/, "");
  for (const r of rows) {
    if (!r.planned_start || !r.planned_end) continue;
    calendar.createEvent({
      id: `${r.id}@portico`,
      sequence: r.version,
      start: new Date(r.planned_start),
      end: new Date(r.planned_end),
      summary: `${r.number} ${r.title}`,
      description: [
        `Type: ${r.change_type}`,
        `State: ${r.state}`,
        `Risk: ${r.risk ?? "not assessed"}`,
        r.services.length ? `Services: ${r.services.map((s) => s.name).join(", ")}` : "",
      ]
        .filter(Boolean)
        .join("\n"),
      url: `${base}/changes/${r.number}`,
      status:
        r.state === "cancelled"
          ? ICalEventStatus.CANCELLED
          : r.state === "new" || r.state === "assess" || r.state === "authorize"
            ? ICalEventStatus.TENTATIVE
            : ICalEventStatus.CONFIRMED,
      categories: [{ name: "Change" }, { name: r.change_type }],
    });
  }
  for (const f of freezes) {
    calendar.createEvent({
      id: `${f.id}@portico-freeze`,
      start: new Date(f.starts_at),
      end: new Date(f.ends_at),
      summary: `Change freeze: ${f.name}`,
      description: [f.reason, f.service ? `Service: ${f.service.name}` : "All services"].filter(Boolean).join("\n"),
      transparency: ICalEventTransparency.TRANSPARENT,
      categories: [{ name: "Freeze" }],
    });
  }
  return calendar.toString();
}
