import { z } from "zod";
import { zCsv } from "./common";

/** Work-item types a report may cover. */
export const REPORT_TYPES = ["incident", "request", "request_task", "problem", "change", "change_task"] as const;
export const ZReportType = z.enum(REPORT_TYPES);

const ZInstant = z.iso.datetime({ offset: true }).describe("ISO 8601 instant with offset");
/** An IANA time zone the runtime knows (e.g. Europe/Berlin). */
export const ZTimeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "an IANA time zone such as Europe/Berlin")
  .describe("IANA time zone for day/week buckets; default: the viewer's");

/** Filters every dashboard widget and drill-down takes (query string). */
export const ZReportFilters = z
  .object({
    /** Start of the period (inclusive). Default: 30 days before `to`. */
    from: ZInstant.optional(),
    /** End of the period (exclusive). Default: now. */
    to: ZInstant.optional(),
    tz: ZTimeZone.optional(),
    /** Work-item types; default incident and request. */
    types: zCsv(ZReportType).describe("Work-item types (comma separated); default incident,request"),
    deskId: z.uuid().optional().describe("Only items of this desk (by category, else assignment group)"),
    groupId: z.uuid().optional().describe("Only items of this assignment group"),
    serviceId: z.uuid().optional(),
    categoryId: z.uuid().optional(),
    assigneeId: z.uuid().optional(),
    priority: z.coerce.number().int().min(1).max(5).optional(),
    channel: z.enum(["agent", "portal", "email", "phone", "api", "chat", "monitoring"]).optional(),
    /** Tenant; only your own organization is accepted (the multi-organization issue widens this). */
    organizationId: z.uuid().optional(),
  })
  .meta({ id: "ReportFilters" });
export type TReportFilters = z.infer<typeof ZReportFilters>;

export const WIDGETS = ["volume", "backlog", "times", "sla", "quality", "breakdown", "workload", "changes", "top-cis", "csat"] as const;
export const ZWidget = z.enum(WIDGETS);
export type Widget = z.infer<typeof ZWidget>;

export const BREAKDOWN_DIMENSIONS = ["category", "service", "desk", "channel", "group", "priority", "assignee", "type", "state"] as const;
export const ZDimension = z.enum(BREAKDOWN_DIMENSIONS);
export type Dimension = z.infer<typeof ZDimension>;

export const ZWidgetQuery = ZReportFilters.extend({
  /** volume: day or week buckets. */
  bucket: z.enum(["day", "week"]).default("day"),
  /** breakdown/csat: what to group by. */
  by: ZDimension.optional(),
});
export type TWidgetQuery = z.infer<typeof ZWidgetQuery>;

/** A labelled count (or value) keyed for drill-down. */
export const ZSlice = z
  .object({
    /** Drill-down key (an id, a value, or "none"). */
    key: z.string(),
    label: z.string(),
    value: z.number(),
    /** The number of work items behind the value. */
    count: z.number().int(),
  })
  .meta({ id: "ReportSlice" });
export type TSlice = z.infer<typeof ZSlice>;

const ZDuration = z
  .object({
    /** Items measured. */
    count: z.number().int(),
    meanMs: z.number().nullable(),
    medianMs: z.number().nullable(),
    /** Business time (the SLA clock's calendar); over items with a stopped SLA clock only. */
    businessCount: z.number().int(),
    businessMeanMs: z.number().nullable(),
    businessMedianMs: z.number().nullable(),
  })
  .meta({ id: "ReportDuration" });

const ZRate = z.object({ numerator: z.number().int(), denominator: z.number().int(), percent: z.number().nullable() }).meta({ id: "ReportRate" });
export type TRate = z.infer<typeof ZRate>;

export const ZWidgetResult = z
  .object({
    widget: ZWidget,
    /** The period actually used (after defaults). */
    from: z.string(),
    to: z.string(),
    tz: z.string(),
    /** When the pre-computed facts were last refreshed (figures may lag this much, at most about a minute). */
    refreshedAt: z.string().nullable(),
    /** volume: one point per bucket (local date of the bucket start). */
    series: z.array(z.object({ bucket: z.string(), incoming: z.number().int(), resolved: z.number().int() })).optional(),
    /** backlog/breakdown/workload/changes/top-cis/csat: labelled slices. */
    slices: z.array(ZSlice).optional(),
    /** workload: open items per group (slices hold per agent). */
    groups: z.array(ZSlice).optional(),
    /** backlog: open items in total and their mean age. */
    total: z.number().int().optional(),
    meanAgeMs: z.number().nullable().optional(),
    /** times. */
    response: ZDuration.optional(),
    resolution: ZDuration.optional(),
    /** sla: compliance of stopped clocks of items resolved in the period. */
    responseCompliance: ZRate.optional(),
    resolutionCompliance: ZRate.optional(),
    /** quality. */
    reopenRate: ZRate.optional(),
    fcrRate: ZRate.optional(),
    /** changes: successful / closed with an outcome. */
    successRate: ZRate.optional(),
    /** csat. */
    csat: z
      .object({
        responses: z.number().int(),
        sent: z.number().int(),
        average: z.number().nullable(),
        /** Share of 4s and 5s. */
        satisfiedPercent: z.number().nullable(),
        distribution: z.array(z.number().int()).length(5),
      })
      .optional(),
  })
  .meta({ id: "WidgetResult" });
export type TWidgetResult = z.infer<typeof ZWidgetResult>;

export const ZDrillQuery = ZWidgetQuery.extend({
  widget: ZWidget,
  /** Which part of the widget: e.g. volume incoming|resolved, sla breached, quality reopened|fcr. */
  series: z.string().max(40).optional(),
  /** The slice or bucket key clicked. */
  key: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type TDrillQuery = z.infer<typeof ZDrillQuery>;

export const ZDrillItem = z
  .object({
    id: z.uuid(),
    number: z.string(),
    type: ZReportType,
    title: z.string(),
    state: z.string(),
    priority: z.number().int(),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .meta({ id: "DrillItem" });
export type TDrillItem = z.infer<typeof ZDrillItem>;
export const ZDrillResult = z.object({ items: z.array(ZDrillItem), total: z.number().int() }).meta({ id: "DrillResult" });
export type TDrillResult = z.infer<typeof ZDrillResult>;

// ── Custom reports ──────────────────────────────────────────────────────────

export const MEASURES = [
  "count",
  "mean_resolution",
  "median_resolution",
  "mean_response",
  "median_response",
  "mean_resolution_business",
  "median_resolution_business",
  "reopen_rate",
  "fcr_rate",
  "sla_compliance",
] as const;
export const ZMeasure = z.enum(MEASURES);
export type Measure = z.infer<typeof ZMeasure>;
export const GROUP_BY = [...BREAKDOWN_DIMENSIONS, "day", "week", "month"] as const;
export const ZGroupBy = z.enum(GROUP_BY);

export const ZReportDefinition = z
  .object({
    type: ZReportType.describe("Work-item type reported on"),
    /** Which items count: created in the period, resolved in it, or open now. */
    basis: z.enum(["created", "resolved", "open"]).default("created"),
    /** Rolling period in days ending now (ignored for open). */
    periodDays: z.number().int().min(1).max(730).default(30),
    filters: z
      .object({
        groupId: z.uuid().optional(),
        deskId: z.uuid().optional(),
        serviceId: z.uuid().optional(),
        categoryId: z.uuid().optional(),
        assigneeId: z.uuid().optional(),
        priority: z.number().int().min(1).max(5).optional(),
        channel: z.enum(["agent", "portal", "email", "phone", "api", "chat", "monitoring"]).optional(),
        states: z.array(z.string().max(40)).max(20).optional(),
      })
      .default({}),
    groupBy: ZGroupBy,
    measure: ZMeasure.default("count"),
    chart: z.enum(["bar", "line", "pie", "table"]).default("bar"),
    tz: ZTimeZone.optional(),
  })
  .meta({ id: "ReportDefinition" });
export type TReportDefinition = z.infer<typeof ZReportDefinition>;
export type TReportDefinitionInput = z.input<typeof ZReportDefinition>;

export const ZReportRow = z.object({ key: z.string(), label: z.string(), value: z.number().nullable(), count: z.number().int() }).meta({ id: "ReportRow" });
export type TReportRow = z.infer<typeof ZReportRow>;
export const ZReportRun = z
  .object({ definition: ZReportDefinition, rows: z.array(ZReportRow), from: z.string(), to: z.string(), unit: z.enum(["items", "ms", "percent"]) })
  .meta({ id: "ReportRun" });
export type TReportRun = z.infer<typeof ZReportRun>;

export const ZSchedule = z
  .object({
    frequency: z.enum(["daily", "weekly", "monthly"]),
    /** Local hour (in the owner's time zone) the report goes out. */
    hour: z.number().int().min(0).max(23).default(7),
    /** weekly: 1 = Monday … 7 = Sunday. */
    weekday: z.number().int().min(1).max(7).default(1),
    recipients: z.array(z.email()).min(1).max(20),
  })
  .meta({ id: "ReportSchedule" });
export type TSchedule = z.infer<typeof ZSchedule>;

export const ZSavedReportInput = z.object({
  name: z.string().trim().min(1).max(200),
  /** Visible to everyone in the organization (staff); otherwise only to its owner. */
  shared: z.boolean().default(false),
  definition: ZReportDefinition,
  schedule: ZSchedule.nullable().default(null),
});
export type TSavedReportInput = z.input<typeof ZSavedReportInput>;

export const ZSavedReport = z
  .object({
    id: z.uuid(),
    name: z.string(),
    shared: z.boolean(),
    owner: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    /** The caller may edit or delete it (owner or admin). */
    canEdit: z.boolean(),
    definition: ZReportDefinition,
    schedule: ZSchedule.nullable(),
    nextRunAt: z.string().nullable(),
    lastRunAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: "SavedReport" });
export type TSavedReport = z.infer<typeof ZSavedReport>;

// ── CSAT ────────────────────────────────────────────────────────────────────

export const ZCsatScore = z.number().int().min(1).max(5).describe("1 (very unhappy) to 5 (very happy)");
export const ZCsatResponse = z.object({
  score: ZCsatScore,
  comment: z.string().trim().max(5000).optional().describe("Optional words for the team"),
});
export type TCsatResponse = z.infer<typeof ZCsatResponse>;

export const ZCsatSurvey = z
  .object({
    id: z.uuid(),
    number: z.string(),
    title: z.string(),
    organization: z.string(),
    score: z.number().int().nullable(),
    comment: z.string().nullable(),
    respondedAt: z.string().nullable(),
    expiresAt: z.string(),
    /** True once past expiresAt: answers are refused. */
    expired: z.boolean(),
  })
  .meta({ id: "CsatSurvey" });
export type TCsatSurvey = z.infer<typeof ZCsatSurvey>;
