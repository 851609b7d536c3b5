// `npm run audit:prod`: `npm audit` of the production dependencies. Fails on any critical or high advisory
// that has no written, dated, unexpired exception in docs/security/audit-exceptions.json. When the advisory
// service cannot be reached (offline CI, or a registry proxy that refuses npm's bulk endpoint with 405), it
// prints a clear WARNING and passes: an unknown state must be visible, not silently green or a broken build.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface AuditException {
  /** Advisory URL or id (GHSA-…), or "*" for every advisory of the package. */
  advisory: string;
  package: string;
  reason: string;
  /** When the exception was written (YYYY-MM-DD). */
  date: string;
  /** When it must be looked at again (YYYY-MM-DD); after that it no longer counts. */
  expires: string;
}

interface Via {
  source?: number;
  name?: string;
  title?: string;
  url?: string;
  severity?: string;
}

export interface AuditVerdict {
  ok: boolean;
  reachable: boolean;
  blocking: string[];
  excepted: string[];
  problems: string[];
  counts: Record<string, number>;
}

const BLOCKING = new Set(["critical", "high"]);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Judges `npm audit --json` output against the exceptions (pure, for tests). */
export function judge(report: any, exceptions: AuditException[], today: string): AuditVerdict {
  const v: AuditVerdict = { ok: true, reachable: true, blocking: [], excepted: [], problems: [], counts: {} };
  if (!report || typeof report !== "object" || report.error || !report.vulnerabilities) {
    v.reachable = false;
    return v;
  }
  v.counts = report.metadata?.vulnerabilities ?? {};
  for (const e of exceptions) {
    if (!e.reason?.trim() || !DAY.test(e.date ?? "") || !DAY.test(e.expires ?? "") || !e.package)
      v.problems.push(`exception ${JSON.stringify(e)} needs package, advisory, reason, date and expires (YYYY-MM-DD)`);
  }
  for (const [name, vuln] of Object.entries<any>(report.vulnerabilities)) {
    for (const via of (vuln.via ?? []) as Array<Via | string>) {
      if (typeof via === "string") continue; // reached through another package, judged there
      const severity = via.severity ?? vuln.severity;
      if (!BLOCKING.has(severity)) continue;
      const id = via.url ?? String(via.source ?? "");
      const label = `${severity} ${via.name ?? name}: ${via.title ?? "advisory"} (${id})`;
      const ex = exceptions.find((e) => e.package === (via.name ?? name) && (e.advisory === "*" || id.includes(e.advisory)));
      if (ex && DAY.test(ex.expires) && ex.expires >= today && ex.reason?.trim()) v.excepted.push(`${label} — excepted on ${ex.date}: ${ex.reason}`);
      else if (ex) v.blocking.push(`${label} — exception expired on ${ex.expires}`);
      else v.blocking.push(label);
    }
  }
  v.ok = v.blocking.length === 0 && v.problems.length === 0;
  return v;
}

function main(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const file = path.join(root, "docs/security/audit-exceptions.json");
  const exceptions: AuditException[] = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")).exceptions ?? []) : [];
  const r = spawnSync("npm", ["audit", "--omit=dev", "--json"], { cwd: root, encoding: "utf8", timeout: 120_000 });
  let report: unknown = null;
  try {
    report = JSON.parse(r.stdout || "null");
  } catch {}
  const today = new Date().toISOString().slice(0, 10);
  const v = judge(report, exceptions, today);
  if (!v.reachable) {
    const why = (r.stderr || r.stdout || "").split("\n").find((l) => /audit|ERR|error|405|ENOTFOUND|ETIMEDOUT/i.test(l)) ?? "no answer";
    console.log(
      `WARNING: npm audit could not reach the advisory service (${why.trim()}); production dependencies were NOT checked for known vulnerabilities in this run.`,
    );
    return;
  }
  console.log(`npm audit (production dependencies): ${JSON.stringify(v.counts)}`);
  for (const e of v.excepted) console.log(`  excepted: ${e}`);
  for (const p of v.problems) console.log(`  INVALID EXCEPTION: ${p}`);
  for (const b of v.blocking) console.log(`  BLOCKING: ${b}`);
  if (!v.ok) {
    console.log("npm audit: critical/high advisories without a valid exception (docs/security/audit-exceptions.json).");
    process.exit(1);
  }
  console.log("npm audit: no critical or high advisory without a written, dated exception.");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
