import path from "node:path";
import rateLimit from "@fastify/rate-limit";
import type { Deps } from "./deps";
import { installAuth } from "./platform/http/auth";
import { type App, createHttpApp } from "./platform/http/app";
import { registerHealthRoutes } from "./platform/http/health.routes";
import type { JobDefinition } from "./platform/jobs/queue";
import { registerLiveRoutes } from "./platform/live/live.routes";
import { purgeExpiredJob } from "./modules/identity/identity.jobs";
import { directorySyncJob } from "./modules/identity/identity.jobs";
import { registerLdapRoutes } from "./modules/identity/ldap.routes";
import { registerScimRoutes } from "./modules/identity/scim.routes";
import { registerIdentityRoutes } from "./modules/identity/identity.routes";
import { registerMfaRoutes } from "./modules/identity/mfa.routes";
import { registerOidcRoutes } from "./modules/identity/oidc.routes";
import { createPrincipalResolver } from "./modules/identity/identity.service";
import { autoCloseJob } from "./modules/incidents/incident.jobs";
import { registerIncidentRoutes } from "./modules/incidents/incident.routes";
import { registerDeskWorkRoutes } from "./modules/desk-work/desk-work.routes";
import { registerMacroRoutes } from "./modules/macros/macro.routes";
import { knowledgeSweepJob } from "./modules/knowledge/knowledge.jobs";
import { registerKnowledgeRoutes } from "./modules/knowledge/knowledge.routes";
import { registerSearchRoutes } from "./modules/knowledge/search.routes";
import { registerProblemRoutes } from "./modules/problems/problem.routes";
import { registerMajorIncidentRoutes } from "./modules/major-incidents/major.routes";
import { registerTimeRoutes } from "./modules/time-tracking/time.routes";
import { registerChangeRoutes } from "./modules/changes/change.routes";
import { registerChangeCalendarRoutes } from "./modules/changes/change-calendar.routes";
import { registerReferenceRoutes } from "./modules/reference/reference.routes";
import { slaBreachSweepJob, slaRecomputeCalendarJob, slaResyncJob, slaThresholdJob } from "./modules/sla/sla.jobs";
import { registerSlaRoutes } from "./modules/sla/sla.routes";
import { registerAttachmentRoutes } from "./modules/work-items/work-item.routes";
import { dispatchNotificationJob, sendMailJob } from "./modules/notifications/notification.jobs";
import { registerNotificationRoutes } from "./modules/notifications/notification.routes";
import { registerCmdbRoutes } from "./modules/cmdb/cmdb.routes";
import { pollAllMailboxesJob, pollMailboxJob } from "./modules/email-in/email-in.jobs";
import { registerEmailInRoutes } from "./modules/email-in/email-in.routes";
import { registerApprovalRoutes } from "./modules/approvals/approval.routes";
import { registerDeskRoutes } from "./modules/desks/desk.routes";
import { registerAssetRoutes } from "./modules/assets/assets.routes";
import { renewalNoticesJob } from "./modules/assets/assets.jobs";
import { registerCatalogRoutes } from "./modules/catalog/catalog.routes";
import { registerRequestRoutes } from "./modules/requests/request.routes";
import { registerWebhookRoutes } from "./modules/webhooks/webhook.routes";
import { deliverWebhookJob } from "./modules/webhooks/webhook.jobs";
import "./modules/webhooks/webhook.consumer";
import { registerReportingRoutes } from "./modules/reporting/reporting.routes";
import { csatOfferJob, reportRefreshJob, scheduledReportsJob } from "./modules/reporting/reporting.jobs";
import { registerAlertRoutes } from "./modules/alerts/alert.routes";
import { registerConfigRoutes } from "./modules/config-code/config.routes";
import { registerAutomationRoutes } from "./modules/automation/automation.routes";
import { recurringTicketsJob, scheduledRulesJob } from "./modules/automation/automation.jobs";
import { deliverEventJob } from "./modules/automation/events";
import { sealAuditJob } from "./modules/audit/audit.jobs";
import { registerOrganizationRoutes } from "./modules/organizations/organization.routes";

/** Every job the worker runs, from every module. */
// biome-ignore format: one entry per line, so practices built side by side merge cleanly
export const JOBS: JobDefinition<any, Deps>[] = [
  autoCloseJob,
  purgeExpiredJob,
  dispatchNotificationJob,
  sendMailJob,
  knowledgeSweepJob,
  pollAllMailboxesJob,
  pollMailboxJob,
  slaThresholdJob,
  slaBreachSweepJob,
  slaResyncJob,
  slaRecomputeCalendarJob,
  renewalNoticesJob,
  directorySyncJob,
  deliverWebhookJob,
  reportRefreshJob,
  csatOfferJob,
  scheduledReportsJob,
  deliverEventJob,
  scheduledRulesJob,
  recurringTicketsJob,
  sealAuditJob,
];

export const WEB_DIST = path.resolve(import.meta.dirname, "../web/dist");

/** Assembles the HTTP application with every module's routes. */
export async function buildApp(deps: Deps, opts: { webDist?: string | null; isShuttingDown?: () => boolean } = {}): Promise<App> {
  const app = await createHttpApp({
    logger: deps.log,
    metrics: deps.metrics,
    trustProxy: deps.config.PORTICO_TRUST_PROXY,
    attachmentMaxBytes: deps.config.PORTICO_ATTACHMENT_MAX_MB * 1024 * 1024,
    webDist: opts.webDist === null ? undefined : (opts.webDist ?? WEB_DIST),
  });
  await app.register(rateLimit, { global: false });
  installAuth(app, createPrincipalResolver(deps));
  registerHealthRoutes(app, deps.db, deps.metrics, opts.isShuttingDown ?? (() => false));
  registerIdentityRoutes(app, deps);
  registerDeskWorkRoutes(app, deps);
  registerMacroRoutes(app, deps);
  registerMajorIncidentRoutes(app, deps);
  registerTimeRoutes(app, deps);
  registerMfaRoutes(app, deps);
  registerOidcRoutes(app, deps);
  registerLdapRoutes(app, deps);
  registerScimRoutes(app, deps);
  registerIncidentRoutes(app, deps);
  registerAttachmentRoutes(app, deps);
  registerReferenceRoutes(app, deps);
  registerSlaRoutes(app, deps);
  registerNotificationRoutes(app, deps);
  registerKnowledgeRoutes(app, deps);
  registerSearchRoutes(app, deps);
  registerCmdbRoutes(app, deps);
  registerEmailInRoutes(app, deps);
  registerProblemRoutes(app, deps);
  registerApprovalRoutes(app, deps);
  registerDeskRoutes(app, deps);
  registerAssetRoutes(app, deps);
  registerChangeRoutes(app, deps);
  registerChangeCalendarRoutes(app, deps);
  registerCatalogRoutes(app, deps);
  registerRequestRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerReportingRoutes(app, deps);
  registerAlertRoutes(app, deps);
  registerConfigRoutes(app, deps);
  registerAutomationRoutes(app, deps);
  registerOrganizationRoutes(app, deps);
  if (deps.live) registerLiveRoutes(app, deps.live, deps.metrics);
  await app.ready();
  return app;
}
