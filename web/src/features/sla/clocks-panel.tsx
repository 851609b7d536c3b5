import { Badge, Group, Paper, Progress, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { formatAbsolute } from "../../app/time";
import { type ClockWithHistory, formatDuration, useItemClocks } from "./sla.api";

const STATE_COLOR: Record<string, string> = { running: "blue.8", paused: "gray.7", met: "green.8", breached: "red.8", cancelled: "gray.6" };

function barColor(c: ClockWithHistory): string {
  if (c.breached) return "red.8";
  if (c.state === "paused") return "gray.6";
  if (c.state === "met") return "green.8";
  if (c.percent >= 75) return "orange.7";
  return "teal.7";
}

function ClockRow({ clock: c }: { clock: ClockWithHistory }) {
  const { t, i18n } = useTranslation();
  const live = c.state === "running" || c.state === "paused";
  const label = c.kind === "ola" ? `${c.name} · ${c.group?.name ?? t("sla.clock.anyGroup")}` : c.name;
  return (
    <Stack gap={4} component="li" style={{ listStyle: "none" }}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm" fw={600} style={{ overflowWrap: "anywhere" }}>
          {c.kind === "ola" && (
            <Text span size="xs" c="dimmed" fw={700} mr={4}>
              {t("sla.kind.ola")}
            </Text>
          )}
          {label}
        </Text>
        <Badge color={c.breached && c.state !== "breached" ? "red.8" : STATE_COLOR[c.state]} variant="light" radius="sm" style={{ flexShrink: 0 }}>
          {c.breached && live ? t("sla.clock.overdue") : t(`sla.state.${c.state}`)}
        </Badge>
      </Group>
      {c.state !== "cancelled" && (
        <Progress
          value={Math.min(100, c.percent)}
          color={barColor(c)}
          size="sm"
          aria-label={t("sla.clock.used", { percent: Math.round(c.percent), name: label })}
        />
      )}
      <Text size="xs" c="dimmed">
        {live
          ? c.remainingMs >= 0
            ? t("sla.clock.left", { time: formatDuration(c.remainingMs), target: formatDuration(c.targetMs) })
            : t("sla.clock.over", { time: formatDuration(-c.remainingMs), target: formatDuration(c.targetMs) })
          : t("sla.clock.used_time", { time: formatDuration(c.elapsedMs), target: formatDuration(c.targetMs) })}
      </Text>
      {c.dueAt && (
        <Text size="xs">
          {t("sla.clock.dueAt")} <time dateTime={c.dueAt}>{formatAbsolute(c.dueAt, i18n.language)}</time>
        </Text>
      )}
      {c.state === "paused" && c.pausedAt && (
        <Text size="xs" c="dimmed">
          {t("sla.clock.pausedSince", { at: formatAbsolute(c.pausedAt, i18n.language) })}
        </Text>
      )}
      {c.stoppedAt && c.state !== "cancelled" && (
        <Text size="xs" c="dimmed">
          {t("sla.clock.stoppedAt", { at: formatAbsolute(c.stoppedAt, i18n.language) })}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {c.calendar ? c.calendar.name : t("sla.calendar.allHours")}
        {c.policy ? ` · ${c.policy.name}` : ""}
      </Text>
    </Stack>
  );
}

/** The service-level clocks of a ticket (agents): progress, time left, due time, paused/met/breached. */
export function ClocksPanel({ itemRef }: { itemRef: string }) {
  const { t } = useTranslation();
  const q = useItemClocks(itemRef);
  const items = (q.data ?? []).filter((c) => c.state !== "cancelled");
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="sla-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="sla-heading">
          {t("sla.panelTitle")}
        </Title>
        {q.isError && <Text size="sm">{t("sla.loadFailed")}</Text>}
        {q.isSuccess && items.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("sla.noClocks")}
          </Text>
        )}
        <Stack gap="md" component="ul" p={0} m={0} aria-live="polite">
          {items.map((c) => (
            <ClockRow key={c.id} clock={c} />
          ))}
        </Stack>
      </Stack>
    </Paper>
  );
}
