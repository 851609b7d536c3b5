import { BarChart } from "@mantine/charts";
import { Card, Group, Stack, Table, Text, Title, UnstyledButton } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { TRate, TSlice } from "../../../../contracts/reporting";

/** "3 h 20 min", "2.4 d", "45 min" — durations as people say them. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  const min = ms / 60_000;
  if (min < 1) return `${Math.round(ms / 1000)} s`;
  if (min < 60) return `${Math.round(min)} min`;
  const h = min / 60;
  if (h < 24) return `${Math.floor(h)} h ${Math.round(min % 60)} min`;
  return `${(h / 24).toFixed(1)} d`;
}

export function formatRate(r: TRate | undefined): string {
  return r?.percent === null || r?.percent === undefined ? "—" : `${r.percent}%`;
}

/** A dashboard card: heading, optional action on the right, the chart, and the figures as a table on demand. */
export function ChartCard({ title, action, children, table }: { title: string; action?: ReactNode; children: ReactNode; table?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" padding="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} fz="md">
            {title}
          </Title>
          {action}
        </Group>
        {children}
        {table && (
          <details>
            <summary style={{ cursor: "pointer", fontSize: "var(--mantine-font-size-sm)", color: "var(--mantine-color-dimmed)" }}>
              {t("dashboards.showData")}
            </summary>
            {table}
          </details>
        )}
      </Stack>
    </Card>
  );
}

/** One headline figure; clicking it lists the tickets behind it. */
export function StatCard({ label, value, hint, onClick }: { label: string; value: string; hint?: string; onClick?: () => void }) {
  const body = (
    <Card withBorder radius="md" padding="sm" h="100%">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={24} fw={700} lh={1.3}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  );
  return onClick ? (
    <UnstyledButton onClick={onClick} aria-label={`${label}: ${value}`} style={{ display: "block", height: "100%" }}>
      {body}
    </UnstyledButton>
  ) : (
    body
  );
}

/** Slices as a table whose labels drill down (the keyboard path to the same tickets as the chart). */
export function SliceTable({
  slices,
  onDrill,
  valueLabel,
}: {
  slices: Array<TSlice & { name: string }>;
  onDrill?: (key: string) => void;
  valueLabel?: string;
}) {
  const { t } = useTranslation();
  return (
    <Table fz="sm" verticalSpacing={4} mt="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("dashboards.label")}</Table.Th>
          <Table.Th ta="right">{valueLabel ?? t("dashboards.value")}</Table.Th>
          <Table.Th ta="right">{t("dashboards.count")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {slices.map((s) => (
          <Table.Tr key={s.key}>
            <Table.Td>
              {onDrill ? (
                <UnstyledButton onClick={() => onDrill(s.key)} td="underline" fz="sm">
                  {s.name}
                </UnstyledButton>
              ) : (
                s.name
              )}
            </Table.Td>
            <Table.Td ta="right">{s.value}</Table.Td>
            <Table.Td ta="right">{s.count}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Horizontal bars of slices, clickable. */
export function SliceBars({
  slices,
  onDrill,
  color = "indigo.6",
  seriesLabel,
  unit,
  max,
}: {
  slices: Array<TSlice & { name: string }>;
  onDrill?: (key: string) => void;
  color?: string;
  seriesLabel: string;
  unit?: string;
  /** Fixed end of the value axis (e.g. 5 for scores). */
  max?: number;
}) {
  const { t } = useTranslation();
  if (!slices.length)
    return (
      <Text c="dimmed" size="sm">
        {t("dashboards.nothing")}
      </Text>
    );
  return (
    <BarChart
      h={Math.max(120, slices.length * 34 + 30)}
      data={slices.map((s) => ({ name: s.name, value: s.value, key: s.key }))}
      dataKey="name"
      orientation="vertical"
      yAxisProps={{ width: 150 }}
      xAxisProps={max ? { domain: [0, max] } : undefined}
      series={[{ name: "value", label: seriesLabel, color }]}
      unit={unit}
      withBarValueLabel
      gridAxis="none"
      barProps={{
        cursor: onDrill ? "pointer" : undefined,
        onClick: onDrill ? (((d: { payload?: { key?: string } }) => d.payload?.key && onDrill(d.payload.key)) as never) : undefined,
      }}
    />
  );
}
