import { Stack, Tabs } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { PageHeading } from "../../app/page";
import { CalendarsAdmin } from "./calendars-admin";
import { PoliciesAdmin } from "./policies-admin";

/** Service-level configuration (admins): policies and business calendars. */
export function SlaAdminPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<string | null>("policies");
  return (
    <Stack gap="md">
      <PageHeading fz="h2">{t("sla.nav")}</PageHeading>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="policies">{t("sla.policy.title")}</Tabs.Tab>
          <Tabs.Tab value="calendars">{t("sla.calendar.title")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="policies" pt="md">
          <PoliciesAdmin />
        </Tabs.Panel>
        <Tabs.Panel value="calendars" pt="md">
          <CalendarsAdmin />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
