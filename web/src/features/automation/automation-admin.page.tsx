import { Alert, Stack, Tabs } from "@mantine/core";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { useMe } from "../../app/auth";
import { PageHeading } from "../../app/page";
import { AgentsPanel, AssignmentPanel } from "./assignment-panel";
import { RulesPanel, RunsPanel } from "./rules-panel";
import { SchedulesPanel } from "./schedules-panel";

const TABS = ["rules", "assignment", "agents", "schedules", "runs"] as const;
type Tab = (typeof TABS)[number];

/** URL search of the automation page: which tab. */
export function parseAutomationSearch(s: Record<string, unknown>): { tab?: Tab } {
  return typeof s.tab === "string" && (TABS as readonly string[]).includes(s.tab) ? { tab: s.tab as Tab } : {};
}

/** Admins: rules, assignment strategies, agents' availability and skills, recurring tickets, the run log. */
export function AutomationAdminPage() {
  const { t } = useTranslation();
  const me = useMe();
  const search = useSearch({ from: "/_agent/admin/automation" });
  const navigate = useNavigate({ from: "/admin/automation" });
  const tab = search.tab ?? "rules";
  if (me.role !== "admin") return <Alert color="red">{t("app.notFound")}</Alert>;
  return (
    <Stack gap="md">
      <PageHeading fz="h2">{t("automation.title")}</PageHeading>
      <Tabs value={tab} onChange={(v) => void navigate({ search: { tab: (v as Tab) ?? undefined }, replace: true })} keepMounted={false}>
        <Tabs.List>
          {TABS.map((k) => (
            <Tabs.Tab key={k} value={k}>
              {t(`automation.tabs.${k}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="rules" pt="md">
          <RulesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="assignment" pt="md">
          <AssignmentPanel />
        </Tabs.Panel>
        <Tabs.Panel value="agents" pt="md">
          <AgentsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="schedules" pt="md">
          <SchedulesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="runs" pt="md">
          <RunsPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
