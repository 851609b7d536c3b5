import { Alert, Stack, Tabs } from "@mantine/core";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { useMe } from "../../app/auth";
import { PageHeading } from "../../app/page";
import { ReceivedPanel, SentPanel } from "./mail-logs";
import { MailboxesPanel } from "./mailboxes-panel";
import { NotificationsPanel } from "./notifications-panel";

const TABS = ["mailboxes", "notifications", "received", "sent"] as const;
type Tab = (typeof TABS)[number];

/** URL search of the mail admin page: which tab. */
export function parseMailSearch(s: Record<string, unknown>): { tab?: Tab } {
  return typeof s.tab === "string" && (TABS as readonly string[]).includes(s.tab) ? { tab: s.tab as Tab } : {};
}

/** Admins: mailboxes, notification rules and templates, received mail (quarantine) and sent mail. */
export function MailAdminPage() {
  const { t } = useTranslation();
  const me = useMe();
  const search = useSearch({ from: "/_agent/admin/mail" });
  const navigate = useNavigate({ from: "/admin/mail" });
  const tab = search.tab ?? "mailboxes";
  if (me.role !== "admin") return <Alert color="red">{t("app.notFound")}</Alert>;
  return (
    <Stack gap="md">
      <PageHeading fz="h2">{t("mail.title")}</PageHeading>
      <Tabs value={tab} onChange={(v) => void navigate({ search: { tab: (v as Tab) ?? undefined }, replace: true })} keepMounted={false}>
        <Tabs.List>
          {TABS.map((k) => (
            <Tabs.Tab key={k} value={k}>
              {t(`mail.tabs.${k}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="mailboxes" pt="md">
          <MailboxesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="notifications" pt="md">
          <NotificationsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="received" pt="md">
          <ReceivedPanel />
        </Tabs.Panel>
        <Tabs.Panel value="sent" pt="md">
          <SentPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
