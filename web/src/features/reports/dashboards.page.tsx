import "@mantine/charts/styles.css";
import { BarChart } from "@mantine/charts";
import { Alert, Group, List, MultiSelect, SegmentedControl, Select, SimpleGrid, Stack, Switch, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { BREAKDOWN_DIMENSIONS, REPORT_TYPES, type TSlice } from "../../../../contracts/reporting";
import { useAuth } from "../../app/auth";
import { PageHeading } from "../../app/page";
import { useDesks } from "../catalog/catalog.api";
import { useGroups } from "../reference/reference.api";
import { ChartCard, formatDuration, formatRate, SliceBars, SliceTable, StatCard } from "./report-bits";
import { type DashboardSearch, filterQuery, useCsatSettings, useSaveCsatSettings, useWidget } from "./reports.api";

const PERIODS = ["d7", "d30", "d90", "d365"] as const;
const VOLUME_DIMS = ["category", "service", "desk", "channel", "group", "priority"] as const;

/** URL search of the dashboard: validated, with defaults. */
export function parseDashboardSearch(s: Record<string, unknown>): DashboardSearch {
  const str = (v: unknown) => (typeof v === "string" && v.length <= 400 ? v : undefined);
  const period = PERIODS.includes(s.period as never) ? (s.period as DashboardSearch["period"]) : "d30";
  const by = BREAKDOWN_DIMENSIONS.includes(s.by as never) ? (s.by as string) : "category";
  const csatBy = ["assignee", "group", "service"].includes(s.csatBy as string) ? (s.csatBy as string) : "assignee";
  return { period, bucket: s.bucket === "week" ? "week" : "day", types: str(s.types), deskId: str(s.deskId), groupId: str(s.groupId), by, csatBy };
}

/** The management dashboard: volumes, backlog, times, SLA, quality, workload, changes, CIs and satisfaction. */
export function DashboardsPage() {
  const { t } = useTranslation();
  const search = useSearch({ strict: false }) as DashboardSearch;
  const s = parseDashboardSearch(search as never);
  const navigate = useNavigate();
  const set = (patch: Partial<DashboardSearch>) => navigate({ to: "/dashboards", search: { ...s, ...patch } as never, replace: true });
  const drill = (widget: string, extra: Record<string, string | undefined> = {}) => {
    const q = filterQuery(s);
    navigate({ to: "/dashboards/drill", search: { ...q, widget, ...extra } as never });
  };
  const groups = useGroups();
  const desks = useDesks();
  const volume = useWidget("volume", s);
  const backlog = useWidget("backlog", s);
  const times = useWidget("times", s);
  const sla = useWidget("sla", s);
  const quality = useWidget("quality", s);
  const breakdown = useWidget("breakdown", s, { by: s.by });
  const workload = useWidget("workload", s);
  const changes = useWidget("changes", s);
  const cis = useWidget("top-cis", s);
  const csat = useWidget("csat", s, { by: s.csatBy });
  const err = [volume, backlog, times].find((w) => w.isError)?.error as Error | undefined;

  const named = (slices: TSlice[] | undefined, dim?: string) =>
    (slices ?? []).map((x) => ({
      ...x,
      name:
        x.key === "none"
          ? t("dashboards.none")
          : dim === "priority"
            ? `P${x.key}`
            : dim === "age"
              ? t(`dashboards.age.${x.key}` as never)
              : dim === "outcome"
                ? t(`dashboards.outcomes.${x.key}` as never)
                : x.label || x.key,
    }));

  const series = (volume.data?.series ?? []).map((p) => ({ ...p, label: p.bucket.slice(5) }));
  const refreshed = volume.data?.refreshedAt ? new Date(volume.data.refreshedAt).toLocaleTimeString() : null;
  const r = times.data?.resolution;
  const fr = times.data?.response;

  return (
    <Stack gap="md">
      <Stack gap={2}>
        <PageHeading>{t("dashboards.title")}</PageHeading>
        <Text c="dimmed" size="sm">
          {t("dashboards.intro")} {refreshed && t("dashboards.refreshed", { time: refreshed })}
        </Text>
      </Stack>
      <Group align="flex-end" wrap="wrap" gap="sm" role="search" aria-label={t("dashboards.filters")}>
        <Stack gap={2}>
          <Text size="sm" fw={500} id="period-label">
            {t("dashboards.period")}
          </Text>
          <SegmentedControl
            aria-labelledby="period-label"
            value={s.period}
            onChange={(v) => set({ period: v as DashboardSearch["period"] })}
            data={PERIODS.map((p) => ({ value: p, label: t(`dashboards.periods.${p}`) }))}
          />
        </Stack>
        <Stack gap={2}>
          <Text size="sm" fw={500} id="bucket-label">
            {t("dashboards.bucket")}
          </Text>
          <SegmentedControl
            aria-labelledby="bucket-label"
            value={s.bucket}
            onChange={(v) => set({ bucket: v as "day" | "week" })}
            data={[
              { value: "day", label: t("dashboards.buckets.day") },
              { value: "week", label: t("dashboards.buckets.week") },
            ]}
          />
        </Stack>
        <MultiSelect
          label={t("dashboards.types")}
          placeholder={s.types ? undefined : t("dashboards.defaultTypes")}
          data={REPORT_TYPES.map((x) => ({ value: x, label: t(`dashboards.typeNames.${x}`) }))}
          value={s.types ? s.types.split(",") : []}
          onChange={(v) => set({ types: v.length ? v.join(",") : undefined })}
          w={260}
          clearable
        />
        <Select
          label={t("dashboards.desk")}
          placeholder={t("dashboards.anyDesk")}
          data={(desks.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
          value={s.deskId ?? null}
          onChange={(v) => set({ deskId: v ?? undefined })}
          clearable
          w={180}
        />
        <Select
          label={t("dashboards.group")}
          placeholder={t("dashboards.anyGroup")}
          data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
          value={s.groupId ?? null}
          onChange={(v) => set({ groupId: v ?? undefined })}
          clearable
          searchable
          w={200}
        />
      </Group>
      {err && <Alert color="red">{err.message}</Alert>}

      <SimpleGrid cols={{ base: 2, sm: 4, lg: 8 }} spacing="sm">
        <StatCard
          label={t("dashboards.backlog")}
          value={String(backlog.data?.total ?? "—")}
          hint={backlog.data?.meanAgeMs ? t("dashboards.meanAge", { age: formatDuration(backlog.data.meanAgeMs) }) : undefined}
          onClick={() => drill("backlog")}
        />
        <StatCard
          label={`${t("dashboards.firstResponse")} · ${t("dashboards.median")}`}
          value={formatDuration(fr?.medianMs)}
          hint={`${t("dashboards.mean")} ${formatDuration(fr?.meanMs)}`}
          onClick={() => drill("times", { series: "response" })}
        />
        <StatCard
          label={`${t("dashboards.resolution")} · ${t("dashboards.median")}`}
          value={formatDuration(r?.medianMs)}
          hint={`${t("dashboards.mean")} ${formatDuration(r?.meanMs)}`}
          onClick={() => drill("times", { series: "resolution" })}
        />
        <StatCard
          label={`${t("dashboards.sla")} · ${t("dashboards.slaResolution")}`}
          value={formatRate(sla.data?.resolutionCompliance)}
          hint={`${t("dashboards.slaResponse")} ${formatRate(sla.data?.responseCompliance)}`}
          onClick={() => drill("sla", { series: "resolution", key: "breached" })}
        />
        <StatCard
          label={t("dashboards.reopenRate")}
          value={formatRate(quality.data?.reopenRate)}
          hint={t("dashboards.items", { count: quality.data?.reopenRate?.numerator ?? 0 })}
          onClick={() => drill("quality", { series: "reopened" })}
        />
        <StatCard
          label={t("dashboards.fcr")}
          value={formatRate(quality.data?.fcrRate)}
          hint={t("dashboards.items", { count: quality.data?.fcrRate?.numerator ?? 0 })}
          onClick={() => drill("quality", { series: "fcr" })}
        />
        <StatCard
          label={t("dashboards.changeSuccess")}
          value={formatRate(changes.data?.successRate)}
          hint={t("dashboards.items", { count: changes.data?.successRate?.denominator ?? 0 })}
          onClick={() => drill("changes")}
        />
        <StatCard
          label={t("dashboards.csatAverage")}
          value={csat.data?.csat?.average?.toFixed(2) ?? "—"}
          hint={
            csat.data?.csat?.satisfiedPercent !== null && csat.data?.csat
              ? t("dashboards.csatSatisfied", { percent: `${csat.data.csat.satisfiedPercent}%` })
              : undefined
          }
          onClick={() => drill("csat")}
        />
      </SimpleGrid>

      <ChartCard
        title={t("dashboards.volume")}
        table={
          <Table fz="sm" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t(`dashboards.buckets.${s.bucket}`)}</Table.Th>
                <Table.Th ta="right">{t("dashboards.incoming")}</Table.Th>
                <Table.Th ta="right">{t("dashboards.resolved")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {series.map((p) => (
                <Table.Tr key={p.bucket}>
                  <Table.Td>{p.bucket}</Table.Td>
                  <Table.Td ta="right">{p.incoming}</Table.Td>
                  <Table.Td ta="right">{p.resolved}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        }
      >
        <BarChart
          h={260}
          data={series}
          dataKey="label"
          withLegend
          legendProps={{ verticalAlign: "top", height: 36 }}
          series={[
            { name: "incoming", label: t("dashboards.incoming"), color: "indigo.6" },
            { name: "resolved", label: t("dashboards.resolved"), color: "teal.6" },
          ]}
          barProps={(sr) => ({
            cursor: "pointer",
            onClick: ((d: { payload?: { bucket?: string } }) => d.payload?.bucket && drill("volume", { series: sr.name, key: d.payload.bucket })) as never,
          })}
        />
        <Text size="xs" c="dimmed">
          {t("dashboards.timeZone", { tz: volume.data?.tz ?? "" })}
        </Text>
      </ChartCard>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <ChartCard
          title={t("dashboards.backlogAge")}
          table={<SliceTable slices={named(backlog.data?.slices, "age")} onDrill={(key) => drill("backlog", { key })} />}
        >
          <BarChart
            h={220}
            data={named(backlog.data?.slices, "age").map((x) => ({ name: x.name, value: x.value, key: x.key }))}
            dataKey="name"
            series={[{ name: "value", label: t("dashboards.backlog"), color: "orange.6" }]}
            withBarValueLabel
            barProps={{ cursor: "pointer", onClick: ((d: { payload?: { key?: string } }) => drill("backlog", { key: d.payload?.key })) as never }}
          />
        </ChartCard>
        <ChartCard title={`${t("dashboards.firstResponse")} · ${t("dashboards.resolution")}`}>
          <Table fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                <Table.Th ta="right">{`${t("dashboards.calendar")} · ${t("dashboards.mean")}`}</Table.Th>
                <Table.Th ta="right">{`${t("dashboards.calendar")} · ${t("dashboards.median")}`}</Table.Th>
                <Table.Th ta="right">{`${t("dashboards.business")} · ${t("dashboards.mean")}`}</Table.Th>
                <Table.Th ta="right">{`${t("dashboards.business")} · ${t("dashboards.median")}`}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {[
                [t("dashboards.firstResponse"), fr],
                [t("dashboards.resolution"), r],
              ].map(([label, d]) => {
                const x = d as typeof fr;
                return (
                  <Table.Tr key={label as string}>
                    <Table.Th scope="row">
                      {label as string}
                      <Text size="xs" c="dimmed" fw={400}>
                        {t("dashboards.items", { count: x?.count ?? 0 })}
                      </Text>
                    </Table.Th>
                    <Table.Td ta="right">{formatDuration(x?.meanMs)}</Table.Td>
                    <Table.Td ta="right">{formatDuration(x?.medianMs)}</Table.Td>
                    <Table.Td ta="right">{formatDuration(x?.businessMeanMs)}</Table.Td>
                    <Table.Td ta="right">{formatDuration(x?.businessMedianMs)}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Text size="xs" c="dimmed">
            {t("dashboards.businessNote")}
          </Text>
        </ChartCard>
        <ChartCard
          title={t("dashboards.volumeBy")}
          action={
            <Select
              aria-label={t("dashboards.volumeBy")}
              size="xs"
              w={140}
              value={s.by}
              onChange={(v) => v && set({ by: v })}
              data={VOLUME_DIMS.map((d) => ({ value: d, label: t(`dashboards.dims.${d}`) }))}
              allowDeselect={false}
            />
          }
          table={<SliceTable slices={named(breakdown.data?.slices, s.by)} onDrill={(key) => drill("breakdown", { by: s.by, key })} />}
        >
          <SliceBars
            slices={named(breakdown.data?.slices, s.by).slice(0, 10)}
            seriesLabel={t("dashboards.incoming")}
            onDrill={(key) => drill("breakdown", { by: s.by, key })}
          />
        </ChartCard>
        <ChartCard
          title={t("dashboards.workload")}
          table={
            <>
              <SliceTable slices={named(workload.data?.slices)} onDrill={(key) => drill("workload", { series: "assignee", key })} />
              <Text size="sm" fw={500} mt="sm">
                {t("dashboards.workloadGroups")}
              </Text>
              <SliceTable slices={named(workload.data?.groups)} onDrill={(key) => drill("workload", { series: "group", key })} />
            </>
          }
        >
          <SliceBars
            slices={named(workload.data?.slices).slice(0, 10)}
            seriesLabel={t("dashboards.backlog")}
            color="grape.6"
            onDrill={(key) => drill("workload", { series: "assignee", key })}
          />
        </ChartCard>
        <ChartCard title={t("dashboards.topCis")} table={<SliceTable slices={named(cis.data?.slices)} onDrill={(key) => drill("top-cis", { key })} />}>
          <SliceBars slices={named(cis.data?.slices)} seriesLabel={t("dashboards.incoming")} color="red.6" onDrill={(key) => drill("top-cis", { key })} />
        </ChartCard>
        <ChartCard
          title={t("dashboards.changeSuccess")}
          table={<SliceTable slices={named(changes.data?.slices, "outcome")} onDrill={(key) => drill("changes", { key })} />}
        >
          <SliceBars
            slices={named(changes.data?.slices, "outcome")}
            seriesLabel={t("dashboards.count")}
            color="cyan.6"
            onDrill={(key) => drill("changes", { key })}
          />
        </ChartCard>
        <CsatCard s={s} set={set} drill={drill} data={csat.data} named={named} />
        <ChartCard title={t("dashboards.help.title")}>
          <List size="sm" spacing={4}>
            {(["firstResponse", "resolution", "reopen", "fcr", "sla", "csat"] as const).map((k) => (
              <List.Item key={k}>{t(`dashboards.help.${k}`)}</List.Item>
            ))}
          </List>
        </ChartCard>
      </SimpleGrid>
    </Stack>
  );
}

function CsatCard({
  s,
  set,
  drill,
  data,
  named,
}: {
  s: DashboardSearch;
  set: (p: Partial<DashboardSearch>) => void;
  drill: (w: string, extra?: Record<string, string | undefined>) => void;
  data: ReturnType<typeof useWidget>["data"];
  named: (slices: TSlice[] | undefined, dim?: string) => Array<TSlice & { name: string }>;
}) {
  const { t } = useTranslation();
  const { state } = useAuth();
  const isAdmin = state.status === "signedIn" && state.user.role === "admin";
  const settings = useCsatSettings(isAdmin);
  const save = useSaveCsatSettings();
  const c = data?.csat;
  return (
    <ChartCard
      title={t("dashboards.csat")}
      action={
        <Select
          aria-label={t("dashboards.csatBy")}
          size="xs"
          w={130}
          value={s.csatBy}
          onChange={(v) => v && set({ csatBy: v })}
          data={(["assignee", "group", "service"] as const).map((d) => ({ value: d, label: t(`dashboards.dims.${d}`) }))}
          allowDeselect={false}
        />
      }
      table={<SliceTable slices={named(data?.slices)} valueLabel={t("dashboards.csatAverage")} />}
    >
      <Text size="sm" c="dimmed">
        {t("dashboards.csatResponses", { responses: c?.responses ?? 0, sent: c?.sent ?? 0 })}
      </Text>
      <BarChart
        h={160}
        data={(c?.distribution ?? [0, 0, 0, 0, 0]).map((n, i) => ({ score: `${i + 1} · ${t(`survey.scores.${i + 1}` as never)}`, n, key: String(i + 1) }))}
        dataKey="score"
        series={[{ name: "n", label: t("dashboards.count"), color: "yellow.6" }]}
        withBarValueLabel
        barProps={{ cursor: "pointer", onClick: ((d: { payload?: { key?: string } }) => drill("csat", { key: d.payload?.key })) as never }}
      />
      <SliceBars slices={named(data?.slices).slice(0, 8)} seriesLabel={t("dashboards.csatAverage")} color="yellow.7" max={5} />
      {isAdmin && settings.data && (
        <Switch
          checked={settings.data.enabled}
          label={t("dashboards.csatSettings")}
          onChange={(e) =>
            save.mutate(e.currentTarget.checked, { onSuccess: () => notifications.show({ message: t("dashboards.csatSaved"), color: "green" }) })
          }
        />
      )}
    </ChartCard>
  );
}
