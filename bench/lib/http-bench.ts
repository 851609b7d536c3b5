import autocannon, { type Result } from "autocannon";

export interface CreateResult {
  connections: number;
  seconds: number;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx responses per second over the whole run. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statusCodes: Record<string, number>;
}

const TITLES = [
  "VPN drops every few minutes",
  "Printer on 3rd floor out of toner",
  "Outlook cannot send mail",
  "Laptop blue screen after update",
  "ERP login fails",
];

function summarize(r: Result, connections: number): CreateResult {
  const codes: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) codes[k] = v.count;
  const ok = r["2xx"];
  return {
    connections,
    seconds: r.duration,
    requests: r.requests.total,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    rps: ok / r.duration,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    statusCodes: codes,
  };
}

/**
 * POST /api/v1/incidents with a bearer token for `seconds` at `connections` concurrent connections,
 * a distinct title per request ([<id>] is replaced by autocannon with a unique id).
 */
export async function benchCreates(baseUrl: string, token: string, connections: number, seconds: number, i = 0): Promise<CreateResult> {
  let n = 0;
  const run = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
  const r = await autocannon({
    url: `${baseUrl}/api/v1/incidents`,
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    requests: [
      {
        // Rebuilt for every request (and so is its content-length): a distinct title each time.
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({
            title: `${TITLES[n % TITLES.length]} #${run}-${i}-${n++}`,
            description: "Reported through the API by the benchmark. Several colleagues report the same; restarting did not help.",
            impact: "medium",
            urgency: "high",
          }),
        }),
      },
    ],
    connections,
    duration: seconds,
    timeout: 30,
  });
  return summarize(r, connections);
}

export interface QueueShape {
  name: string;
  query: string;
}

export interface QueueResult {
  name: string;
  query: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** What the first page said: the (capped) total and how many items came back. */
  total: number | null;
  totalCapped: boolean;
  items: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** The first page of one queue shape: `warmup` unmeasured requests, then `n` sequential measured ones. */
export async function benchQueue(baseUrl: string, token: string, shape: QueueShape, n: number, warmup: number): Promise<QueueResult> {
  const url = `${baseUrl}/api/v1/incidents?${shape.query}`;
  const headers = { authorization: `Bearer ${token}` };
  let last: { total: number | null; totalCapped: boolean; items: unknown[] } | null = null;
  const times: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`GET ${shape.query} answered ${res.status}: ${text.slice(0, 500)}`);
    if (i >= warmup) times.push(ms);
    if (i === 0) last = JSON.parse(text);
  }
  times.sort((a, b) => a - b);
  return {
    name: shape.name,
    query: shape.query,
    requests: n,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times[times.length - 1],
    total: last?.total ?? null,
    totalCapped: last?.totalCapped ?? false,
    items: last?.items.length ?? 0,
  };
}
