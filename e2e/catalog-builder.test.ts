import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup, createOrg, createUser } from "../server/test/factories";
import { testDeps, uniq } from "../server/test/harness";
import { hasChromium } from "./support/browser";
import { type BrowserHarness, startBrowserHarness } from "./support/portico";

// A desk lead builds a catalog item's form, approval chain and fulfilment plan with the visual editors
// (no JSON), sees the live preview follow a show-when condition, saves, and the server holds exactly that.

describe.skipIf(!hasChromium)("building a catalog item without JSON", () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserHarness({ roles: ["web"] });
  });

  afterAll(() => h?.close());

  it("adds questions with choices and a condition, a manager stage and a task; saves what it shows", async () => {
    const deps = testDeps();
    const org = await createOrg(deps);
    const group = await createGroup(deps, org.id, `Workplace ${uniq()}`);
    const admin = await createUser(deps, org.id, "admin");
    const res = await fetch(`${h.baseUrl}/api/v1/desks`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "IT", slug: "it" }),
    });
    expect(res.status).toBe(201);

    const page = await h.signIn(admin.email);
    await page.goto(`${h.baseUrl}/admin/catalog`);
    await page.getByRole("button", { name: "New item" }).first().click();
    await page.getByRole("textbox", { name: "Name" }).fill("Monitor");
    await page.getByRole("combobox", { name: "Desk", exact: true }).click();
    await page.getByRole("option", { name: "IT" }).click();

    // Question 1: a choice; its answer key follows the question text.
    await page.getByRole("button", { name: "Add a question" }).click();
    await page.getByRole("textbox", { name: "Question", exact: true }).nth(0).fill("Screen size");
    await page.getByRole("combobox", { name: "Type", exact: true }).nth(0).click();
    await page.getByRole("option", { name: "One choice" }).click();
    const choices = page.getByRole("combobox", { name: "Choices" }).nth(0);
    await choices.fill("24 inch");
    await choices.press("Enter");
    await choices.fill("32 inch");
    await choices.press("Enter");
    await expect.poll(() => page.getByRole("textbox", { name: "Answer key" }).nth(0).inputValue()).toBe("screen_size");

    // Question 2: shown only when the screen is 32 inch.
    await page.getByRole("button", { name: "Add a question" }).click();
    await page.getByRole("textbox", { name: "Question", exact: true }).nth(1).fill("Why so big?");
    await page.getByRole("combobox", { name: "Show only when", exact: true }).nth(0).click();
    await page.getByRole("option", { name: "Screen size" }).click();
    await page.getByRole("combobox", { name: "Condition", exact: true }).nth(0).click();
    await page.getByRole("option", { name: "is", exact: true }).click();
    await page.getByRole("combobox", { name: "Value", exact: true }).nth(0).click();
    await page.getByRole("option", { name: "32 inch" }).click();

    // The preview follows the condition.
    const preview = page.getByRole("region", { name: "Preview of the form" });
    await expect.poll(() => preview.getByText("Why so big?").count()).toBe(0);
    await preview.getByLabel("Screen size").click();
    await page.getByRole("option", { name: "32 inch" }).last().click();
    await expect.poll(() => preview.getByText("Why so big?").count()).toBe(1);

    await page.getByRole("button", { name: "Add an approval stage" }).click();
    await page.getByRole("button", { name: "Add a task" }).click();
    await page.getByRole("textbox", { name: "Task", exact: true }).fill("Deliver the monitor");
    await page.getByRole("combobox", { name: "Group", exact: true }).last().click();
    await page.getByRole("option", { name: group.name }).click();
    await page.getByRole("button", { name: /^Save/ }).click();
    await page.getByRole("button", { name: "Monitor" }).waitFor();

    const list = await fetch(`${h.baseUrl}/api/v1/catalog/items?all=true`, { headers: { authorization: `Bearer ${admin.token}` } }).then((r) => r.json());
    const id = list.items.find((i: { name: string }) => i.name === "Monitor").id;
    const item = await fetch(`${h.baseUrl}/api/v1/catalog/items/${id}`, { headers: { authorization: `Bearer ${admin.token}` } }).then((r) => r.json());
    expect(item.form.variables).toMatchObject([
      {
        name: "screen_size",
        label: "Screen size",
        type: "choice",
        options: [
          { value: "24_inch", label: "24 inch" },
          { value: "32_inch", label: "32 inch" },
        ],
      },
      { name: "why_so_big", label: "Why so big?", type: "text", visibleWhen: { variable: "screen_size", operator: "equals", value: "32_inch" } },
    ]);
    expect(item.approvals).toMatchObject([{ name: "Manager approval", approvers: [{ kind: "manager" }], rule: "any" }]);
    expect(item.fulfilment).toMatchObject([{ title: "Deliver the monitor", groupId: group.id, parallelWithPrevious: false }]);
    expect(h.errors).toEqual([]);
    await page.context().close();
  });
});
