import type { Actor, Deps } from "../../deps";
import { withTx } from "../../platform/db/db";
import { insertGroup, insertOrganization, insertUser, setGroupMembers } from "../identity/identity.repo";
import { createIncident } from "../incidents/incident.service";
import { putMailSettings } from "../notifications/notification.service";
import * as repo from "./organization.repo";

/**
 * Service-provider demo: Northwind Managed Services serves two customers, Contoso (with its subsidiary
 * Contoso Retail) and Fabrikam, each with its own look and portal host (*.localhost reaches this machine).
 * Nora is a provider agent serving both through the "Customer Desk" group; Pat belongs to Contoso and
 * Fabrikam; Carla is Contoso's IT manager and sees all of Contoso's tickets.
 */
export async function seedServiceProvider(deps: Deps, passwordHash: string): Promise<void> {
  const northwind = await insertOrganization(deps.db, { name: "Northwind Managed Services", slug: "northwind" });
  const ids = await withTx(deps.db, async (tx) => {
    const contoso = await repo.insertOrganization(tx, { name: "Contoso", slug: "contoso", parentId: northwind });
    const retail = await repo.insertOrganization(tx, { name: "Contoso Retail", slug: "contoso-retail", parentId: contoso });
    const fabrikam = await repo.insertOrganization(tx, { name: "Fabrikam", slug: "fabrikam", parentId: northwind });
    await repo.upsertProfile(tx, northwind, { display_name: "Northwind Service Desk", primary_color: "#1f4e79" });
    await repo.upsertProfile(tx, contoso, { display_name: "Contoso IT Help", primary_color: "#8a1c1c", portal_host: "contoso.localhost" });
    await repo.upsertProfile(tx, retail, { portal_host: "retail.contoso.localhost" });
    await repo.upsertProfile(tx, fabrikam, {
      display_name: "Fabrikam Support",
      primary_color: "#0b5d1e",
      portal_host: "fabrikam.localhost",
      portal_locale: "en",
    });
    const user = (org: string, email: string, name: string, role: "requester" | "agent" | "admin") =>
      insertUser(tx, { organizationId: org, email, name, role, passwordHash }).then((u) => u.id);
    const admin = await user(northwind, "msp-admin@northwind.test", "Mia Provider-Admin", "admin");
    const nora = await user(northwind, "nora@northwind.test", "Nora Northwind", "agent");
    const pat = await user(contoso, "pat@contoso.test", "Pat Contoso", "requester");
    const carla = await user(contoso, "carla@contoso.test", "Carla IT-Manager", "requester");
    const rita = await user(retail, "rita@contoso-retail.test", "Rita Retail", "requester");
    const fred = await user(fabrikam, "fred@fabrikam.test", "Fred Fabrikam", "requester");
    const desk = await insertGroup(tx, { organizationId: northwind, name: "Customer Desk", description: "Serves Contoso and Fabrikam", email: null });
    await setGroupMembers(tx, northwind, desk.id, [nora, admin]);
    await repo.setServed(tx, northwind, desk.id, [contoso, retail, fabrikam]);
    // Pat also raises tickets at Fabrikam (a contractor there); Carla sees every Contoso ticket.
    await repo.upsertDirectMembership(tx, { userId: pat, orgId: fabrikam, role: "requester", organizationManager: false });
    await repo.setOrganizationManager(tx, carla, contoso, true);
    return { contoso, retail, fabrikam, admin, pat, carla, rita, fred };
  });
  const as = (userId: string, organizationId: string, role: Actor["role"] = "requester"): Actor => ({ userId, organizationId, role, groupIds: [] });
  const admin = as(ids.admin, ids.contoso, "admin");
  await putMailSettings(deps, admin, { fromName: "Contoso IT Help", fromAddress: "it-help@contoso.test", replyToAddress: null, enabled: true });
  for (const [who, org, title] of [
    [ids.pat, ids.contoso, "Laptop will not start after the update"],
    [ids.carla, ids.contoso, "New starter needs an account on Monday"],
    [ids.rita, ids.retail, "Till printer in store 12 is offline"],
    [ids.pat, ids.fabrikam, "VPN drops every ten minutes"],
    [ids.fred, ids.fabrikam, "Shared mailbox for the sales team"],
  ] as const) {
    await createIncident(deps, as(who, org), { title, description: "", impact: "medium", urgency: "medium" }, { via: "session" });
  }
}
