import { Alert, Button, Group, Loader, SegmentedControl, Stack, Table, Text, TextInput } from "@mantine/core";
import { IconCalendar, IconPlus, IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { errorText } from "../incidents/components/form-errors";
import { ChangeStateBadge, ChangeTypeBadge, formatWindow, RiskBadge } from "./change-badges";
import { useChanges } from "./changes.api";

/** Changes: open ones by default, with search; links to raising one and to the calendar. */
export function ChangesListPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState("true");
  const [q, setQ] = useState("");
  const list = useChanges({ open: filter === "all" ? undefined : filter, q: q.trim() || undefined });
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <PageHeading>{t("changes.title")}</PageHeading>
        <Group gap="xs">
          <Button component={AnchorLink} to="/change-calendar" variant="light" leftSection={<IconCalendar size={16} aria-hidden />} underline="never">
            {t("changes.calendarTitle")}
          </Button>
          <Button component={AnchorLink} to="/changes/new" leftSection={<IconPlus size={16} aria-hidden />} underline="never" c="white">
            {t("changes.new")}
          </Button>
        </Group>
      </Group>
      <Group align="flex-end" wrap="wrap">
        <SegmentedControl
          aria-label={t("changes.filter.label")}
          value={filter}
          onChange={setFilter}
          data={[
            { value: "true", label: t("changes.filter.open") },
            { value: "false", label: t("changes.filter.done") },
            { value: "all", label: t("changes.filter.all") },
          ]}
        />
        <TextInput
          aria-label={t("changes.search")}
          placeholder={t("changes.search")}
          leftSection={<IconSearch size={14} aria-hidden />}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          maw={320}
        />
      </Group>
      {list.isPending && <Loader aria-label={t("app.loading")} />}
      {list.isError && <Alert color="red">{errorText(list.error, t)}</Alert>}
      {list.data?.items.length === 0 && <Text c="dimmed">{t("changes.empty")}</Text>}
      {!!list.data?.items.length && (
        <Table.ScrollContainer minWidth={900}>
          <Table highlightOnHover verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("changes.field.number")}</Table.Th>
                <Table.Th>{t("changes.field.title")}</Table.Th>
                <Table.Th>{t("changes.field.type")}</Table.Th>
                <Table.Th>{t("changes.field.state")}</Table.Th>
                <Table.Th>{t("changes.field.risk")}</Table.Th>
                <Table.Th>{t("changes.field.window")}</Table.Th>
                <Table.Th>{t("changes.field.services")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td ff="monospace">{c.number}</Table.Td>
                  <Table.Td>
                    <AnchorLink to="/changes/$changeId" params={{ changeId: c.number }}>
                      {c.title}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <ChangeTypeBadge type={c.type} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <ChangeStateBadge state={c.state} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <RiskBadge risk={c.risk} />
                  </Table.Td>
                  <Table.Td>{formatWindow(c.plannedStart, c.plannedEnd)}</Table.Td>
                  <Table.Td>{c.services.map((s) => s.name).join(", ") || "—"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
