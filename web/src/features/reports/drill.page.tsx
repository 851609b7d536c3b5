import { Alert, Badge, Button, Group, Loader, Stack, Table, Text } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { useRouter, useSearch } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import type { TDrillItem } from "../../../../contracts/reporting";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { RelativeTime } from "../../app/time";
import { useDrill } from "./reports.api";

const WIDGET_TITLES: Record<string, string> = {
  volume: "dashboards.volume",
  backlog: "dashboards.backlog",
  times: "dashboards.resolution",
  sla: "dashboards.sla",
  quality: "dashboards.reopenRate",
  breakdown: "dashboards.volumeBy",
  workload: "dashboards.workload",
  changes: "dashboards.changeSuccess",
  "top-cis": "dashboards.topCis",
  csat: "dashboards.csat",
};
const SERIES = new Set(["incoming", "resolved", "response", "resolution", "reopened", "fcr", "assignee", "group"]);
const KEYS = ["widget", "series", "key", "from", "to", "tz", "bucket", "types", "deskId", "groupId", "by"] as const;

/** Drill-down search: the widget, the clicked part and the dashboard's filters, passed through as strings. */
export function parseDrillSearch(s: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of KEYS) if (typeof s[k] === "string" && (s[k] as string).length <= 400) out[k] = s[k] as string;
  return out;
}

function ItemLink({ item }: { item: TDrillItem }) {
  switch (item.type) {
    case "incident":
      return (
        <AnchorLink to="/incidents/$incidentId" params={{ incidentId: item.number }} ff="monospace">
          {item.number}
        </AnchorLink>
      );
    case "request":
      return (
        <AnchorLink to="/requests/$ref" params={{ ref: item.number }} ff="monospace">
          {item.number}
        </AnchorLink>
      );
    case "problem":
      return (
        <AnchorLink to="/problems/$problemId" params={{ problemId: item.number }} ff="monospace">
          {item.number}
        </AnchorLink>
      );
    case "change":
      return (
        <AnchorLink to="/changes/$changeId" params={{ changeId: item.number }} ff="monospace">
          {item.number}
        </AnchorLink>
      );
    default:
      return <Text ff="monospace">{item.number}</Text>;
  }
}

/** The tickets behind one bar, slice or figure of the dashboard (the same filters, newest first). */
export function DrillPage() {
  const { t } = useTranslation();
  const router = useRouter();
  const params = parseDrillSearch(useSearch({ strict: false }) as Record<string, unknown>);
  const q = useDrill(params);
  return (
    <Stack gap="md">
      <Group>
        <Button variant="subtle" leftSection={<IconArrowLeft size={16} aria-hidden />} onClick={() => router.history.back()}>
          {t("dashboards.drill.back")}
        </Button>
      </Group>
      <PageHeading>{t("dashboards.drill.title")}</PageHeading>
      <Group gap="xs">
        {params.widget && WIDGET_TITLES[params.widget] && <Badge variant="light">{t(WIDGET_TITLES[params.widget] as never)}</Badge>}
        {params.series && SERIES.has(params.series) && <Badge variant="light">{t(`dashboards.series.${params.series}` as never)}</Badge>}
        {params.key && !/^[0-9a-f-]{36}$/.test(params.key) && (
          <Badge variant="light">{params.widget === "backlog" ? t(`dashboards.age.${params.key}` as never) : params.key}</Badge>
        )}
        {params.from && params.to && (
          <Text size="sm" c="dimmed">
            {new Date(params.from).toLocaleDateString()} – {new Date(new Date(params.to).getTime() - 1).toLocaleDateString()}
          </Text>
        )}
      </Group>
      {q.isPending && <Loader aria-label={t("app.loading")} />}
      {q.isError && <Alert color="red">{(q.error as Error).message}</Alert>}
      {q.data && (
        <>
          <Text size="sm" c="dimmed">
            {q.data.total > q.data.items.length
              ? t("dashboards.drill.shown", { shown: q.data.items.length, count: q.data.total })
              : t("dashboards.drill.total", { count: q.data.total })}
          </Text>
          {q.data.items.length === 0 ? (
            <Text c="dimmed">{t("dashboards.drill.empty")}</Text>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table highlightOnHover verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("dashboards.drill.number")}</Table.Th>
                    <Table.Th>{t("dashboards.drill.itemTitle")}</Table.Th>
                    <Table.Th>{t("dashboards.drill.type")}</Table.Th>
                    <Table.Th>{t("dashboards.drill.state")}</Table.Th>
                    <Table.Th>{t("dashboards.drill.priority")}</Table.Th>
                    <Table.Th>{t("dashboards.drill.created")}</Table.Th>
                    <Table.Th>{t("dashboards.drill.resolvedAt")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {q.data.items.map((i) => (
                    <Table.Tr key={i.id}>
                      <Table.Td>
                        <ItemLink item={i} />
                      </Table.Td>
                      <Table.Td>{i.title}</Table.Td>
                      <Table.Td>{t(`dashboards.typeNames.${i.type}` as never)}</Table.Td>
                      <Table.Td>{i.state.replace(/_/g, " ")}</Table.Td>
                      <Table.Td>P{i.priority}</Table.Td>
                      <Table.Td>
                        <RelativeTime iso={i.createdAt} />
                      </Table.Td>
                      <Table.Td>{i.resolvedAt ? <RelativeTime iso={i.resolvedAt} /> : "—"}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}
    </Stack>
  );
}
