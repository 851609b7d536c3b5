import { createRootRouteWithContext, createRoute, createRouter, Outlet, redirect } from "@tanstack/react-router";
import type { AuthState } from "./auth";
import { SignInPage } from "../features/auth/sign-in.page";
import { SecurityPage } from "../features/sso/security.page";
import { SsoAdminPage } from "../features/sso/sso-admin.page";
import { IncidentDetailPage } from "../features/incidents/detail/incident-detail.page";
import { NewIncidentPage } from "../features/incidents/new/new-incident.page";
import { QueuePage } from "../features/incidents/queue/queue.page";
import { DEFAULT_QUEUE_SEARCH, parseQueueSearch } from "../features/incidents/queue/queue-search";
import { ArticlePage } from "../features/knowledge/article.page";
import { KnowledgeListPage, parseKnowledgeSearch } from "../features/knowledge/knowledge-list.page";
import { NewArticlePage } from "../features/knowledge/new-article.page";
import { AgentLayout } from "../shells/agent/agent-layout";
import { KnownErrorsPage } from "../features/problems/known-errors.page";
import { ProblemDetailPage } from "../features/problems/problem-detail.page";
import { ProblemsListPage } from "../features/problems/problems-list.page";
import { ContractsPage } from "../features/desk-work/contracts.page";
import { ChangeCalendarPage } from "../features/changes/change-calendar.page";
import { ChangeDetailPage } from "../features/changes/change-detail.page";
import { ChangesListPage } from "../features/changes/changes-list.page";
import { NewChangePage } from "../features/changes/new-change.page";
import { NotFoundPage } from "../shells/agent/not-found.page";
import { SlaAdminPage } from "../features/sla/sla-admin.page";
import { CiDetailPage } from "../features/cmdb/ci-detail.page";
import { CmdbListPage, parseCmdbSearch } from "../features/cmdb/cmdb-list.page";
import { MailAdminPage, parseMailSearch } from "../features/mail/mail-admin.page";
import { AutomationAdminPage, parseAutomationSearch } from "../features/automation/automation-admin.page";
import { AssetsPage } from "../features/assets/assets.page";
import { RequestDetailPage, RequestsPage } from "../features/requests/requests.page";
import { CatalogAdminPage } from "../features/catalog/catalog-admin.page";
import { OrganizationsAdminPage } from "../features/organizations/organizations-admin.page";
import { PortalLayout } from "../shells/portal/portal-layout";
import { PortalHomePage } from "../shells/portal/portal-home.page";
import { PortalCatalogPage, PortalItemPage } from "../shells/portal/portal-catalog.page";
import { PortalIncidentPage, PortalRequestPage, PortalRequestsPage } from "../shells/portal/portal-requests.page";
import { PortalApprovalsPage } from "../shells/portal/portal-approvals.page";
import { PortalReportPage } from "../shells/portal/portal-report.page";
import { IntegrationsPage, parseIntegrationsSearch } from "../features/integrations/integrations.page";
import { ConfigCodePage } from "../features/integrations/config-code.page";
import { DashboardsPage, parseDashboardSearch } from "../features/reports/dashboards.page";
import { DrillPage, parseDrillSearch } from "../features/reports/drill.page";
import { parseReportsSearch, ReportsPage } from "../features/reports/reports.page";
import { parseSurveySearch, SurveyPage } from "../features/reports/survey.page";

export interface RouterContext {
  auth: AuthState;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({ component: Outlet, notFoundComponent: NotFoundPage });

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-in",
  validateSearch: (s: Record<string, unknown>): { redirect?: string } =>
    // Only same-site paths: "//host" and "/\\host" would leave the site.
    typeof s.redirect === "string" && /^\/(?![/\\])/.test(s.redirect) ? { redirect: s.redirect } : {},
  beforeLoad: ({ context, search }) => {
    if (context.auth.status === "signedIn") throw redirect({ href: search.redirect ?? "/", replace: true });
  },
  component: SignInPage,
});

// Everything under here needs a signed-in person; others go to sign-in and come back afterwards.
const agentRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "_agent",
  beforeLoad: ({ context, location }) => {
    if (context.auth.status !== "signedIn") {
      const back = context.auth.status === "signedOut" && context.auth.reason === "signedOut" ? undefined : location.href;
      throw redirect({ to: "/sign-in", search: back && back !== "/" ? { redirect: back } : {}, replace: true });
    }
  },
  component: AgentLayout,
});

const indexRoute = createRoute({
  getParentRoute: () => agentRoute,
  path: "/",
  beforeLoad: ({ context }) => {
    // Requesters land in the self-service portal; agents keep the workspace.
    if (context.auth.user?.role === "requester") throw redirect({ to: "/portal" });
    throw redirect({ to: "/incidents", search: DEFAULT_QUEUE_SEARCH });
  },
});

const queueRoute = createRoute({ getParentRoute: () => agentRoute, path: "/incidents", validateSearch: parseQueueSearch, component: QueuePage });
const newIncidentRoute = createRoute({ getParentRoute: () => agentRoute, path: "/incidents/new", component: NewIncidentPage });
const contractsRoute = createRoute({ getParentRoute: () => agentRoute, path: "/contracts", component: ContractsPage });
const incidentRoute = createRoute({ getParentRoute: () => agentRoute, path: "/incidents/$incidentId", component: IncidentDetailPage });
const cmdbRoute = createRoute({ getParentRoute: () => agentRoute, path: "/cmdb", validateSearch: parseCmdbSearch, component: CmdbListPage });
const ciRoute = createRoute({ getParentRoute: () => agentRoute, path: "/cmdb/$ciId", component: CiDetailPage });
const assetsRoute = createRoute({ getParentRoute: () => agentRoute, path: "/assets", component: AssetsPage });
const requestsRoute = createRoute({ getParentRoute: () => agentRoute, path: "/requests", component: RequestsPage });
const requestRoute = createRoute({ getParentRoute: () => agentRoute, path: "/requests/$ref", component: RequestDetailPage });
const catalogAdminRoute = createRoute({ getParentRoute: () => agentRoute, path: "/admin/catalog", component: CatalogAdminPage });

// The self-service portal: its own shell, the same sign-in guard.
const portalRoute = createRoute({ getParentRoute: () => rootRoute, path: "/portal", beforeLoad: agentRoute.options.beforeLoad, component: PortalLayout });
const portalChildren = [
  createRoute({ getParentRoute: () => portalRoute, path: "/", component: PortalHomePage }),
  createRoute({ getParentRoute: () => portalRoute, path: "/catalog", component: PortalCatalogPage }),
  createRoute({ getParentRoute: () => portalRoute, path: "/desks/$slug", component: PortalCatalogPage }),
  createRoute({ getParentRoute: () => portalRoute, path: "/items/$itemId", component: PortalItemPage }),
  createRoute({ getParentRoute: () => portalRoute, path: "/requests", component: PortalRequestsPage }),
  createRoute({
    getParentRoute: () => portalRoute,
    path: "/requests/$ref",
    validateSearch: (s: Record<string, unknown>): { created?: number } => (s.created === 1 || s.created === "1" ? { created: 1 } : {}),
    component: PortalRequestPage,
  }),
  createRoute({ getParentRoute: () => portalRoute, path: "/incidents/$ref", component: PortalIncidentPage }),
  createRoute({ getParentRoute: () => portalRoute, path: "/report", component: PortalReportPage }),
  createRoute({ getParentRoute: () => portalRoute, path: "/approvals", component: PortalApprovalsPage }),
];

const problemsRoute = createRoute({ getParentRoute: () => agentRoute, path: "/problems", component: ProblemsListPage });
const problemRoute = createRoute({ getParentRoute: () => agentRoute, path: "/problems/$problemId", component: ProblemDetailPage });
const knownErrorsRoute = createRoute({ getParentRoute: () => agentRoute, path: "/known-errors", component: KnownErrorsPage });
const changesRoute = createRoute({ getParentRoute: () => agentRoute, path: "/changes", component: ChangesListPage });
const newChangeRoute = createRoute({ getParentRoute: () => agentRoute, path: "/changes/new", component: NewChangePage });
const changeRoute = createRoute({ getParentRoute: () => agentRoute, path: "/changes/$changeId", component: ChangeDetailPage });
const changeCalendarRoute = createRoute({ getParentRoute: () => agentRoute, path: "/change-calendar", component: ChangeCalendarPage });

const mailAdminRoute = createRoute({ getParentRoute: () => agentRoute, path: "/admin/mail", validateSearch: parseMailSearch, component: MailAdminPage });
const automationAdminRoute = createRoute({
  getParentRoute: () => agentRoute,
  path: "/admin/automation",
  validateSearch: parseAutomationSearch,
  component: AutomationAdminPage,
});
const knowledgeRoute = createRoute({
  getParentRoute: () => agentRoute,
  path: "/knowledge",
  validateSearch: parseKnowledgeSearch,
  component: KnowledgeListPage,
});
const newArticleRoute = createRoute({ getParentRoute: () => agentRoute, path: "/knowledge/new", component: NewArticlePage });
const articleRoute = createRoute({ getParentRoute: () => agentRoute, path: "/knowledge/$articleId", component: ArticlePage });
const securityRoute = createRoute({ getParentRoute: () => agentRoute, path: "/account/security", component: SecurityPage });
const ssoAdminRoute = createRoute({ getParentRoute: () => agentRoute, path: "/admin/sso", component: SsoAdminPage });
const organizationsAdminRoute = createRoute({ getParentRoute: () => agentRoute, path: "/admin/organizations", component: OrganizationsAdminPage });

const dashboardsRoute = createRoute({ getParentRoute: () => agentRoute, path: "/dashboards", validateSearch: parseDashboardSearch, component: DashboardsPage });
const drillRoute = createRoute({ getParentRoute: () => agentRoute, path: "/dashboards/drill", validateSearch: parseDrillSearch, component: DrillPage });
const reportsRoute = createRoute({ getParentRoute: () => agentRoute, path: "/reports", validateSearch: parseReportsSearch, component: ReportsPage });
// A survey link from a mail: no sign-in (the token is the key), its own bare page.
const surveyRoute = createRoute({ getParentRoute: () => rootRoute, path: "/survey/$token", validateSearch: parseSurveySearch, component: SurveyPage });

const slaAdminRoute = createRoute({ getParentRoute: () => agentRoute, path: "/admin/service-levels", component: SlaAdminPage });

const integrationsRoute = createRoute({
  getParentRoute: () => agentRoute,
  path: "/admin/integrations",
  validateSearch: parseIntegrationsSearch,
  component: IntegrationsPage,
});
const configCodeRoute = createRoute({ getParentRoute: () => agentRoute, path: "/admin/config", component: ConfigCodePage });

// One line per route: practices add theirs here.
// biome-ignore format: one route per line, so practices built side by side merge cleanly
const agentChildren = [
  slaAdminRoute,
  integrationsRoute,
  configCodeRoute,
  indexRoute,
  queueRoute,
  newIncidentRoute,
  incidentRoute,
  contractsRoute,
  cmdbRoute,
  ciRoute,
  problemsRoute,
  problemRoute,
  knownErrorsRoute,
  mailAdminRoute,
  automationAdminRoute,
  assetsRoute,
  knowledgeRoute,
  newArticleRoute,
  articleRoute,
  securityRoute,
  ssoAdminRoute,
  organizationsAdminRoute,
  changesRoute,
  newChangeRoute,
  changeRoute,
  changeCalendarRoute,
  requestsRoute,
  requestRoute,
  catalogAdminRoute,
  dashboardsRoute,
  drillRoute,
  reportsRoute,
];

const routeTree = rootRoute.addChildren([signInRoute, surveyRoute, agentRoute.addChildren(agentChildren), portalRoute.addChildren(portalChildren)]);

export const router = createRouter({
  routeTree,
  defaultPreload: false,
  scrollRestoration: true,
  // Filled in by <App> with the live auth state.
  context: { auth: { status: "loading", user: null } },
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
