import "@mantine/charts/styles.css";
import { BarChart, LineChart, PieChart } from "@mantine/charts";
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Grid,
  Group,
  Modal,
  NavLink,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload, IconPlayerPlay, IconPlus } from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  GROUP_BY,
  MEASURES,
  REPORT_TYPES,
  type TReportDefinitionInput,
  type TReportRun,
  type TSavedReport,
  type TSchedule,
} from "../../../../contracts/reporting";
import { useAuth } from "../../app/auth";
import { PageHeading } from "../../app/page";
import { useGroups, useServices } from "../reference/reference.api";
import { chartSvg, download, svgToPng } from "./chart-export";
import { formatDuration } from "./report-bits";
import { exportCsv, useDeleteReport, useRunReport, useSavedReports, useSaveReport } from "./reports.api";

const DEFAULT_DEF: TReportDefinitionInput = {
  type: "incident",
  basis: "created",
  periodDays: 30,
  groupBy: "group",
  measure: "count",
  chart: "bar",
  filters: {},
};
const COLORS = ["indigo.6", "teal.6", "orange.6", "grape.6", "cyan.6", "red.6", "lime.6", "pink.6", "yellow.6", "blue.6"];

export function parseReportsSearch(s: Record<string, unknown>): { id?: string } {
  return typeof s.id === "string" && /^[0-9a-f-]{36}$/.test(s.id) ? { id: s.id } : {};
}

/** Custom reports: pick a type, filters, grouping and measure; run, chart, save, share, export, schedule. */
export function ReportsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id } = parseReportsSearch(useSearch({ strict: false }) as Record<string, unknown>);
  const { state } = useAuth();
  const me = state.status === "signedIn" ? state.user : null;
  const saved = useSavedReports();
  const current = saved.data?.find((r) => r.id === id) ?? null;
  const [def, setDef] = useState<TReportDefinitionInput>(DEFAULT_DEF);
  const run = useRunReport();
  const [saving, setSaving] = useState<null | "new" | "update">(null);
  const del = useDeleteReport();
  const chartRef = useRef<HTMLDivElement>(null);
  const groups = useGroups();
  const services = useServices();

  // Opening a saved report loads its definition and runs it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: run once per opened report
  useEffect(() => {
    if (current) {
      setDef(current.definition);
      run.mutate(current.definition);
    }
  }, [current?.id]);

  const patch = (p: Partial<TReportDefinitionInput>) => setDef((d) => ({ ...d, ...p }));
  const patchFilters = (p: Record<string, unknown>) => setDef((d) => ({ ...d, filters: { ...(d.filters ?? {}), ...p } }));
  const filters = def.filters ?? {};
  const result = run.data;
  const stamp = new Date().toISOString().slice(0, 10);
  const fileBase = `${(current?.name ?? "report").replace(/[^\w.-]+/g, "_")}-${stamp}`;

  const exportSvg = () => {
    const svg = chartSvg(chartRef.current);
    if (svg) download(new Blob([svg], { type: "image/svg+xml" }), `${fileBase}.svg`);
  };
  const exportPng = async () => {
    const svg = chartSvg(chartRef.current);
    if (svg) download(await svgToPng(svg), `${fileBase}.png`);
  };
  const doCsv = async () => {
    try {
      download(await exportCsv(def), `${fileBase}.csv`);
    } catch (e) {
      notifications.show({ color: "red", message: (e as Error).message });
    }
  };

  return (
    <Stack gap="md">
      <Stack gap={2}>
        <PageHeading>{t("reports.title")}</PageHeading>
        <Text c="dimmed" size="sm">
          {t("reports.intro")}
        </Text>
      </Stack>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Card withBorder radius="md" padding="sm">
            <Group justify="space-between" mb="xs">
              <Title order={2} fz="md">
                {t("reports.saved")}
              </Title>
              <Button
                size="xs"
                variant="light"
                leftSection={<IconPlus size={14} aria-hidden />}
                onClick={() => {
                  navigate({ to: "/reports", search: {} });
                  setDef(DEFAULT_DEF);
                  run.reset();
                }}
              >
                {t("reports.newReport")}
              </Button>
            </Group>
            {saved.data?.length === 0 && (
              <Text size="sm" c="dimmed">
                {t("reports.noSaved")}
              </Text>
            )}
            <nav aria-label={t("reports.saved")}>
              {(saved.data ?? []).map((r) => (
                <NavLink
                  key={r.id}
                  active={r.id === id}
                  label={r.name}
                  description={
                    r.owner && r.owner.id !== me?.id ? t("reports.owner", { name: r.owner.name }) : r.shared ? t("reports.shared") : t("reports.mine")
                  }
                  onClick={() => navigate({ to: "/reports", search: { id: r.id } })}
                  aria-current={r.id === id ? "page" : undefined}
                />
              ))}
            </nav>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          <Stack gap="md">
            <Card withBorder radius="md" padding="md">
              <Title order={2} fz="md" mb="sm">
                {current?.name ?? t("reports.builder")}
              </Title>
              {current && !current.canEdit && (
                <Alert color="blue" variant="light" mb="sm">
                  {t("reports.readOnly", { name: current.owner?.name ?? "" })}
                </Alert>
              )}
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
                <Select
                  label={t("reports.type")}
                  data={REPORT_TYPES.map((x) => ({ value: x, label: t(`dashboards.typeNames.${x}`) }))}
                  value={def.type}
                  onChange={(v) => v && patch({ type: v as TReportDefinitionInput["type"] })}
                  allowDeselect={false}
                />
                <Select
                  label={t("reports.basis")}
                  data={(["created", "resolved", "open"] as const).map((x) => ({ value: x, label: t(`reports.bases.${x}`) }))}
                  value={def.basis ?? "created"}
                  onChange={(v) => v && patch({ basis: v as "created" })}
                  allowDeselect={false}
                />
                <NumberInput
                  label={t("reports.periodDays")}
                  min={1}
                  max={730}
                  value={def.periodDays ?? 30}
                  onChange={(v) => patch({ periodDays: Math.max(1, Math.min(730, Number(v) || 30)) })}
                  disabled={def.basis === "open"}
                />
                <Select
                  label={t("reports.groupBy")}
                  data={GROUP_BY.map((x) => ({
                    value: x,
                    label: x === "day" || x === "week" || x === "month" ? t(`reports.time.${x}`) : t(`dashboards.dims.${x}`),
                  }))}
                  value={def.groupBy}
                  onChange={(v) => v && patch({ groupBy: v as TReportDefinitionInput["groupBy"] })}
                  allowDeselect={false}
                />
                <Select
                  label={t("reports.measure")}
                  data={MEASURES.map((x) => ({ value: x, label: t(`reports.measures.${x}`) }))}
                  value={def.measure ?? "count"}
                  onChange={(v) => v && patch({ measure: v as TReportDefinitionInput["measure"] })}
                  allowDeselect={false}
                />
                <Select
                  label={t("dashboards.group")}
                  placeholder={t("dashboards.anyGroup")}
                  data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
                  value={(filters.groupId as string | undefined) ?? null}
                  onChange={(v) => patchFilters({ groupId: v ?? undefined })}
                  clearable
                  searchable
                />
                <Select
                  label={t("dashboards.dims.service")}
                  placeholder={t("dashboards.anyService")}
                  data={(services.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
                  value={(filters.serviceId as string | undefined) ?? null}
                  onChange={(v) => patchFilters({ serviceId: v ?? undefined })}
                  clearable
                  searchable
                />
                <Select
                  label={t("reports.chart")}
                  data={(["bar", "line", "pie", "table"] as const).map((x) => ({ value: x, label: t(`reports.charts.${x}`) }))}
                  value={def.chart ?? "bar"}
                  onChange={(v) => v && patch({ chart: v as "bar" })}
                  allowDeselect={false}
                />
              </SimpleGrid>
              <Group mt="md" gap="sm">
                <Button leftSection={<IconPlayerPlay size={16} aria-hidden />} loading={run.isPending} onClick={() => run.mutate(def)}>
                  {t("reports.run")}
                </Button>
                {current?.canEdit && (
                  <Button variant="light" onClick={() => setSaving("update")}>
                    {t("reports.update")}
                  </Button>
                )}
                <Button variant="light" onClick={() => setSaving("new")}>
                  {current ? t("reports.saveAs") : t("reports.save")}
                </Button>
                {current?.canEdit && (
                  <Button
                    variant="subtle"
                    color="red"
                    onClick={() =>
                      del.mutate(current.id, {
                        onSuccess: () => {
                          notifications.show({ message: t("reports.deleted") });
                          navigate({ to: "/reports", search: {} });
                        },
                      })
                    }
                  >
                    {t("reports.delete")}
                  </Button>
                )}
                {current?.nextRunAt && (
                  <Text size="sm" c="dimmed">
                    {t("reports.nextRun", { time: new Date(current.nextRunAt).toLocaleString() })}
                  </Text>
                )}
              </Group>
              {run.isError && (
                <Alert color="red" mt="sm">
                  {(run.error as Error).message}
                </Alert>
              )}
            </Card>
            {result && (
              <Card withBorder radius="md" padding="md">
                <Group justify="space-between" mb="sm" wrap="wrap">
                  <Title order={2} fz="md">
                    {t("reports.results")}
                  </Title>
                  <Group gap="xs">
                    <Button size="xs" variant="default" leftSection={<IconDownload size={14} aria-hidden />} onClick={doCsv}>
                      {t("reports.exportCsv")}
                    </Button>
                    {def.chart !== "table" && (
                      <>
                        <Button size="xs" variant="default" leftSection={<IconDownload size={14} aria-hidden />} onClick={exportSvg}>
                          {t("reports.exportSvg")}
                        </Button>
                        <Button size="xs" variant="default" leftSection={<IconDownload size={14} aria-hidden />} onClick={exportPng}>
                          {t("reports.exportPng")}
                        </Button>
                      </>
                    )}
                  </Group>
                </Group>
                <ResultView run={result} chart={def.chart ?? "bar"} chartRef={chartRef} />
              </Card>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      {saving && (
        <SaveModal
          mode={saving}
          current={current}
          def={def}
          onClose={() => setSaving(null)}
          onSaved={(r) => navigate({ to: "/reports", search: { id: r.id } })}
        />
      )}
    </Stack>
  );
}

function display(run: TReportRun, v: number | null): string {
  if (v === null) return "—";
  if (run.unit === "ms") return formatDuration(v);
  if (run.unit === "percent") return `${v}%`;
  return String(v);
}

function ResultView({ run, chart, chartRef }: { run: TReportRun; chart: string; chartRef: React.RefObject<HTMLDivElement | null> }) {
  const { t } = useTranslation();
  if (!run.rows.length) return <Text c="dimmed">{t("reports.noRows")}</Text>;
  const label = (l: string, k: string) => (k === "none" ? t("dashboards.none") : l);
  // Durations are charted in hours; the table says them in words.
  const scale = (v: number | null) => (v === null ? 0 : run.unit === "ms" ? Math.round((v / 3_600_000) * 100) / 100 : v);
  const unit = run.unit === "ms" ? ` ${t("reports.hours")}` : run.unit === "percent" ? "%" : undefined;
  const data = run.rows.map((r) => ({ name: label(r.label, r.key), value: scale(r.value) }));
  const seriesLabel = t(`reports.measures.${run.definition.measure}`);
  return (
    <Stack gap="md">
      {chart !== "table" && (
        <div ref={chartRef}>
          {chart === "bar" && (
            <BarChart h={300} data={data} dataKey="name" series={[{ name: "value", label: seriesLabel, color: "indigo.6" }]} unit={unit} withBarValueLabel />
          )}
          {chart === "line" && (
            <LineChart
              h={300}
              data={data}
              dataKey="name"
              series={[{ name: "value", label: seriesLabel, color: "indigo.6" }]}
              unit={unit}
              curveType="monotone"
            />
          )}
          {chart === "pie" && (
            <Group justify="center">
              <PieChart
                size={260}
                withLabelsLine
                labelsPosition="outside"
                labelsType="value"
                withLabels
                withTooltip
                data={data.slice(0, 10).map((d, i) => ({ name: d.name, value: d.value, color: COLORS[i % COLORS.length] }))}
              />
            </Group>
          )}
        </div>
      )}
      <Table.ScrollContainer minWidth={480}>
        <Table fz="sm" verticalSpacing={4} striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("dashboards.label")}</Table.Th>
              <Table.Th ta="right">{seriesLabel}</Table.Th>
              <Table.Th ta="right">{t("dashboards.count")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {run.rows.map((r) => (
              <Table.Tr key={r.key}>
                <Table.Td>{label(r.label, r.key)}</Table.Td>
                <Table.Td ta="right">{display(run, r.value)}</Table.Td>
                <Table.Td ta="right">{r.count}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function SaveModal({
  mode,
  current,
  def,
  onClose,
  onSaved,
}: {
  mode: "new" | "update";
  current: TSavedReport | null;
  def: TReportDefinitionInput;
  onClose: () => void;
  onSaved: (r: TSavedReport) => void;
}) {
  const { t } = useTranslation();
  const save = useSaveReport();
  const base = mode === "update" ? current : null;
  const [name, setName] = useState(base?.name ?? "");
  const [shared, setShared] = useState(base?.shared ?? false);
  const [scheduled, setScheduled] = useState(!!base?.schedule);
  const [schedule, setSchedule] = useState<TSchedule>(base?.schedule ?? { frequency: "weekly", hour: 7, weekday: 1, recipients: [] });
  const [recipients, setRecipients] = useState((base?.schedule?.recipients ?? []).join(", "));
  const submit = () => {
    const list = recipients
      .split(/[,;\s]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    save.mutate(
      {
        id: mode === "update" ? current?.id : undefined,
        input: { name, shared, definition: def as never, schedule: scheduled ? { ...schedule, recipients: list } : null },
      },
      {
        onSuccess: (r) => {
          notifications.show({ message: t("reports.savedOk"), color: "green" });
          onClose();
          onSaved(r);
        },
      },
    );
  };
  const fieldErrors = (save.error as { fieldErrors?: () => Record<string, string> } | null)?.fieldErrors?.() ?? {};
  return (
    <Modal opened onClose={onClose} title={mode === "update" ? t("reports.update") : t("reports.save")} size="lg">
      <Stack gap="sm">
        <TextInput label={t("reports.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} required error={fieldErrors.name} data-autofocus />
        <Checkbox label={t("reports.shareWithOrg")} checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
        <Checkbox label={t("reports.schedule")} checked={scheduled} onChange={(e) => setScheduled(e.currentTarget.checked)} />
        {scheduled && (
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select
              label={t("reports.frequency")}
              data={(["daily", "weekly", "monthly"] as const).map((f) => ({ value: f, label: t(`reports.frequencies.${f}`) }))}
              value={schedule.frequency}
              onChange={(v) => v && setSchedule((s) => ({ ...s, frequency: v as TSchedule["frequency"] }))}
              allowDeselect={false}
            />
            <NumberInput
              label={t("reports.hour")}
              min={0}
              max={23}
              value={schedule.hour}
              onChange={(v) => setSchedule((s) => ({ ...s, hour: Number(v) || 0 }))}
            />
            {schedule.frequency === "weekly" && (
              <Select
                label={t("reports.weekday")}
                data={(["1", "2", "3", "4", "5", "6", "7"] as const).map((d) => ({ value: d, label: t(`reports.weekdays.${d}`) }))}
                value={String(schedule.weekday)}
                onChange={(v) => v && setSchedule((s) => ({ ...s, weekday: Number(v) }))}
                allowDeselect={false}
              />
            )}
          </SimpleGrid>
        )}
        {scheduled && (
          <TextInput label={t("reports.recipients")} value={recipients} onChange={(e) => setRecipients(e.currentTarget.value)} placeholder="lead@example.com" />
        )}
        {save.isError && <Alert color="red">{(save.error as Error).message}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("reports.cancel")}
          </Button>
          <Button onClick={submit} loading={save.isPending} disabled={!name.trim()}>
            {t("reports.save")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
