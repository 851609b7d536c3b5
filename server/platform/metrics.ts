import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** One registry per process: default Node metrics plus HTTP and job figures. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "portico_" });
  const httpDuration = new Histogram({
    name: "portico_http_request_duration_seconds",
    help: "HTTP request duration by route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobsCompleted = new Counter({
    name: "portico_jobs_total",
    help: "Jobs run by task and outcome",
    labelNames: ["task", "outcome"] as const,
    registers: [registry],
  });
  const liveClients = new Counter({
    name: "portico_live_connections_total",
    help: "Server-sent event connections opened",
    registers: [registry],
  });
  return { registry, httpDuration, jobsCompleted, liveClients };
}
export type Metrics = ReturnType<typeof createMetrics>;
