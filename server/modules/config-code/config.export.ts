import { CONFIG_API_VERSION, type TConfigDocument, ZConfigDocument } from "../../../contracts/config-code";
import type { TRuleAction, TRuleCondition } from "../../../contracts/automation";
import type { TSlaCondition } from "../../../contracts/sla";
import { listRules } from "../automation/rule.service";
import type { Actor, Deps } from "../../deps";
import { listCatalog, getCatalogItem } from "../catalog/catalog.service";
import { listClasses } from "../cmdb/cmdb.service";
import { listDesks } from "../desks/desk.service";
import { listGroups } from "../identity/identity.service";
import { listTemplates, templateLanguages } from "../notifications/notification.service";
import { listCategories, listServices } from "../reference/reference.service";
import { listCalendars, listPolicies } from "../sla/sla.service";
import { type NameMaps, nameMaps } from "./config.repo";
import { mapActions, mapCondition } from "./config.rules";

/** Condition fields whose values are ids, and which name map turns them into names. */
export const ID_CONDITION_FIELDS = { serviceId: "service", categoryId: "category", assignmentGroupId: "group", assigneeId: "user" } as const;

const byKey = <T>(items: T[], key: (t: T) => string) => [...items].sort((a, b) => key(a).localeCompare(key(b), "en"));

function nameOf(maps: NameMaps, kind: keyof NameMaps, id: string | null | undefined): string | null {
  if (!id) return null;
  return maps[kind].name.get(id) ?? `(unknown ${kind} ${id})`;
}

function namedConditions(maps: NameMaps, list: TSlaCondition[]) {
  return list.map((c) => {
    const kind = ID_CONDITION_FIELDS[c.field as keyof typeof ID_CONDITION_FIELDS];
    return { field: c.field, op: c.op, values: kind ? c.values.map((v) => nameOf(maps, kind, String(v)) as string) : c.values };
  });
}

/** Natural key of each item, per kind (what import matches on). */
export const KEY_OF = {
  groups: (g: { name: string }) => g.name.toLowerCase(),
  services: (s: { name: string }) => s.name.toLowerCase(),
  categories: (c: { name: string }) => c.name.toLowerCase(),
  desks: (d: { slug: string }) => d.slug,
  calendars: (c: { name: string }) => c.name.toLowerCase(),
  slaPolicies: (p: { name: string }) => p.name.toLowerCase(),
  ciClasses: (c: { key: string }) => c.key,
  catalogItems: (i: { desk: string; name: string }) => `${i.desk}/${i.name.toLowerCase()}`,
  notificationTemplates: (t: { event: string; language: string }) => `${t.event}/${t.language}`,
  rules: (r: { name: string }) => r.name.toLowerCase(),
} as const;

/** The organization's whole configuration as a document (admins): names, never ids; sorted, so diffs are stable. */
export async function exportConfig(deps: Deps, actor: Actor): Promise<TConfigDocument> {
  const maps = await nameMaps(deps.db, actor.organizationId);
  const [groups, services, categories, desks, calendars, policies, classes, catalog, languages, rules] = await Promise.all([
    listGroups(deps, actor),
    listServices(deps, actor),
    listCategories(deps, actor),
    listDesks(deps, actor, { all: true }),
    listCalendars(deps, actor),
    listPolicies(deps, actor),
    listClasses(deps, actor),
    listCatalog(deps, actor, { all: "true", limit: 100_000 }),
    templateLanguages(deps, actor),
    listRules(deps, actor),
  ]);
  const toName = (kind: keyof NameMaps, id: string) => nameOf(maps, kind, id) as string;
  const items = await Promise.all(catalog.map((c) => getCatalogItem(deps, actor, c.id)));
  const templates = (await Promise.all(languages.map((l) => listTemplates(deps, actor, l)))).flat().filter((t) => !t.isDefault);

  const doc = {
    apiVersion: CONFIG_API_VERSION,
    groups: byKey(
      groups.map((g) => ({ name: g.name, description: g.description, email: g.email })),
      KEY_OF.groups,
    ),
    services: byKey(
      services.map((s) => ({ name: s.name })),
      KEY_OF.services,
    ),
    categories: byKey(
      categories
        .filter((c) => !c.parentId)
        .map((c) => ({
          name: c.name,
          subcategories: categories
            .filter((s) => s.parentId === c.id)
            .map((s) => s.name)
            .sort((a, b) => a.localeCompare(b, "en")),
        })),
      KEY_OF.categories,
    ),
    desks: byKey(
      desks.map((d) => ({
        slug: d.slug,
        name: d.name,
        brandingName: d.brandingName,
        description: d.description,
        icon: d.icon,
        position: d.position,
        active: d.active,
        groups: d.groupIds.map((id) => nameOf(maps, "group", id) as string).sort((a, b) => a.localeCompare(b, "en")),
        categories: d.categoryIds.map((id) => nameOf(maps, "category", id) as string).sort((a, b) => a.localeCompare(b, "en")),
      })),
      KEY_OF.desks,
    ),
    calendars: byKey(
      calendars.map((c) => ({
        name: c.name,
        description: c.description,
        timeZone: c.timeZone,
        hours: c.hours,
        holidays: c.holidays,
        exceptions: c.exceptions,
      })),
      KEY_OF.calendars,
    ),
    slaPolicies: byKey(
      policies.map((p) => ({
        name: p.name,
        description: p.description,
        active: p.active,
        position: p.position,
        conditions: namedConditions(maps, p.conditions),
        targets: p.targets.map((t) => ({
          kind: t.kind,
          metric: t.metric,
          name: t.name,
          group: t.group?.name ?? null,
          durationMinutes: t.durationMinutes,
          calendar: t.calendar?.name ?? null,
          startWhen: namedConditions(maps, t.startWhen),
          stopWhen: namedConditions(maps, t.stopWhen),
          pauseWhen: namedConditions(maps, t.pauseWhen),
          thresholds: t.thresholds.map((h) => ({
            percent: h.percent,
            action: h.action,
            ...(h.recipient ? { recipient: h.recipient } : {}),
            ...(h.userId ? { user: nameOf(maps, "user", h.userId) as string } : {}),
            ...(h.groupId ? { group: nameOf(maps, "group", h.groupId) as string } : {}),
          })),
        })),
      })),
      KEY_OF.slaPolicies,
    ),
    ciClasses: byKey(
      classes.filter((c) => !c.builtIn).map((c) => ({ key: c.key, name: c.name, description: c.description, attributes: c.attributes })),
      KEY_OF.ciClasses,
    ),
    catalogItems: byKey(
      items.map((i) => ({
        name: i.name,
        desk: i.desk.slug,
        category: i.category ? nameOf(maps, "category", i.category.id) : null,
        audience: i.audience,
        active: i.active,
        summary: i.summary,
        description: i.description,
        icon: i.icon,
        form: i.form,
        approvals: i.approvals.map((s) => ({
          name: s.name,
          rule: s.rule,
          ...(s.quorum !== undefined ? { quorum: s.quorum } : {}),
          approvers: s.approvers.map((a) =>
            a.kind === "manager"
              ? { kind: "manager" as const }
              : a.kind === "user"
                ? { kind: "user" as const, user: nameOf(maps, "user", a.userId) as string }
                : { kind: "group" as const, group: nameOf(maps, "group", a.groupId) as string },
          ),
        })),
        fulfilment: i.fulfilment.map((f) => ({
          title: f.title,
          description: f.description,
          group: nameOf(maps, "group", f.groupId) as string,
          parallelWithPrevious: f.parallelWithPrevious,
        })),
      })),
      KEY_OF.catalogItems,
    ),
    notificationTemplates: byKey(
      templates.map((t) => ({ event: t.event, language: t.language, subject: t.subject, body: t.body })),
      KEY_OF.notificationTemplates,
    ),
    // In evaluation order (the list is ordered, not keyed); webhook secrets stay out.
    rules: rules.map((r) => ({
      name: r.name,
      description: r.description,
      active: r.active,
      itemType: r.itemType,
      trigger: r.trigger,
      cron: r.cron,
      timezone: r.timezone,
      conditions: r.conditions ? mapCondition(r.conditions as TRuleCondition, toName, "conditions") : null,
      actions: mapActions(r.actions as TRuleAction[], toName, "actions", () => undefined),
      stopProcessing: r.stopProcessing,
      reactToRules: r.reactToRules,
    })),
  };
  // Through the schema: the same defaults and key order as an imported document, so they compare.
  return ZConfigDocument.parse(doc);
}
