import { describe, expect, it } from "vitest";
import { judge } from "../../scripts/npm-audit";

const report = (via: unknown[]) => ({
  auditReportVersion: 2,
  vulnerabilities: { lodash: { name: "lodash", severity: "high", via, effects: [], range: "<4.17.21" } },
  metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 1, critical: 0, total: 1 } },
});
const high = { source: 1, name: "lodash", title: "Prototype Pollution", url: "https://github.com/advisories/GHSA-p6mc-m468-83gw", severity: "high" };

describe("npm audit verdict", () => {
  it("blocks a high advisory without an exception, passes a moderate one", () => {
    expect(judge(report([high]), [], "2026-11-25")).toMatchObject({ ok: false, blocking: [expect.stringContaining("GHSA-p6mc-m468-83gw")] });
    expect(judge(report([{ ...high, severity: "moderate" }]), [], "2026-11-25").ok).toBe(true);
  });
  it("accepts a written, dated, unexpired exception; refuses an expired or undated one", () => {
    const ex = { advisory: "GHSA-p6mc-m468-83gw", package: "lodash", reason: "only used at build time", date: "2026-11-25", expires: "2027-02-25" };
    expect(judge(report([high]), [ex], "2026-11-25")).toMatchObject({ ok: true, excepted: [expect.stringContaining("only used at build time")] });
    expect(judge(report([high]), [{ ...ex, expires: "2026-11-01" }], "2026-11-25")).toMatchObject({
      ok: false,
      blocking: [expect.stringContaining("expired")],
    });
    expect(judge(report([high]), [{ ...ex, reason: "" }], "2026-11-25").ok).toBe(false);
    expect(judge(report([high]), [{ ...ex, date: "last week" }], "2026-11-25").ok).toBe(false);
  });
  it("an unreachable advisory service is reported as such, not as a pass or a finding", () => {
    const v = judge({ error: { code: "E405", summary: "Method Not Allowed" } }, [], "2026-11-25");
    expect(v).toMatchObject({ reachable: false, blocking: [] });
    expect(judge(null, [], "2026-11-25").reachable).toBe(false);
  });
  it("advisories reached through another package are judged once, at their source", () => {
    const r = report([high]);
    (r.vulnerabilities as Record<string, unknown>).express = { name: "express", severity: "high", via: ["lodash"], effects: [] };
    expect(judge(r, [], "2026-11-25").blocking).toHaveLength(1);
  });
});
