import fs from "node:fs";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../platform/http/errors";
import { exportConfig } from "./config.export";
import { importConfig, toYaml } from "./config.import";

export const CONFIG_USAGE = `portico config export [--org=<slug>] > desk.yaml
portico config import <file.yaml|-> [--dry-run] [--org=<slug>]`;

/** The administrator the CLI acts as: the first active admin of the organization (audited as them). */
async function cliActor(deps: Deps, orgSlug: string | undefined): Promise<Actor> {
  let q = deps.db.selectFrom("organizations").select(["id", "slug"]);
  if (orgSlug) q = q.where("slug", "=", orgSlug);
  const orgs = await q.execute();
  if (!orgs.length) throw new Error(orgSlug ? `No organization with slug ${orgSlug}` : "No organization yet");
  if (orgs.length > 1) throw new Error(`Several organizations; choose one with --org=<slug> (${orgs.map((o) => o.slug).join(", ")})`);
  const admin = await deps.db
    .selectFrom("users")
    .select("id")
    .where("organization_id", "=", orgs[0].id)
    .where("role", "=", "admin")
    .where("active", "=", true)
    .orderBy("created_at")
    .limit(1)
    .executeTakeFirst();
  if (!admin) throw new Error("The organization has no active administrator to act as");
  return { userId: admin.id, organizationId: orgs[0].id, role: "admin", groupIds: [], ip: null };
}

/** `portico config export|import`: configuration as code from the command line. Returns the exit code. */
export async function runConfigCommand(deps: Deps, args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  const org = rest.find((a) => a.startsWith("--org="))?.slice(6);
  const actor = await cliActor(deps, org);
  if (verb === "export") {
    process.stdout.write(toYaml(await exportConfig(deps, actor)));
    return 0;
  }
  if (verb === "import") {
    const file = rest.find((a) => !a.startsWith("--"));
    if (!file) throw new Error(CONFIG_USAGE);
    const text = file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(file, "utf8");
    const dryRun = rest.includes("--dry-run");
    try {
      const r = await importConfig(deps, actor, text, dryRun);
      if (r.diff.split("\n").length > 4) process.stdout.write(`${r.diff}\n`);
      const s = r.summary;
      console.error(
        `${dryRun ? "Dry run (nothing written)" : "Applied"}: ${s.added} added, ${s.changed} changed, ${s.unchanged} unchanged, ${s.onlyInPortico} only in Portico (kept).`,
      );
      return 0;
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      console.error(`Refused, nothing applied: ${e.message}`);
      for (const d of e.details ?? []) console.error(`  ${d.field ?? ""}: ${d.message}`);
      return 1;
    }
  }
  throw new Error(CONFIG_USAGE);
}
