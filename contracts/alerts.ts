import { z } from "zod";
import { ZPersonRef, ZRef } from "./common";
import { ZLevel } from "./priority";

/**
 * Inbound alert integrations: a monitoring system POSTs JSON alerts to
 * `/api/v1/integrations/alerts/{integrationId}` with `Authorization: Bearer <integration secret>`.
 * An alert key firing while its incident is open adds to that incident's count (one incident per storm);
 * `status: resolved` from the monitor resolves the incident (when the integration says so) or notes it.
 */

export const ALERT_SEVERITIES = ["critical", "high", "warning", "medium", "low", "info"] as const;
export const ZAlertSeverity = z.enum(ALERT_SEVERITIES);

const ZLevels = z.object({ impact: ZLevel, urgency: ZLevel });
/** Severity → impact/urgency of the incident. */
export const ZSeverityMap = z
  .object({
    critical: ZLevels,
    high: ZLevels,
    warning: ZLevels,
    medium: ZLevels,
    low: ZLevels,
    info: ZLevels,
  })
  .describe("Impact and urgency of the incident for each alert severity");
export type TSeverityMap = z.infer<typeof ZSeverityMap>;

export const DEFAULT_SEVERITY_MAP: TSeverityMap = {
  critical: { impact: "high", urgency: "high" },
  high: { impact: "high", urgency: "medium" },
  warning: { impact: "medium", urgency: "medium" },
  medium: { impact: "medium", urgency: "medium" },
  low: { impact: "low", urgency: "low" },
  info: { impact: "low", urgency: "low" },
};

export const ZAlertIntegration = z
  .object({
    id: z.uuid(),
    name: z.string(),
    active: z.boolean(),
    /** Where the monitor POSTs (relative to Portico's address). */
    endpoint: z.string().describe("Where the monitor POSTs, relative to Portico's address"),
    /** First characters of the secret. */
    secretHint: z.string(),
    /** Incidents are recorded as made by this staff member. */
    runAs: ZPersonRef,
    assignmentGroup: ZRef.nullable(),
    service: ZRef.nullable(),
    severityMap: ZSeverityMap,
    /** Resolve the incident when the monitor reports the alert resolved (else a work note). */
    autoResolve: z.boolean(),
    /** Minutes between work notes about repeats of a firing alert. */
    repeatNoteMinutes: z.number().int(),
    lastReceivedAt: z.string().nullable(),
    openAlerts: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: "AlertIntegration" });
export type TAlertIntegration = z.infer<typeof ZAlertIntegration>;

export const ZAlertIntegrationWithSecret = ZAlertIntegration.extend({
  /** Bearer secret for the monitor: shown only now. */
  secret: z.string().describe("Bearer secret for the monitor, shown only now"),
}).meta({ id: "AlertIntegrationWithSecret" });

const integrationFields = {
  name: z.string().trim().min(1).max(120).describe('Shown to admins, e.g. "Prometheus"'),
  active: z.boolean(),
  runAsUserId: z.uuid().describe("Staff member the incidents are made by (default: you)"),
  assignmentGroupId: z.uuid().nullable().describe("Group new incidents go to"),
  serviceId: z.uuid().nullable().describe("Service of new incidents unless the alert names one"),
  severityMap: ZSeverityMap,
  autoResolve: z.boolean().describe("Resolve the incident when the monitor says resolved"),
  repeatNoteMinutes: z.number().int().min(1).max(1440).describe("Minutes between work notes about repeats"),
};

export const ZCreateAlertIntegrationRequest = z.object({
  ...integrationFields,
  active: integrationFields.active.default(true),
  runAsUserId: integrationFields.runAsUserId.optional(),
  assignmentGroupId: integrationFields.assignmentGroupId.default(null),
  serviceId: integrationFields.serviceId.default(null),
  severityMap: integrationFields.severityMap.default(DEFAULT_SEVERITY_MAP),
  autoResolve: integrationFields.autoResolve.default(false),
  repeatNoteMinutes: integrationFields.repeatNoteMinutes.default(15),
});
export type TCreateAlertIntegrationRequest = z.infer<typeof ZCreateAlertIntegrationRequest>;
export const ZUpdateAlertIntegrationRequest = z.object(integrationFields).partial();
export type TUpdateAlertIntegrationRequest = z.infer<typeof ZUpdateAlertIntegrationRequest>;

/** One alert in Portico's generic shape. */
export const ZAlert = z
  .object({
    /** De-duplication key: the same key while its incident is open adds to that incident. */
    key: z.string().trim().min(1).max(255).describe("De-duplication key, e.g. host/check"),
    /** firing (default) or resolved. */
    status: z.enum(["firing", "resolved"]).default("firing"),
    title: z.string().trim().min(1).max(300).describe("Becomes the incident's title"),
    description: z.string().max(20_000).default(""),
    severity: ZAlertSeverity.default("warning"),
    /** Name of an affected service (else the integration's default). */
    service: z.string().trim().max(200).optional().describe("Name of the affected service"),
    /** Where it came from, e.g. the monitor's host name. */
    source: z.string().trim().max(200).optional(),
    /** A link back to the alert in the monitor. */
    url: z.url().max(2000).optional(),
  })
  .meta({ id: "Alert" });
export type TAlert = z.infer<typeof ZAlert>;

/** Prometheus Alertmanager's webhook body (version 4); each alert is mapped onto the generic shape. */
export const ZAlertmanagerBody = z.object({
  version: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(["firing", "resolved"]),
        labels: z.record(z.string(), z.string()),
        annotations: z.record(z.string(), z.string()).default({}),
        fingerprint: z.string().max(255).optional(),
        generatorURL: z.string().max(2000).optional(),
      }),
    )
    .min(1)
    .max(100),
});

export const ZAlertRequest = z
  .union([ZAlert, ZAlertmanagerBody])
  .describe("One alert in Portico's shape, or a Prometheus Alertmanager webhook body (its alerts are handled one by one)");

export const ZAlertOutcome = z
  .object({
    key: z.string(),
    /** created: a new incident; deduplicated: counted on the open incident; resolved: the monitor cleared it; ignored: resolved for an unknown key. */
    outcome: z.enum(["created", "deduplicated", "resolved", "ignored"]),
    incidentNumber: z.string().nullable(),
    incidentId: z.uuid().nullable(),
    /** Times this alert fired for the incident. */
    count: z.number().int(),
  })
  .meta({ id: "AlertOutcome" });
export type TAlertOutcome = z.infer<typeof ZAlertOutcome>;
export const ZAlertResponse = z.object({ results: z.array(ZAlertOutcome) }).meta({ id: "AlertResponse" });

export const ZAlertRecord = z
  .object({
    id: z.uuid(),
    key: z.string(),
    status: z.enum(["firing", "resolved"]),
    count: z.number().int(),
    incident: z.object({ id: z.uuid(), number: z.string(), state: z.string() }).nullable(),
    title: z.string(),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
  })
  .meta({ id: "AlertRecord" });
