import { Alert, Box, Button, Group, Loader, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { addDays, addMonths, addWeeks, endOfMonth, endOfWeek, format, isSameMonth, isToday, startOfMonth, startOfWeek } from "date-fns";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TFreezeWindow } from "../../../../contracts/changes";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { errorText } from "../incidents/components/form-errors";
import { CalendarAdmin } from "./calendar-admin";
import { type TCalendarChange, useChangeCalendar } from "./changes.api";

type View = "month" | "week";
const WEEK = { weekStartsOn: 1 } as const;

/** The change calendar: month and week views of planned changes, with freeze windows shaded. */
export function ChangeCalendarPage() {
  const { t } = useTranslation();
  const [view, setView] = useState<View>("month");
  const [anchor, setAnchor] = useState(() => new Date());
  const days = useMemo(() => {
    const first = view === "month" ? startOfWeek(startOfMonth(anchor), WEEK) : startOfWeek(anchor, WEEK);
    const last = view === "month" ? endOfWeek(endOfMonth(anchor), WEEK) : endOfWeek(anchor, WEEK);
    const out: Date[] = [];
    for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
    return out;
  }, [anchor, view]);
  const from = days[0].toISOString();
  const to = addDays(days[days.length - 1], 1).toISOString();
  const cal = useChangeCalendar(from, to);
  const step = (n: number) => setAnchor((a) => (view === "month" ? addMonths(a, n) : addWeeks(a, n)));
  const title = view === "month" ? format(anchor, "MMMM yyyy") : `${format(days[0], "d MMM")} – ${format(days[6], "d MMM yyyy")}`;

  return (
    <Stack gap="md">
      <PageHeading>{t("changes.calendarTitle")}</PageHeading>
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <Button variant="default" size="xs" onClick={() => step(-1)}>
            {t("changes.calendar.previous")}
          </Button>
          <Button variant="default" size="xs" onClick={() => setAnchor(new Date())}>
            {t("changes.calendar.today")}
          </Button>
          <Button variant="default" size="xs" onClick={() => step(1)}>
            {t("changes.calendar.next")}
          </Button>
          <Title order={2} fz="h4" aria-live="polite">
            {title}
          </Title>
        </Group>
        <SegmentedControl
          value={view}
          onChange={(v) => setView(v as View)}
          data={[
            { value: "month", label: t("changes.calendar.month") },
            { value: "week", label: t("changes.calendar.week") },
          ]}
        />
      </Group>
      {cal.isError && <Alert color="red">{errorText(cal.error, t)}</Alert>}
      {cal.isPending ? (
        <Loader aria-label={t("app.loading")} />
      ) : (
        <Box style={{ overflowX: "auto" }}>
          <SimpleGrid cols={7} spacing={4} miw={view === "month" ? 700 : 840} role="grid" aria-label={title}>
            {days.slice(0, 7).map((d) => (
              <Text key={`h-${d.toISOString()}`} size="xs" fw={700} ta="center" role="columnheader">
                {format(d, "EEE")}
              </Text>
            ))}
            {days.map((d) => (
              <DayCell
                key={d.toISOString()}
                day={d}
                view={view}
                dim={view === "month" && !isSameMonth(d, anchor)}
                changes={cal.data?.changes ?? []}
                freezes={cal.data?.freezeWindows ?? []}
              />
            ))}
          </SimpleGrid>
        </Box>
      )}
      <CalendarAdmin freezes={cal.data?.freezeWindows ?? []} />
    </Stack>
  );
}

const overlapsDay = (start: string | null, end: string | null, day: Date) => Boolean(start && end && new Date(start) < addDays(day, 1) && new Date(end) > day);

function DayCell({ day, view, dim, changes, freezes }: { day: Date; view: View; dim: boolean; changes: TCalendarChange[]; freezes: TFreezeWindow[] }) {
  const { t } = useTranslation();
  const mine = changes.filter((c) => overlapsDay(c.plannedStart, c.plannedEnd, day));
  const frozen = freezes.filter((f) => overlapsDay(f.startsAt, f.endsAt, day));
  const max = view === "month" ? 3 : 50;
  return (
    <Paper
      withBorder
      radius="sm"
      p={4}
      mih={view === "month" ? 96 : 220}
      role="gridcell"
      style={{
        background: frozen.length ? "repeating-linear-gradient(45deg, #fff4e6, #fff4e6 6px, #ffe8cc 6px, #ffe8cc 12px)" : undefined,
      }}
    >
      <Stack gap={2}>
        <Text size="xs" fw={isToday(day) ? 800 : 500} c={isToday(day) ? "blue.8" : dim ? "dimmed" : undefined}>
          {format(day, view === "month" ? "d" : "d MMM")}
        </Text>
        {frozen.map((f) => (
          <Text key={f.id} size="xs" c="orange.9" fw={600} truncate title={f.reason || f.name}>
            {t("changes.calendar.freeze", { name: f.name })}
          </Text>
        ))}
        {mine.slice(0, max).map((c) => (
          <AnchorLink
            key={c.id}
            to="/changes/$changeId"
            params={{ changeId: c.number }}
            size="xs"
            title={`${c.number} ${c.title}`}
            style={{
              display: "block",
              overflow: "hidden",
              textOverflow: "ellipsis",
              whiteSpace: "nowrap",
              borderLeft: `3px solid ${c.conflicted ? "#c92a2a" : c.type === "emergency" ? "#e8590c" : "#1c7ed6"}`,
              paddingLeft: 4,
            }}
          >
            {view === "week" && c.plannedStart ? `${format(new Date(c.plannedStart), "HH:mm")} ` : ""}
            {c.number} {c.title}
            {c.conflicted && <VisuallyHidden> ({t("changes.calendar.conflicted")})</VisuallyHidden>}
          </AnchorLink>
        ))}
        {mine.length > max && (
          <Text size="xs" c="dimmed">
            {t("changes.calendar.more", { count: mine.length - max })}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
