import type { Actor, Deps } from "../../deps";
import { createArticle, transitionArticle, updateArticle } from "./article.service";
import { createCategory, giveFeedback, linkArticle } from "./article-engagement.service";
import { searchEverywhere } from "./search.service";

type Seed = {
  cat: string;
  title: string;
  summary: string;
  body: string;
  audience?: "public" | "internal";
  language?: "en" | "de";
  state?: "published" | "review" | "draft";
};

const ARTICLES: Seed[] = [
  {
    cat: "Network",
    title: "Connect to the VPN from home",
    summary: "Install AnyConnect, sign in with your company account and approve the MFA prompt.",
    body: "<h2>Before you start</h2><p>You need your laptop, your company account and the authenticator app on your phone.</p><h2>Steps</h2><ol><li>Open <strong>Cisco AnyConnect</strong> (Start menu → AnyConnect).</li><li>Enter <code>vpn.acme.test</code> and click <em>Connect</em>.</li><li>Sign in with your e-mail address and password.</li><li>Approve the prompt in the authenticator app.</li></ol><p>The padlock icon in the task bar shows you are connected.</p>",
  },
  {
    cat: "Network",
    title: "VPN keeps disconnecting",
    summary: "Switch to the 5 GHz Wi-Fi or a cable, update AnyConnect and turn off power saving for the network adapter.",
    body: "<p>Drops every few minutes are almost always the home network or power saving.</p><ul><li>Use a network cable or the 5 GHz Wi-Fi band.</li><li>Update AnyConnect from the Software Center.</li><li>Device Manager → network adapter → Power Management → untick <em>Allow the computer to turn off this device</em>.</li></ul><p>Still dropping? Report an incident and mention the times it dropped.</p>",
  },
  {
    cat: "Access",
    title: "Reset your password",
    summary: "Use the self-service reset page; you need your phone for the verification code.",
    body: '<ol><li>Go to <a href="https://password.acme.test" target="_blank">password.acme.test</a>.</li><li>Enter your e-mail address and the code sent to your phone.</li><li>Choose a new password: at least 12 characters, not one of your last five.</li></ol><p>After the change, sign in again on your phone (mail app) and laptop.</p>',
  },
  {
    cat: "Access",
    title: "Set up multi-factor authentication (MFA)",
    summary: "Install the authenticator app and scan the QR code on the security page.",
    body: "<ol><li>Install <strong>Microsoft Authenticator</strong> from your phone's app store.</li><li>Open the security page on your laptop and choose <em>Add sign-in method</em>.</li><li>Scan the QR code with the app and approve the test prompt.</li></ol>",
  },
  {
    cat: "Hardware",
    title: "Clear a paper jam on the floor printers",
    summary: "Open tray 2 and the rear door, remove the paper gently, then power-cycle if the light stays on.",
    body: "<ol><li>Open tray 2 and remove any creased paper.</li><li>Open the rear door (green handle) and pull the paper out in the direction it travels.</li><li>Close everything. If the jam light stays on, switch the printer off for 30 seconds.</li></ol><p>Never use scissors or other tools inside the printer.</p>",
  },
  {
    cat: "Hardware",
    title: "Add a printer to your laptop",
    summary: "Settings → Printers & scanners → Add device, then pick the printer named after your floor.",
    body: "<p>Printers are named after the floor, e.g. <code>PRN-FLOOR2</code>.</p><ol><li>Open <em>Settings → Bluetooth &amp; devices → Printers &amp; scanners</em>.</li><li>Click <em>Add device</em> and choose your floor's printer.</li></ol>",
  },
  {
    cat: "Network",
    title: "Connect to the office Wi-Fi",
    summary: "Staff use ACME-CORP with your company account; guests use ACME-GUEST with the daily code at reception.",
    body: "<ul><li><strong>ACME-CORP</strong>: sign in with your e-mail address and password.</li><li><strong>ACME-GUEST</strong>: for visitors; the code changes daily and is at reception.</li></ul><p>Slow in one meeting room? Report it with the room number.</p>",
  },
  {
    cat: "Software",
    title: "Outlook keeps asking for your password",
    summary: "Remove the saved Office credentials in Credential Manager and sign in again.",
    body: "<p>This happens after a password change when old credentials are cached.</p><ol><li>Close Outlook.</li><li>Open <em>Credential Manager → Windows Credentials</em> and remove entries starting with <code>MicrosoftOffice</code>.</li><li>Start Outlook and sign in with your new password.</li></ol>",
  },
  {
    cat: "Hardware",
    title: "Second monitor not detected on the docking station",
    summary: "Reconnect the dock's power, update the dock firmware and press Win+P → Extend.",
    body: "<ol><li>Unplug the dock's power for 10 seconds.</li><li>Press <kbd>Win</kbd>+<kbd>P</kbd> and choose <em>Extend</em>.</li><li>Update the dock firmware from the Software Center.</li></ol>",
  },
  {
    cat: "Hardware",
    title: "Laptop battery drains quickly",
    summary: "Check battery health in the power report; below 50% the desk replaces the battery.",
    body: "<p>Run <code>powercfg /batteryreport</code> and open the report. If the full charge capacity is below half of the design capacity, report an incident: we replace the battery.</p>",
  },
  {
    cat: "Software",
    title: "ERP month-end reports run slowly (agents)",
    summary: "Known issue during month-end batch; reschedule heavy reports after 18:00 or use the reporting replica.",
    body: "<p>Between the 28th and the 2nd the batch jobs load the ERP database.</p><ul><li>Point users to the reporting replica (<code>erp-report.acme.test</code>).</li><li>Escalate to Applications only if a report takes longer than 30 minutes.</li></ul>",
    audience: "internal",
  },
  {
    cat: "Network",
    title: "VPN von zu Hause verbinden",
    summary: "AnyConnect öffnen, vpn.acme.test eingeben und die Anmeldung in der Authenticator-App bestätigen.",
    body: "<ol><li>Cisco AnyConnect öffnen.</li><li><code>vpn.acme.test</code> eingeben und <em>Verbinden</em> klicken.</li><li>Mit E-Mail-Adresse und Passwort anmelden und in der App bestätigen.</li></ol>",
    language: "de",
  },
  {
    cat: "Software",
    title: "Share a mailbox with your team",
    summary: "Ask the desk for a shared mailbox; it appears in Outlook by itself within an hour.",
    body: "<p>Shared mailboxes are created by the Service Desk. Report a request with the mailbox name and the people who need access.</p>",
    state: "review",
  },
];

/** Demo knowledge: categories and a dozen useful articles (one in German, one internal, one in review). */
export async function seedKnowledge(deps: Deps, a: { admin: Actor; author: Actor; reviewer: Actor; readers: Actor[] }): Promise<void> {
  const cats = new Map<string, string>();
  for (const name of ["Network", "Access", "Hardware", "Software"]) {
    cats.set(name, (await createCategory(deps, a.author, { name, description: `${name} how-tos` })).id);
  }
  for (const [i, s] of ARTICLES.entries()) {
    const art = await createArticle(deps, a.author, {
      title: s.title,
      summary: s.summary,
      bodyHtml: s.body,
      audience: s.audience ?? "public",
      language: s.language ?? "en",
      categoryId: cats.get(s.cat) ?? null,
      reviewAt: i === 1 ? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10) : null,
    });
    if (i === 0)
      await updateArticle(deps, a.author, art.id, { bodyHtml: `${s.body}<p>Tip: the VPN connects automatically once set up.</p>`, note: "Added a tip" });
    await transitionArticle(deps, a.author, art.id, { action: "submit", reviewerId: a.reviewer.userId });
    if ((s.state ?? "published") === "published") {
      await transitionArticle(deps, a.reviewer, art.id, { action: "approve" });
      if ((s.audience ?? "public") === "public")
        for (const [j, r] of a.readers.entries()) if ((i + j) % 2 === 0) await giveFeedback(deps, r, art.id, (i + j) % 3 !== 0);
    }
    if (s.title.startsWith("Outlook")) {
      // The demo's resolved Outlook incident was solved with this article.
      const found = await searchEverywhere(deps, a.admin, { q: "outlook password", types: ["incident"], limit: 1 });
      const number = found.items[0]?.number;
      if (number) await linkArticle(deps, a.author, art.id, number, "resolved_with");
    }
  }
}
