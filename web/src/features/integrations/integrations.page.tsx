import { Alert, Stack, Tabs } from "@mantine/core";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { useMe } from "../../app/auth";
import { PageHeading } from "../../app/page";
import { AlertsPanel } from "./alerts-panel";
import { DeliveriesPanel } from "./deliveries-panel";
import { HostsPanel } from "./hosts-panel";
import { WebhooksPanel } from "./webhooks-panel";

const TABS = ["webhooks", "deliveries", "alerts", "hosts"] as const;
type Tab = (typeof TABS)[number];
export interface IntegrationsSearch {
  tab?: Tab;
  webhook?: string;
}

/** URL search of the integrations page: tab and, for the log, one webhook. */
export function parseIntegrationsSearch(s: Record<string, unknown>): IntegrationsSearch {
  return {
    ...(typeof s.tab === "string" && (TABS as readonly string[]).includes(s.tab) ? { tab: s.tab as Tab } : {}),
    ...(typeof s.webhook === "string" && /^[0-9a-f-]{36}$/.test(s.webhook) ? { webhook: s.webhook } : {}),
  };
}

/** Admins: outbound webhooks with their delivery log, monitoring alert integrations, allowed private hosts. */
export function IntegrationsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const search = useSearch({ from: "/_agent/admin/integrations" });
  const navigate = useNavigate({ from: "/admin/integrations" });
  const tab = search.tab ?? "webhooks";
  if (me.role !== "admin") return <Alert color="red">{t("app.notFound")}</Alert>;
  return (
    <Stack gap="md">
      <PageHeading fz="h2">{t("integrations.title")}</PageHeading>
      <Tabs value={tab} onChange={(v) => void navigate({ search: { tab: (v as Tab) ?? undefined }, replace: true })} keepMounted={false}>
        <Tabs.List>
          {TABS.map((k) => (
            <Tabs.Tab key={k} value={k}>
              {t(`integrations.tabs.${k}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="webhooks" pt="md">
          <WebhooksPanel onShowLog={(id) => void navigate({ search: { tab: "deliveries", webhook: id } })} />
        </Tabs.Panel>
        <Tabs.Panel value="deliveries" pt="md">
          <DeliveriesPanel
            webhookId={search.webhook ?? null}
            onWebhookChange={(id) => void navigate({ search: { tab: "deliveries", ...(id ? { webhook: id } : {}) }, replace: true })}
          />
        </Tabs.Panel>
        <Tabs.Panel value="alerts" pt="md">
          <AlertsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="hosts" pt="md">
          <HostsPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
