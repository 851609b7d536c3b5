import { z } from "zod";
import { ZPersonRef } from "./common";

export const TIME_ACTIVITIES = ["investigation", "communication", "fix", "travel", "meeting", "documentation", "other"] as const;
export const ZTimeActivity = z.enum(TIME_ACTIVITIES);

/** A calendar day, YYYY-MM-DD. */
export const ZDay = z.iso.date().describe("A calendar day, YYYY-MM-DD");
/** A month, YYYY-MM. */
export const ZMonth = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month like 2026-11")
  .describe("A month, YYYY-MM");

/** Most one person can log on one item for one day. */
export const MAX_ENTRY_MINUTES = 24 * 60;

export const ZCreateTimeEntryRequest = z.object({
  /** Whole minutes, 1 to 1440 (a day); negative or absurd durations are refused. */
  minutes: z.number().int().min(1).max(MAX_ENTRY_MINUTES).describe("Whole minutes, 1–1440"),
  workDate: ZDay.optional().describe("The day the work was done; defaults to today (UTC)"),
  activity: ZTimeActivity.default("investigation"),
  /** Billable time draws down the organization's support contract. */
  billable: z.boolean().default(false).describe("Billable time draws down the support contract"),
  note: z.string().trim().max(2000).default(""),
});
export type TCreateTimeEntryRequest = z.infer<typeof ZCreateTimeEntryRequest>;

export const ZStopTimerRequest = z.object({
  activity: ZTimeActivity.default("investigation"),
  billable: z.boolean().default(false),
  note: z.string().trim().max(2000).default(""),
});

/** The contract budget for one month, as the time panel shows it. */
export const ZContractUsage = z
  .object({
    contractId: z.uuid(),
    name: z.string(),
    month: z.string().describe("YYYY-MM"),
    includedHours: z.number(),
    billableHours: z.number(),
    remainingHours: z.number().describe("Negative when the budget is overdrawn"),
    percentUsed: z.number().int(),
  })
  .meta({ id: "ContractUsage" });
export type TContractUsage = z.infer<typeof ZContractUsage>;

export const ZTimeEntry = z
  .object({
    id: z.uuid(),
    user: ZPersonRef,
    workDate: z.string(),
    minutes: z.number().int(),
    activity: ZTimeActivity,
    billable: z.boolean(),
    note: z.string(),
    source: z.enum(["manual", "timer"]),
    contract: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "TimeEntry" });
export type TTimeEntry = z.infer<typeof ZTimeEntry>;

export const ZThresholdWarning = z.object({
  contractId: z.uuid(),
  name: z.string(),
  month: z.string(),
  threshold: z.number().int().describe("Percent of the monthly hours reached"),
});

export const ZTimeSheet = z
  .object({
    items: z.array(ZTimeEntry),
    totalMinutes: z.number().int(),
    billableMinutes: z.number().int(),
    /** The caller's running timer on this item, if any. */
    timer: z.object({ startedAt: z.string() }).nullable(),
    /** This month's budget of the organization's contract (null without a contract). */
    contract: ZContractUsage.nullable(),
  })
  .meta({ id: "TimeSheet" });
export type TTimeSheet = z.infer<typeof ZTimeSheet>;

export const ZTimeEntryCreated = z.object({
  entry: ZTimeEntry,
  /** Budget thresholds crossed by this entry (each recorded once per contract and month). */
  warnings: z.array(ZThresholdWarning),
});

export const ZCreateSupportContractRequest = z
  .object({
    name: z.string().trim().min(1).max(200),
    startsOn: ZDay,
    endsOn: ZDay.nullable().optional().describe("Last day covered; empty = open-ended"),
    /** Hours included each month. */
    monthlyHours: z.number().positive().max(10_000).describe("Hours included each month"),
    /** Percentages of the monthly hours at which a warning is recorded (once each per month). */
    thresholds: z.array(z.number().int().min(1).max(1000)).max(5).default([80, 100]),
  })
  .refine((c) => !c.endsOn || c.endsOn >= c.startsOn, { message: "endsOn must not be before startsOn", path: ["endsOn"] });
export type TCreateSupportContractRequest = z.infer<typeof ZCreateSupportContractRequest>;

export const ZSupportContract = z
  .object({
    id: z.uuid(),
    name: z.string(),
    startsOn: z.string(),
    endsOn: z.string().nullable(),
    monthlyHours: z.number(),
    thresholds: z.array(z.number().int()),
    active: z.boolean(),
    /** The current month's usage (null when the contract does not cover this month). */
    current: ZContractUsage.nullable(),
  })
  .meta({ id: "SupportContract" });

export const ZContractReportQuery = z.object({
  from: ZMonth.describe("First month, YYYY-MM"),
  to: ZMonth.describe("Last month, YYYY-MM (at most 24 months after from)"),
});

export const ZContractReport = z
  .object({
    rows: z.array(
      z.object({
        organization: z.object({ id: z.uuid(), name: z.string() }),
        contract: z.object({ id: z.uuid(), name: z.string() }),
        month: z.string(),
        includedHours: z.number(),
        billableHours: z.number(),
        nonBillableHours: z.number(),
        percentUsed: z.number().int(),
        /** Thresholds recorded in that month. */
        warnings: z.array(z.number().int()),
      }),
    ),
  })
  .meta({ id: "ContractReport" });
export type TContractReport = z.infer<typeof ZContractReport>;
