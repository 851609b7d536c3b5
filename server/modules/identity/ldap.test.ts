import { randomInt } from "node:crypto";
import { Attribute, Change } from "ldapts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import type { App } from "../../platform/http/app";
import { auditEvents, createOrg, createUser } from "../../test/factories";
import { closeTestApp, http, testApp, testDeps, uniq } from "../../test/harness";
import { hasSlapd, startSlapd } from "../../test/slapd";
import { directorySyncJob } from "./identity.jobs";

let app: App;
let deps: Deps;
let ldap: Awaited<ReturnType<typeof startSlapd>>;

// CI installs slapd (.ci/run); elsewhere the file is skipped when it is missing.
const run = hasSlapd || process.env.CI ? describe : describe.skip;

beforeAll(async () => {
  deps = testDeps();
  app = await testApp();
  if (hasSlapd || process.env.CI) ldap = await startSlapd();
});
afterAll(async () => {
  await ldap?.stop();
  await closeTestApp();
});

const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function login(email: string, password: string) {
  const res = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress: freshIp(),
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ email, password }),
  });
  const cookie = ([] as string[])
    .concat(res.headers["set-cookie"] ?? [])
    .find((c) => c.startsWith("portico_session="))
    ?.split(";")[0];
  return { status: res.statusCode, body: res.json(), cookie };
}

/** Seeds a department-sized tree under its own OU: a manager, two staff, a disabled person, a group. */
async function seedTree() {
  const ou = `ou=t${uniq()},${ldap.suffix}`;
  const domain = `${uniq()}.corp.test`;
  const dn = (uid: string) => `uid=${uid},ou=people,${ou}`;
  const person = (uid: string, name: string, extra: Record<string, string | string[]> = {}) => ({
    objectClass: ["inetOrgPerson"],
    uid,
    cn: name,
    sn: name.split(" ").at(-1) as string,
    mail: `${uid}@${domain}`,
    userPassword: `${uid}-pass`,
    ...extra,
  });
  await ldap.admin(async (c) => {
    await c.add(ou, { objectClass: ["organizationalUnit"], ou: ou.split(",")[0].slice(3) });
    await c.add(`ou=people,${ou}`, { objectClass: ["organizationalUnit"], ou: "people" });
    await c.add(`ou=groups,${ou}`, { objectClass: ["organizationalUnit"], ou: "groups" });
    await c.add(dn("maria"), person("maria", "Maria Manager", { departmentNumber: "IT", telephoneNumber: "+1 555 0100" }));
    await c.add(dn("sam"), person("sam", "Sam Staff", { departmentNumber: "IT", telephoneNumber: "+1 555 0101", manager: dn("maria") }));
    await c.add(dn("tess"), person("tess", "Tess Tech", { departmentNumber: "Network", manager: dn("maria") }));
    await c.add(dn("olga"), person("olga", "Olga Offboarded", { employeeType: "disabled" }));
    await c.add(`cn=Service Desk ${domain},ou=groups,${ou}`, { objectClass: ["groupOfNames"], cn: `Service Desk ${domain}`, member: [dn("sam"), dn("tess")] });
  });
  return { ou, domain, dn, email: (uid: string) => `${uid}@${domain}` };
}

async function setup() {
  const tree = await seedTree();
  const org = await createOrg(deps);
  const admin = await createUser(deps, org.id, "admin");
  const res = await http(app, admin).post("/api/v1/admin/directories", {
    name: "Corp LDAP",
    url: ldap.url,
    bindDn: ldap.rootDn,
    bindPassword: ldap.rootPassword,
    baseDn: `ou=people,${tree.ou}`,
    groupBaseDn: `ou=groups,${tree.ou}`,
    disabledFilter: "(employeeType=disabled)",
    defaultRole: "agent",
  });
  expect(res.status).toBe(201);
  return { tree, org, admin, dir: res.body };
}

const person = (deps: Deps, orgId: string, email: string) =>
  deps.db
    .selectFrom("users")
    .select(["id", "name", "role", "active", "department", "phone", "manager_id", "password_hash"])
    .where("organization_id", "=", orgId)
    .where("email", "=", email)
    .executeTakeFirst();

run("LDAP directory (real slapd)", () => {
  it("tests the connection, then syncs people, managers, departments, phones and groups; disabled entries arrive deactivated", async () => {
    const { tree, org, admin, dir } = await setup();
    expect(dir).toMatchObject({ hasBindPassword: true, lastSyncAt: null });
    expect(JSON.stringify(dir)).not.toContain(ldap.rootPassword);
    const test = await http(app, admin).post(`/api/v1/admin/directories/${dir.id}/test`);
    expect(test.body).toMatchObject({ ok: true, people: 4 });

    const sync = await http(app, admin).post(`/api/v1/admin/directories/${dir.id}/sync`);
    expect(sync.status).toBe(200);
    expect(sync.body).toMatchObject({ seen: 4, created: 4, deactivated: 0, managers: 2, groups: 1 });
    const maria = await person(deps, org.id, tree.email("maria"));
    const sam = await person(deps, org.id, tree.email("sam"));
    const olga = await person(deps, org.id, tree.email("olga"));
    expect(maria).toMatchObject({
      name: "Maria Manager",
      department: "IT",
      phone: "+1 555 0100",
      manager_id: null,
      role: "agent",
      active: true,
      password_hash: null,
    });
    expect(sam).toMatchObject({ department: "IT", manager_id: maria?.id });
    expect(olga?.active).toBe(false);
    const group = await deps.db
      .selectFrom("groups")
      .select("id")
      .where("organization_id", "=", org.id)
      .where("name", "=", `Service Desk ${tree.domain}`)
      .executeTakeFirstOrThrow();
    const members = await deps.db.selectFrom("group_members").select("user_id").where("group_id", "=", group.id).execute();
    expect(members.map((m) => m.user_id).sort()).toEqual([sam?.id, (await person(deps, org.id, tree.email("tess")))?.id].sort());
    expect(await auditEvents(deps, "directory.synced", dir.id)).toHaveLength(1);
    expect(await auditEvents(deps, "user.provisioned", sam?.id as string)).toHaveLength(1);

    // A second run changes nothing.
    const again = await http(app, admin).post(`/api/v1/admin/directories/${dir.id}/sync`);
    expect(again.body).toMatchObject({ seen: 4, created: 0, updated: 0, deactivated: 0, managers: 0 });
    const listed = await http(app, admin).get("/api/v1/admin/directories");
    expect(listed.body.items[0]).toMatchObject({ lastSyncResult: expect.objectContaining({ ok: true, seen: 4 }) });
  });

  it("signs synced people in with their directory password (bind), and ends their sessions when the directory disables them", async () => {
    const { tree, org, admin, dir } = await setup();
    await http(app, admin).post(`/api/v1/admin/directories/${dir.id}/sync`);
    const sam = await person(deps, org.id, tree.email("sam"));
    const ok = await login(tree.email("sam"), "sam-pass");
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(sam?.id);
    expect((await auditEvents(deps, "auth.login", sam?.id as string))[0].data).toMatchObject({ method: "ldap" });
    const wrong = await login(tree.email("sam"), "not-sams-pass");
    expect(wrong.status).toBe(401);
    expect((await auditEvents(deps, "auth.login_failed", sam?.id as string))[0].data).toMatchObject({ method: "ldap", reason: "directory_rejected" });
    // A disabled directory account cannot sign in, even with the right password.
    const olga = await login(tree.email("olga"), "olga-pass");
    expect(olga.status).toBe(401);

    // The directory disables Sam: the next sync deactivates him and his session stops at once.
    await ldap.admin((c) =>
      c.modify(tree.dn("sam"), [new Change({ operation: "add", modification: new Attribute({ type: "employeeType", values: ["disabled"] }) })]),
    );
    const me = () => app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: ok.cookie as string } });
    expect((await me()).statusCode).toBe(200);
    const sync = await http(app, admin).post(`/api/v1/admin/directories/${dir.id}/sync`);
    expect(sync.body).toMatchObject({ deactivated: 1 });
    expect((await me()).statusCode).toBe(401);
    expect((await person(deps, org.id, tree.email("sam")))?.active).toBe(false);
    expect((await auditEvents(deps, "user.deprovisioned", sam?.id as string))[0].data).toMatchObject({ source: "ldap", reason: "disabled in directory" });
    expect((await login(tree.email("sam"), "sam-pass")).status).toBe(401);

    // Re-enabled in the directory: active again.
    await ldap.admin((c) =>
      c.modify(tree.dn("sam"), [new Change({ operation: "delete", modification: new Attribute({ type: "employeeType", values: ["disabled"] }) })]),
    );
    expect((await http(app, admin).post(`/api/v1/admin/directories/${dir.id}/sync`)).body).toMatchObject({ reactivated: 1 });
    expect((await login(tree.email("sam"), "sam-pass")).status).toBe(200);
  });

  it("deactivates people who left the directory, follows renames and manager changes, and runs on the schedule", async () => {
    const { tree, org, admin, dir } = await setup();
    await http(app, admin).post(`/api/v1/admin/directories/${dir.id}/sync`);
    const tess = await person(deps, org.id, tree.email("tess"));
    await ldap.admin(async (c) => {
      await c.del(tree.dn("tess"));
      await c.modify(tree.dn("sam"), [
        new Change({ operation: "replace", modification: new Attribute({ type: "cn", values: ["Samuel Staff"] }) }),
        new Change({ operation: "delete", modification: new Attribute({ type: "manager", values: [] }) }),
      ]);
    });
    // The cron job (every 15 minutes) runs the same sync for every directory with sync on.
    const handler = await directorySyncJob.handler();
    await handler({}, deps);
    expect((await person(deps, org.id, tree.email("tess")))?.active).toBe(false);
    expect(await auditEvents(deps, "user.deprovisioned", tess?.id as string)).toHaveLength(1);
    expect(await person(deps, org.id, tree.email("sam"))).toMatchObject({ name: "Samuel Staff", manager_id: null });
  });

  it("reports an unreachable directory clearly, and keeps admin routes per organization and admins only", async () => {
    const { tree, org, admin, dir } = await setup();
    await http(app, admin).post(`/api/v1/admin/directories/${dir.id}/sync`);
    const agent = await createUser(deps, org.id, "agent");
    const stranger = await createUser(deps, (await createOrg(deps)).id, "admin");
    expect((await http(app, agent).get("/api/v1/admin/directories")).status).toBe(403);
    expect((await http(app, stranger).post(`/api/v1/admin/directories/${dir.id}/sync`)).status).toBe(404);
    expect((await http(app, admin).post("/api/v1/admin/directories", { name: "x", url: "http://nope", baseDn: "dc=x" })).status).toBe(400);
    expect((await http(app, admin).post("/api/v1/admin/directories", { name: "x", url: ldap.url, baseDn: "dc=x", userFilter: "objectClass=*" })).status).toBe(
      400,
    );

    const down = await http(app, admin).patch(`/api/v1/admin/directories/${dir.id}`, { url: "ldap://127.0.0.1:1" });
    expect(down.body.hasBindPassword).toBe(true);
    const sync = await http(app, admin).post(`/api/v1/admin/directories/${dir.id}/sync`);
    expect(sync.status).toBe(503);
    expect(sync.body.error.message).toMatch(/could not be read/);
    expect((await http(app, admin).post(`/api/v1/admin/directories/${dir.id}/test`)).body.ok).toBe(false);
    const l = await login(tree.email("maria"), "maria-pass");
    expect(l.status).toBe(401);
    expect(l.body.error.message).toMatch(/directory could not be reached/);
    expect(await auditEvents(deps, "directory.sync_failed", dir.id)).toHaveLength(1);
  });
});
