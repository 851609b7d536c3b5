import nodemailer from "nodemailer";
import type { Page } from "playwright-core";
import { hasChromium, poll } from "./support/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup, createOrg, createUser, TEST_PASSWORD } from "../server/test/factories";
import { testDeps, uniq } from "../server/test/harness";
import { type BrowserHarness, startBrowserHarness } from "./support/portico";

// An administrator's view of the email channel in a real browser: mail sent to the SMTP intake of a
// running worker shows up under Email → Received mail with its ticket, which opens; the quarantine
// shows the reason; a person turns a notification off from the user menu.

describe.skipIf(!hasChromium)("email channel in a browser", () => {
  let h: BrowserHarness;
  let page: Page;
  let intakePort = 0;

  beforeAll(async () => {
    h = await startBrowserHarness({ env: { PORTICO_SMTP_INTAKE_PORT: "0", PORTICO_MAIL_SENDER_LIMIT_PER_HOUR: "1" } });
    page = await h.newPage();
    intakePort = h.running.intake?.port ?? 0;
  });

  afterAll(() => h?.close());

  it("shows received mail with its ticket and the quarantine, and keeps personal preferences", async () => {
    const deps = testDeps();
    const org = await createOrg(deps);
    const group = await createGroup(deps, org.id, `Desk ${uniq()}`);
    const admin = await createUser(deps, org.id, "admin", { name: `Ada Admin ${uniq()}`, groupIds: [group.id] });
    const address = `help-${uniq()}@acme.example`;
    await deps.db
      .insertInto("mailboxes")
      .values({ organization_id: org.id, name: "Browser desk", address, kind: "smtp", default_group_id: group.id })
      .execute();
    expect(intakePort).toBeGreaterThan(0);
    const subject = `Badge reader at door ${uniq()} is dead`;
    const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: intakePort, secure: false, ignoreTLS: true });
    const from = `gate-${uniq()}@visitor.example`;
    await smtp.sendMail({ from, to: address, subject, text: "Nobody can get in." });
    // The sender's limit here is one an hour: the second message is quarantined with the reason.
    await smtp.sendMail({ from, to: address, subject: "Again", text: "Still dead." });
    smtp.close();

    await page.goto(`${h.baseUrl}/`);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await poll(() => page.getByRole("heading", { level: 1 }).isVisible()).toBe(true);

    await page.getByRole("navigation").getByRole("link", { name: "Email" }).click();
    await poll(() => page.getByRole("heading", { level: 1, name: "Email and notifications" }).isVisible()).toBe(true);
    await poll(() => page.getByRole("cell", { name: address }).isVisible()).toBe(true);
    await page.getByRole("tab", { name: "Received mail" }).click();
    const row = page.getByRole("row", { name: new RegExp(subject) });
    await poll(() => row.isVisible()).toBe(true);
    await poll(() => page.getByText(`rate limit: 1 messages in the last hour from ${from}`).isVisible()).toBe(true);
    await page.locator(`label[for$="-quarantined"]`).click();
    await poll(() => row.isVisible()).toBe(false);
    await page.locator(`label[for$="-all"]`).click();
    await row.getByRole("link", { name: /^INC\d+$/ }).click();
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(subject);

    // Preferences from the user menu, kept on the server.
    await page.getByRole("button", { name: new RegExp(admin.name) }).click();
    await page.getByRole("menuitem", { name: "Notification preferences" }).click();
    const dialog = page.getByRole("dialog", { name: "Email me when…" });
    await dialog.getByRole("switch", { name: "Comment added" }).dispatchEvent("click");
    await poll(async () =>
      (await deps.db.selectFrom("notification_preferences").select("email").where("user_id", "=", admin.id).execute()).map((p) => p.email),
    ).toEqual([false]);
  });
});
