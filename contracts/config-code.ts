import { z } from "zod";
import { RULE_ITEM_TYPES, RULE_TRIGGERS, ZRuleCondition } from "./automation";
import { ZApprovalStageDefinition } from "./approvals";
import { AUDIENCES, CATALOG_ICONS } from "./catalog";
import { ZCatalogForm } from "./catalog-form";
import { ZAttributeDefs } from "./cmdb-attributes";
import { DESK_ICONS } from "./desks";
import { NOTIFICATION_EVENTS } from "./notifications";
import { ZCalendarInput, ZSlaCondition, ZThreshold, ZTargetInput } from "./sla";

/**
 * Configuration as code: one YAML document holding an organization's set-up, keyed by natural names
 * (never ids), so it moves between Portico instances and lives in git. References are names too:
 * groups and services by name, categories as "Parent" or "Parent/Child", desks by slug, calendars by
 * name, people by email. In SLA conditions the id fields (serviceId, categoryId, assignmentGroupId,
 * assigneeId) hold such names. Import creates what is missing and changes what differs; it never
 * deletes (things only in Portico are listed as such in the preview). Rules keep the document's order.
 */

export const CONFIG_API_VERSION = "portico.config/v1";

const name = (max = 120) => z.string().trim().min(1).max(max);

export const ZConfigGroup = z.object({
  name: name(),
  description: z.string().max(2000).default(""),
  email: z.email().nullable().default(null),
});

export const ZConfigService = z.object({ name: name(200) });

export const ZConfigCategory = z.object({
  name: name(),
  /** Second-level categories under this one. */
  subcategories: z.array(name()).max(200).default([]),
});

export const ZConfigDesk = z.object({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes"),
  name: name(),
  brandingName: name(),
  description: z.string().max(2000).default(""),
  icon: z.enum(DESK_ICONS).default("lifebuoy"),
  position: z.number().int().min(0).max(1000).default(0),
  active: z.boolean().default(true),
  /** Assignment groups of the desk, by name. */
  groups: z.array(name()).max(200).default([]),
  /** Top-level categories of the desk, by name. */
  categories: z.array(name()).max(500).default([]),
});

export const ZConfigCalendar = ZCalendarInput;

const ZNamedThreshold = z.object({
  percent: ZThreshold.shape.percent,
  action: ZThreshold.shape.action,
  recipient: ZThreshold.shape.recipient,
  /** notify a person: their email. */
  user: z.email().optional(),
  /** reassign: the group's name. */
  group: name().optional(),
});

/** SLA condition with names instead of ids (checked against the organization on import). */
const ZNamedCondition = z.object({
  field: ZSlaCondition.shape.field,
  op: ZSlaCondition.shape.op,
  values: ZSlaCondition.shape.values,
});

export const ZConfigTarget = z.object({
  kind: ZTargetInput.shape.kind,
  metric: ZTargetInput.shape.metric,
  name: ZTargetInput.shape.name,
  /** OLA: the group measured, by name (null: whichever group holds the item). */
  group: name().nullable().default(null),
  durationMinutes: ZTargetInput.shape.durationMinutes,
  /** Business calendar by name; null = 24×7. */
  calendar: name(100).nullable().default(null),
  startWhen: z.array(ZNamedCondition).max(20).default([]),
  stopWhen: z.array(ZNamedCondition).max(20).default([]),
  pauseWhen: z.array(ZNamedCondition).max(20).default([]),
  thresholds: z.array(ZNamedThreshold).max(20).default([]),
});

export const ZConfigSlaPolicy = z.object({
  name: name(100),
  description: z.string().max(2000).default(""),
  active: z.boolean().default(true),
  position: z.number().int().min(0).max(100_000).default(100),
  conditions: z.array(ZNamedCondition).max(30).default([]),
  targets: z.array(ZConfigTarget).min(1).max(30),
});

export const ZConfigCiClass = z.object({
  key: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,39}$/, "must start with a letter and use a–z, 0–9 and _ (2–40)"),
  name: name(80),
  description: z.string().max(2000).default(""),
  attributes: ZAttributeDefs.default([]),
});

const ZNamedApprover = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("manager") }),
  z.object({ kind: z.literal("user"), user: z.email() }),
  z.object({ kind: z.literal("group"), group: name() }),
]);

export const ZConfigCatalogItem = z.object({
  name: name(200),
  /** The desk's slug. */
  desk: z.string().trim().min(1).max(63),
  /** Category path ("Hardware" or "Hardware/Laptop") or null. */
  category: z.string().trim().min(1).max(250).nullable().default(null),
  audience: z.enum(AUDIENCES).default("everyone"),
  active: z.boolean().default(true),
  summary: z.string().trim().max(300).default(""),
  description: z.string().max(10_000).default(""),
  icon: z.enum(CATALOG_ICONS).default("package"),
  form: ZCatalogForm.default({ variables: [] }),
  approvals: z
    .array(
      z.object({
        name: ZApprovalStageDefinition.shape.name,
        rule: ZApprovalStageDefinition.shape.rule,
        quorum: ZApprovalStageDefinition.shape.quorum,
        approvers: z.array(ZNamedApprover).min(1).max(20),
      }),
    )
    .max(10)
    .default([]),
  fulfilment: z
    .array(
      z.object({
        title: name(200),
        description: z.string().max(4000).default(""),
        /** The group that does it, by name. */
        group: name(),
        parallelWithPrevious: z.boolean().default(false),
      }),
    )
    .max(30)
    .default([]),
});

export const ZConfigTemplate = z.object({
  event: z.enum(NOTIFICATION_EVENTS),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/, "a language code such as en or de-CH"),
  subject: z.string().trim().min(1).max(300),
  body: z.string().trim().min(1).max(20_000),
});

/**
 * An automation rule, references as names (group and service names, category paths, people's emails,
 * also inside conditions). Webhook secrets of call_webhook actions are never exported; an import keeps
 * the secret a rule already has for the same URL.
 */
export const ZConfigRule = z.object({
  name: name(),
  description: z.string().trim().max(2000).default(""),
  active: z.boolean().default(true),
  itemType: z.enum(RULE_ITEM_TYPES).default("incident"),
  trigger: z.enum(RULE_TRIGGERS),
  cron: z.string().trim().max(120).nullable().default(null),
  timezone: z.string().trim().max(64).default("UTC"),
  conditions: ZRuleCondition.nullable().default(null),
  /** The rule's actions as in the API, with names for ids; checked completely on import. */
  actions: z
    .array(z.looseObject({ type: z.string() }))
    .min(1)
    .max(20),
  stopProcessing: z.boolean().default(false),
  reactToRules: z.boolean().default(false),
});

/** The whole document. A kind left out is not touched by an import. */
export const ZConfigDocument = z
  .object({
    apiVersion: z.literal(CONFIG_API_VERSION, { error: `apiVersion must be ${CONFIG_API_VERSION}` }),
    groups: z.array(ZConfigGroup).max(2000).optional(),
    services: z.array(ZConfigService).max(5000).optional(),
    categories: z.array(ZConfigCategory).max(2000).optional(),
    desks: z.array(ZConfigDesk).max(200).optional(),
    calendars: z.array(ZConfigCalendar).max(200).optional(),
    slaPolicies: z.array(ZConfigSlaPolicy).max(500).optional(),
    ciClasses: z.array(ZConfigCiClass).max(500).optional(),
    catalogItems: z.array(ZConfigCatalogItem).max(2000).optional(),
    notificationTemplates: z.array(ZConfigTemplate).max(2000).optional(),
    /** Automation rules in their evaluation order. */
    rules: z.array(ZConfigRule).max(1000).optional(),
  })
  .strict();
export type TConfigDocument = z.infer<typeof ZConfigDocument>;
export type ConfigKind = Exclude<keyof TConfigDocument, "apiVersion">;
export const CONFIG_KINDS: ConfigKind[] = [
  "groups",
  "services",
  "categories",
  "desks",
  "calendars",
  "slaPolicies",
  "ciClasses",
  "catalogItems",
  "notificationTemplates",
  "rules",
];

export const ZConfigChange = z.object({
  kind: z.string(),
  /** Natural key, e.g. the desk's slug or "it/New laptop" for a catalog item. */
  key: z.string(),
  change: z.enum(["added", "changed", "unchanged", "only_in_portico"]),
});

export const ZConfigImportResult = z
  .object({
    /** true: nothing was written (preview). */
    dryRun: z.boolean(),
    applied: z.boolean(),
    summary: z.object({ added: z.number().int(), changed: z.number().int(), unchanged: z.number().int(), onlyInPortico: z.number().int() }),
    changes: z.array(ZConfigChange),
    /** Unified diff of the organization's configuration before and after, as YAML. */
    diff: z.string(),
  })
  .meta({ id: "ConfigImportResult" });
export type TConfigImportResult = z.infer<typeof ZConfigImportResult>;

export const ZConfigImportQuery = z.object({
  dryRun: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1")
    .describe("true: validate and show the diff, write nothing"),
});
