import { createTwoFilesPatch } from "diff";
import YAML from "yaml";
import { CONFIG_KINDS, type ConfigKind, type TConfigDocument, type TConfigImportResult, ZConfigDocument } from "../../../contracts/config-code";
import { type TRuleAction, type TRuleCondition, ZRuleInput } from "../../../contracts/automation";
import type { TSlaCondition } from "../../../contracts/sla";
import { createRule, listRules, reorderRules, updateRule } from "../automation/rule.service";
import type { Actor, Deps } from "../../deps";
import { type Tx, withTx } from "../../platform/db/db";
import { AppError, type ErrorDetail } from "../../platform/http/errors";
import { createCatalogItem, listCatalog, updateCatalogItem } from "../catalog/catalog.service";
import { createClass, listClasses, updateClass } from "../cmdb/cmdb.service";
import { createDesk, updateDesk } from "../desks/desk.service";
import { createGroup, updateGroup } from "../identity/identity.service";
import { putTemplate } from "../notifications/notification.service";
import { createCategory, createService } from "../reference/reference.service";
import { createCalendar, createPolicy, listPolicies, updateCalendar, updatePolicy } from "../sla/sla.service";
import { type NameMaps, nameMaps } from "./config.repo";
import { exportConfig, ID_CONDITION_FIELDS, KEY_OF } from "./config.export";
import { mapActions, mapCondition } from "./config.rules";

type Item = Record<string, unknown>;
const keyOf = (kind: ConfigKind, item: Item) => (KEY_OF[kind] as (i: Item) => string)(item);
/** JSON with object keys sorted, so equal documents compare equal whatever order their keys came in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Item)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Item)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** Serialises a document as YAML (no line folding, so diffs stay line-based). */
export function toYaml(doc: TConfigDocument): string {
  return YAML.stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Parses and validates a YAML document; every problem is reported with its path (and line for syntax). */
export function parseConfigYaml(text: string): TConfigDocument {
  if (text.length > 5 * 1024 * 1024) throw new AppError("PAYLOAD_TOO_LARGE", "A configuration document is at most 5 MB");
  const parsed = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (parsed.errors.length) {
    const details = parsed.errors.slice(0, 20).map((e) => ({
      field: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "yaml",
      message: e.message.split("\n")[0],
      code: e.code,
    }));
    throw new AppError("VALIDATION_FAILED", `The YAML cannot be read: ${details[0].field}: ${details[0].message}`, details);
  }
  const result = ZConfigDocument.safeParse(parsed.toJS({ maxAliasCount: 100 }));
  if (!result.success) {
    const details = result.error.issues.slice(0, 50).map((i) => ({ field: i.path.join(".") || "(document)", message: i.message, code: i.code }));
    throw new AppError("VALIDATION_FAILED", `The configuration does not validate: ${details[0].field}: ${details[0].message}`, details);
  }
  const dupes: ErrorDetail[] = [];
  for (const kind of CONFIG_KINDS) {
    const seen = new Map<string, number>();
    (result.data[kind] as Item[] | undefined)?.forEach((item, i) => {
      const k = keyOf(kind, item);
      if (seen.has(k)) dupes.push({ field: `${kind}.${i}`, message: `"${k}" appears twice (also at ${kind}.${seen.get(k)})` });
      seen.set(k, i);
    });
  }
  if (dupes.length) throw new AppError("VALIDATION_FAILED", `The configuration does not validate: ${dupes[0].field}: ${dupes[0].message}`, dupes);
  return result.data;
}

/** What the organization's configuration becomes after importing `incoming` (kinds left out stay as they are). */
function merged(current: TConfigDocument, incoming: TConfigDocument): TConfigDocument {
  const out: Record<string, unknown> = { apiVersion: current.apiVersion };
  for (const kind of CONFIG_KINDS) {
    const now = (current[kind] ?? []) as Item[];
    const next = incoming[kind] as Item[] | undefined;
    if (!next) {
      out[kind] = now;
      continue;
    }
    if (kind === "rules") {
      // Rules are an ordered list: the document's order, then the rules only Portico has.
      const named = new Set(next.map((i) => keyOf(kind, i)));
      out[kind] = [...next, ...now.filter((i) => !named.has(keyOf(kind, i)))];
      continue;
    }
    const map = new Map(now.map((i) => [keyOf(kind, i), i]));
    for (const i of next) map.set(keyOf(kind, i), i);
    out[kind] = [...map.entries()].sort(([a], [b]) => a.localeCompare(b, "en")).map(([, v]) => v);
  }
  return out as TConfigDocument;
}

function changesOf(current: TConfigDocument, incoming: TConfigDocument) {
  const changes: TConfigImportResult["changes"] = [];
  for (const kind of CONFIG_KINDS) {
    const next = incoming[kind] as Item[] | undefined;
    if (!next) continue;
    const now = new Map(((current[kind] ?? []) as Item[]).map((i) => [keyOf(kind, i), i]));
    const seen = new Set<string>();
    for (const i of next) {
      const key = keyOf(kind, i);
      seen.add(key);
      const before = now.get(key);
      changes.push({ kind, key, change: !before ? "added" : same(before, i) ? "unchanged" : "changed" });
    }
    for (const key of now.keys()) if (!seen.has(key)) changes.push({ kind, key, change: "only_in_portico" });
  }
  return changes;
}

class DryRunRollback extends Error {}

/**
 * Imports a configuration document in one transaction through each module's own service (their
 * rules, audit and follow-up jobs apply). With dryRun the same writes run and are rolled back, so
 * the preview is the real validation. Any error rolls everything back and names the item.
 */
export async function importConfig(deps: Deps, actor: Actor, text: string, dryRun: boolean): Promise<TConfigImportResult> {
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only administrators can import configuration");
  const incoming = parseConfigYaml(text);
  const run = async (tx: Tx) => {
    const txDeps: Deps = { ...deps, db: tx };
    const current = await exportConfig(txDeps, actor);
    const changes = changesOf(current, incoming);
    const after = merged(current, incoming);
    const diff = createTwoFilesPatch("portico (now)", "portico (after import)", toYaml(current), toYaml(after), undefined, undefined, { context: 3 });
    const todo = new Set(changes.filter((c) => c.change === "added" || c.change === "changed").map((c) => `${c.kind}\u0000${c.key}`));
    await apply(txDeps, actor, incoming, current, (kind, item) => todo.has(`${kind}\u0000${keyOf(kind, item)}`));
    const count = (c: string) => changes.filter((x) => x.change === c).length;
    const result: TConfigImportResult = {
      dryRun,
      applied: !dryRun,
      summary: { added: count("added"), changed: count("changed"), unchanged: count("unchanged"), onlyInPortico: count("only_in_portico") },
      changes,
      diff,
    };
    if (dryRun) throw Object.assign(new DryRunRollback(), { result });
    return result;
  };
  try {
    return await withTx(deps.db, run);
  } catch (e) {
    if (e instanceof DryRunRollback) return (e as DryRunRollback & { result: TConfigImportResult }).result;
    throw e;
  }
}

/** Re-raises a service's error naming the item of the document it came from. */
async function at<T>(kind: ConfigKind, index: number, key: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const where = `${kind}.${index}`;
    const details = (e.details ?? [{ message: e.message }]).map((d) => ({ ...d, field: `${where}${d.field ? `.${d.field.replace(/^body\./, "")}` : ""}` }));
    throw new AppError(e.code, `${where} (${key}): ${e.message}`, details);
  }
}

function resolver(maps: NameMaps) {
  return (kind: keyof NameMaps, name: string, field: string): string => {
    const id = maps[kind].id.get(name.toLowerCase());
    if (!id)
      throw new AppError("VALIDATION_FAILED", `${field}: no ${kind} named "${name}" in this organization`, [{ field, message: `no ${kind} named "${name}"` }]);
    return id;
  };
}

async function apply(deps: Deps, actor: Actor, doc: TConfigDocument, current: TConfigDocument, needed: (kind: ConfigKind, item: Item) => boolean) {
  const tx = deps.db;
  let maps = await nameMaps(tx, actor.organizationId);

  for (const [i, g] of (doc.groups ?? []).entries()) {
    if (!needed("groups", g)) continue;
    const id = maps.group.id.get(g.name.toLowerCase());
    await at("groups", i, g.name, () =>
      id
        ? updateGroup(deps, actor, id, { name: g.name, description: g.description, email: g.email })
        : createGroup(deps, actor, { name: g.name, description: g.description, email: g.email, memberIds: [] }),
    );
  }
  for (const [i, s] of (doc.services ?? []).entries()) {
    if (!needed("services", s) || maps.service.id.has(s.name.toLowerCase())) continue;
    await at("services", i, s.name, () => createService(deps, actor, { name: s.name, description: "", supportGroupId: null }));
  }
  for (const [i, c] of (doc.categories ?? []).entries()) {
    if (!needed("categories", c)) continue;
    await at("categories", i, c.name, async () => {
      const parentId = maps.category.id.get(c.name.toLowerCase()) ?? (await createCategory(deps, actor, { name: c.name, parentId: null })).id;
      for (const sub of c.subcategories)
        if (!maps.category.id.has(`${c.name}/${sub}`.toLowerCase())) await createCategory(deps, actor, { name: sub, parentId });
    });
  }
  maps = await nameMaps(tx, actor.organizationId);
  let resolve = resolver(maps);

  for (const [i, d] of (doc.desks ?? []).entries()) {
    if (!needed("desks", d)) continue;
    await at("desks", i, d.slug, async () => {
      const fields = {
        name: d.name,
        slug: d.slug,
        brandingName: d.brandingName,
        description: d.description,
        icon: d.icon,
        position: d.position,
        active: d.active,
        groupIds: d.groups.map((g, j) => resolve("group", g, `groups.${j}`)),
        categoryIds: d.categories.map((c, j) => resolve("category", c, `categories.${j}`)),
      };
      const id = maps.desk.id.get(d.slug);
      if (id) await updateDesk(deps, actor, id, fields);
      else await createDesk(deps, actor, { ...fields, memberIds: [] });
    });
  }
  for (const [i, c] of (doc.calendars ?? []).entries()) {
    if (!needed("calendars", c)) continue;
    const id = maps.calendar.id.get(c.name.toLowerCase());
    await at("calendars", i, c.name, () => (id ? updateCalendar(deps, actor, id, c) : createCalendar(deps, actor, c)));
  }
  maps = await nameMaps(tx, actor.organizationId);
  resolve = resolver(maps);

  const conditions = (list: Array<{ field: string; op: string; values: Array<string | number> }>, path: string) =>
    list.map((c, j) => {
      const kind = ID_CONDITION_FIELDS[c.field as keyof typeof ID_CONDITION_FIELDS];
      return { ...c, values: kind ? c.values.map((v, k) => resolve(kind, String(v), `${path}.${j}.values.${k}`)) : c.values } as TSlaCondition;
    });
  const policyIds = new Map((await listPolicies(deps, actor)).map((p) => [p.name.toLowerCase(), p.id]));
  for (const [i, p] of (doc.slaPolicies ?? []).entries()) {
    if (!needed("slaPolicies", p)) continue;
    await at("slaPolicies", i, p.name, async () => {
      const input = {
        name: p.name,
        description: p.description,
        active: p.active,
        position: p.position,
        conditions: conditions(p.conditions, "conditions"),
        targets: p.targets.map((t, j) => ({
          kind: t.kind,
          metric: t.metric,
          name: t.name,
          groupId: t.group ? resolve("group", t.group, `targets.${j}.group`) : null,
          durationMinutes: t.durationMinutes,
          calendarId: t.calendar ? resolve("calendar", t.calendar, `targets.${j}.calendar`) : null,
          startWhen: conditions(t.startWhen, `targets.${j}.startWhen`),
          stopWhen: conditions(t.stopWhen, `targets.${j}.stopWhen`),
          pauseWhen: conditions(t.pauseWhen, `targets.${j}.pauseWhen`),
          thresholds: t.thresholds.map((h, k) => ({
            percent: h.percent,
            action: h.action,
            recipient: h.recipient,
            userId: h.user ? resolve("user", h.user, `targets.${j}.thresholds.${k}.user`) : undefined,
            groupId: h.group ? resolve("group", h.group, `targets.${j}.thresholds.${k}.group`) : undefined,
          })),
        })),
      };
      const id = policyIds.get(p.name.toLowerCase());
      if (id) await updatePolicy(deps, actor, id, input);
      else await createPolicy(deps, actor, input);
    });
  }

  const classIds = new Map((await listClasses(deps, actor)).map((c) => [c.key, c]));
  for (const [i, c] of (doc.ciClasses ?? []).entries()) {
    if (!needed("ciClasses", c)) continue;
    await at("ciClasses", i, c.key, async () => {
      const existing = classIds.get(c.key);
      if (existing?.builtIn) throw new AppError("CONFLICT", `${c.key} is a built-in class and cannot be changed`, [{ field: "key", message: "built-in" }]);
      if (existing) await updateClass(deps, actor, existing.id, { name: c.name, description: c.description, attributes: c.attributes });
      else await createClass(deps, actor, c);
    });
  }

  const catalogIds = new Map(
    (await listCatalog(deps, actor, { all: "true", limit: 100_000 })).map((c) => [`${c.desk.slug}/${c.name.toLowerCase()}`, c.id] as const),
  );
  for (const [i, item] of (doc.catalogItems ?? []).entries()) {
    if (!needed("catalogItems", item)) continue;
    await at("catalogItems", i, `${item.desk}/${item.name}`, async () => {
      const input = {
        deskId: resolve("desk", item.desk, "desk"),
        categoryId: item.category ? resolve("category", item.category, "category") : null,
        audience: item.audience,
        active: item.active,
        name: item.name,
        summary: item.summary,
        description: item.description,
        icon: item.icon,
        form: item.form,
        approvals: item.approvals.map((s, j) => ({
          name: s.name,
          rule: s.rule,
          quorum: s.quorum,
          approvers: s.approvers.map((a, k) =>
            a.kind === "manager"
              ? a
              : a.kind === "user"
                ? { kind: "user" as const, userId: resolve("user", a.user, `approvals.${j}.approvers.${k}.user`) }
                : { kind: "group" as const, groupId: resolve("group", a.group, `approvals.${j}.approvers.${k}.group`) },
          ),
        })),
        fulfilment: item.fulfilment.map((f, j) => ({
          title: f.title,
          description: f.description,
          groupId: resolve("group", f.group, `fulfilment.${j}.group`),
          parallelWithPrevious: f.parallelWithPrevious,
        })),
      };
      const id = catalogIds.get(`${item.desk}/${item.name.toLowerCase()}`);
      if (id) await updateCatalogItem(deps, actor, id, input);
      else await createCatalogItem(deps, actor, input);
    });
  }

  for (const [i, t] of (doc.notificationTemplates ?? []).entries()) {
    if (!needed("notificationTemplates", t)) continue;
    await at("notificationTemplates", i, `${t.event}/${t.language}`, () => putTemplate(deps, actor, t.event, t.language, { subject: t.subject, body: t.body }));
  }
  if (doc.rules) await applyRules(deps, actor, doc.rules, resolve, needed);
  void current;
}

/** Rules: names back to ids, checked with the automation contract, saved through its service; then the document's order. */
async function applyRules(
  deps: Deps,
  actor: Actor,
  rules: NonNullable<TConfigDocument["rules"]>,
  resolve: ReturnType<typeof resolver>,
  needed: (kind: ConfigKind, item: Item) => boolean,
) {
  const existing = new Map((await listRules(deps, actor)).map((r) => [r.name.toLowerCase(), r]));
  for (const [i, r] of rules.entries()) {
    if (!needed("rules", r)) continue;
    await at("rules", i, r.name, async () => {
      const before = existing.get(r.name.toLowerCase());
      const oldSecrets = new Map(
        ((before?.actions ?? []) as TRuleAction[]).flatMap((a) => (a.type === "call_webhook" && a.secret ? [[a.url, a.secret] as const] : [])),
      );
      const translated = {
        ...r,
        conditions: r.conditions ? mapCondition(r.conditions as TRuleCondition, resolve, "conditions") : null,
        actions: mapActions(r.actions as unknown as TRuleAction[], resolve, "actions", (a) => a.secret ?? oldSecrets.get(a.url)),
      };
      const parsed = ZRuleInput.safeParse(translated);
      if (!parsed.success) {
        const details = parsed.error.issues.slice(0, 20).map((x) => ({ field: x.path.join("."), message: x.message }));
        throw new AppError("VALIDATION_FAILED", `${details[0].field}: ${details[0].message}`, details);
      }
      if (before) await updateRule(deps, actor, before.id, parsed.data);
      else await createRule(deps, actor, parsed.data);
    });
  }
  // The document's rules first, in its order; rules only Portico has keep theirs after them.
  const now = await listRules(deps, actor);
  const byName = new Map(now.map((r) => [r.name.toLowerCase(), r.id]));
  const first = rules.map((r) => byName.get(r.name.toLowerCase())).filter((id): id is string => !!id);
  const order = [...first, ...now.map((r) => r.id).filter((id) => !first.includes(id))];
  if (order.some((id, k) => now[k]?.id !== id)) await reorderRules(deps, actor, order);
}
