import { hasChromium, poll } from "./support/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup, createOrg, createUser, setManager } from "../server/test/factories";
import { testDeps, uniq } from "../server/test/harness";
import { type BrowserHarness, startBrowserHarness } from "./support/portico";

// The self-service portal in a real browser: a requester orders a laptop, their manager approves it in the
// portal, an agent works the task in the workspace, and the requester sees the request completed.

describe.skipIf(!hasChromium)("ordering a laptop through the portal", () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserHarness();
  });

  afterAll(() => h?.close());

  it("requester orders, manager approves, agent fulfils, requester sees it done", async () => {
    const deps = testDeps();
    const org = await createOrg(deps);
    const group = await createGroup(deps, org.id, `Desk ${uniq()}`);
    const admin = await createUser(deps, org.id, "admin");
    const agent = await createUser(deps, org.id, "agent", { name: `Alex Agent ${uniq()}`, groupIds: [group.id] });
    const manager = await createUser(deps, org.id, "requester", { name: `Mia Manager ${uniq()}` });
    const requester = await createUser(deps, org.id, "requester", { name: `Dana Requester ${uniq()}` });
    await setManager(deps, requester.id, manager.id);
    const call = async (path: string, body: unknown) => {
      const res = await fetch(`${h.baseUrl}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string };
    };
    const desk = await call("/api/v1/desks", { name: "IT", slug: "it", brandingName: "IT Help" });
    await call("/api/v1/catalog/items", {
      deskId: desk.id,
      name: "New laptop",
      summary: "A work laptop",
      icon: "laptop",
      form: {
        variables: [
          {
            name: "model",
            label: "Model",
            type: "choice",
            required: true,
            options: [
              { value: "air", label: "MacBook Air" },
              { value: "x1", label: "ThinkPad X1" },
            ],
          },
          { name: "reason", label: "Why do you need it?", type: "long_text", required: true },
        ],
      },
      approvals: [{ name: "Manager approval", approvers: [{ kind: "manager" }], rule: "any" }],
      fulfilment: [{ title: "Prepare the laptop", groupId: group.id }],
    });

    // The requester lands in the portal, finds the laptop by searching, and orders it.
    const me = await h.signIn(requester.email, { viewport: { width: 390, height: 900 } });
    await poll(() => new URL(me.url()).pathname).toBe("/portal");
    await me.getByLabel("Search the help center").fill("laptop");
    await me.getByText("New laptop").first().click();
    await me.getByRole("button", { name: "Submit request" }).click();
    // The shared schema refuses the empty form in the browser before anything is sent.
    await poll(() => me.getByText("Some answers need your attention.").isVisible()).toBe(true);
    await me
      .getByLabel(/^Model/)
      .first()
      .click();
    await me.getByRole("option", { name: "ThinkPad X1" }).click();
    await me.getByLabel(/^Why do you need it/).fill("My old one will not boot.");
    await me.getByRole("button", { name: "Submit request" }).click();
    await poll(() => me.getByText("Awaiting approval").first().isVisible()).toBe(true);
    const number = (await me.getByText(/^Request REQ\d+ submitted$/).textContent())?.match(/REQ\d+/)?.[0] ?? "";
    expect(number).toMatch(/^REQ\d{7}$/);

    // The manager approves it from "Approvals" in the portal.
    const boss = await h.signIn(manager.email);
    await boss.getByRole("link", { name: /^Approvals/ }).click();
    await poll(() => boss.getByText("My old one will not boot.", { exact: false }).isVisible()).toBe(true);
    await boss.getByRole("button", { name: "Approve" }).click();
    await poll(() => boss.getByText("Nothing is waiting for your approval.").isVisible()).toBe(true);

    // The agent works the task from the request's page in the workspace.
    const desk1 = await h.signIn(agent.email);
    await desk1.goto(`${h.baseUrl}/requests/${number}`);
    await poll(() => desk1.getByText("Prepare the laptop").isVisible()).toBe(true);
    await desk1.getByRole("button", { name: "Start" }).click();
    await desk1.getByRole("button", { name: "Complete" }).click();
    await poll(() => desk1.getByText("Completed").first().isVisible()).toBe(true);

    // The requester sees it done.
    await me.reload();
    await poll(() => me.getByText("Completed").first().isVisible()).toBe(true);
    const row = await deps.db.selectFrom("work_items").select(["state", "closed_at"]).where("number", "=", number).executeTakeFirstOrThrow();
    expect(row.state).toBe("completed");
    expect(row.closed_at).not.toBeNull();
    expect(h.errors).toEqual([]);
  });
});
