import { createRootRoute, createRoute, createRouter, Outlet, redirect } from "@tanstack/react-router";
import { SignInPage } from "../features/auth/sign-in.page";
import { IncidentDetailPage } from "../features/incidents/detail/incident-detail.page";
import { NewIncidentPage } from "../features/incidents/new/new-incident.page";
import { QueuePage } from "../features/incidents/queue/queue.page";
import { DEFAULT_QUEUE_SEARCH, parseQueueSearch } from "../features/incidents/queue/queue-search";
import { AgentLayout } from "../shells/agent/agent-layout";
import { NotFoundPage } from "../shells/agent/not-found.page";

const rootRoute = createRootRoute({ component: Outlet, notFoundComponent: NotFoundPage });

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-in",
  validateSearch: (s: Record<string, unknown>): { redirect?: string } =>
    typeof s.redirect === "string" && s.redirect.startsWith("/") && !s.redirect.startsWith("//") ? { redirect: s.redirect } : {},
  component: SignInPage,
});

const agentRoute = createRoute({ getParentRoute: () => rootRoute, id: "_agent", component: AgentLayout });

const indexRoute = createRoute({
  getParentRoute: () => agentRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/incidents", search: DEFAULT_QUEUE_SEARCH });
  },
});

const queueRoute = createRoute({ getParentRoute: () => agentRoute, path: "/incidents", validateSearch: parseQueueSearch, component: QueuePage });
const newIncidentRoute = createRoute({ getParentRoute: () => agentRoute, path: "/incidents/new", component: NewIncidentPage });
const incidentRoute = createRoute({ getParentRoute: () => agentRoute, path: "/incidents/$incidentId", component: IncidentDetailPage });

const routeTree = rootRoute.addChildren([signInRoute, agentRoute.addChildren([indexRoute, queueRoute, newIncidentRoute, incidentRoute])]);

export const router = createRouter({ routeTree, defaultPreload: false, scrollRestoration: true });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
