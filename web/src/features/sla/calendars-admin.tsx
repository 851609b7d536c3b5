import { ActionIcon, Badge, Button, Checkbox, Group, Paper, Select, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TCalendar, TCalendarInput } from "../../../../contracts/sla";
import { AppModal } from "../../app/app-modal";
import { ErrorSummary } from "./form-bits";
import { useCalendars, useDeleteCalendar, useSaveCalendar } from "./sla.api";

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const ZONES: string[] = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone") ?? ["UTC", "Europe/Berlin"];

const emptyCalendar = (): TCalendarInput => ({
  name: "",
  description: "",
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
  hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:00" })),
  holidays: [],
  exceptions: [],
});

/** Edits one calendar: zone, intervals per weekday, holidays and exceptions. */
function CalendarEditor({ initial, onClose }: { initial: TCalendar | null; onClose(): void }) {
  const { t } = useTranslation();
  const save = useSaveCalendar();
  const [c, setC] = useState<TCalendarInput>(() =>
    initial
      ? {
          name: initial.name,
          description: initial.description,
          timeZone: initial.timeZone,
          hours: initial.hours,
          holidays: initial.holidays,
          exceptions: initial.exceptions,
        }
      : emptyCalendar(),
  );
  const set = <K extends keyof TCalendarInput>(k: K, v: TCalendarInput[K]) => setC((p) => ({ ...p, [k]: v }));
  const dayName = (d: number) => t(`sla.calendar.weekdays.d${d}` as "sla.calendar.weekdays.d1");

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate(
      { id: initial?.id, version: initial?.version, body: c },
      {
        onSuccess: () => {
          notifications.show({ color: "green", message: t("sla.saved") });
          onClose();
        },
      },
    );
  }

  return (
    <form onSubmit={submit}>
      <Stack>
        <ErrorSummary error={save.error} />
        <Group grow align="flex-start">
          <TextInput
            label={t("sla.calendar.name")}
            required
            value={c.name}
            onChange={(e) => set("name", e.currentTarget.value)}
            maxLength={100}
            data-autofocus
          />
          <Select
            label={t("sla.calendar.timeZone")}
            searchable
            data={ZONES}
            value={c.timeZone}
            onChange={(v) => set("timeZone", v ?? "UTC")}
            allowDeselect={false}
          />
        </Group>
        <Textarea
          label={t("sla.calendar.description")}
          value={c.description}
          onChange={(e) => set("description", e.currentTarget.value)}
          autosize
          minRows={1}
        />

        <Title order={3} fz="h5">
          {t("sla.calendar.hours")}
        </Title>
        {c.hours.map((h, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: edited rows have no identity; their inputs are controlled
          <Group key={`h${i}`} gap="xs" align="flex-end" wrap="nowrap">
            <Select
              label={t("sla.calendar.day")}
              data={DAYS.map((d) => ({ value: String(d), label: dayName(d) }))}
              value={String(h.day)}
              onChange={(v) =>
                set(
                  "hours",
                  c.hours.map((x, k) => (k === i ? { ...x, day: Number(v) } : x)),
                )
              }
              allowDeselect={false}
              w={140}
            />
            <TextInput
              label={t("sla.calendar.start")}
              type="time"
              value={h.start}
              onChange={(e) =>
                set(
                  "hours",
                  c.hours.map((x, k) => (k === i ? { ...x, start: e.currentTarget.value } : x)),
                )
              }
              w={110}
            />
            <TextInput
              label={t("sla.calendar.end")}
              value={h.end}
              placeholder="HH:MM"
              onChange={(e) =>
                set(
                  "hours",
                  c.hours.map((x, k) => (k === i ? { ...x, end: e.currentTarget.value } : x)),
                )
              }
              w={90}
            />
            <ActionIcon
              variant="subtle"
              color="red.8"
              size="lg"
              aria-label={t("sla.calendar.removeInterval", { day: dayName(h.day), start: h.start, end: h.end })}
              onClick={() =>
                set(
                  "hours",
                  c.hours.filter((_, k) => k !== i),
                )
              }
            >
              <IconTrash size={16} aria-hidden />
            </ActionIcon>
          </Group>
        ))}
        <Button
          variant="light"
          leftSection={<IconPlus size={14} aria-hidden />}
          onClick={() => set("hours", [...c.hours, { day: 1, start: "09:00", end: "17:00" }])}
          w="fit-content"
        >
          {t("sla.calendar.addInterval")}
        </Button>

        <Title order={3} fz="h5">
          {t("sla.calendar.holidays")}
        </Title>
        {c.holidays.map((h, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: edited rows have no identity; their inputs are controlled
          <Group key={`d${i}`} gap="xs" align="flex-end" wrap="nowrap">
            <TextInput
              label={t("sla.calendar.date")}
              type="date"
              value={h.date}
              onChange={(e) =>
                set(
                  "holidays",
                  c.holidays.map((x, k) => (k === i ? { ...x, date: e.currentTarget.value } : x)),
                )
              }
              w={160}
            />
            <TextInput
              label={t("sla.calendar.name")}
              value={h.name}
              onChange={(e) =>
                set(
                  "holidays",
                  c.holidays.map((x, k) => (k === i ? { ...x, name: e.currentTarget.value } : x)),
                )
              }
              style={{ flex: 1 }}
            />
            <Checkbox
              label={t("sla.calendar.yearly")}
              checked={h.yearly}
              onChange={(e) =>
                set(
                  "holidays",
                  c.holidays.map((x, k) => (k === i ? { ...x, yearly: e.currentTarget.checked } : x)),
                )
              }
              mb={8}
            />
            <ActionIcon
              variant="subtle"
              color="red.8"
              size="lg"
              aria-label={t("sla.calendar.removeHoliday", { date: h.date })}
              onClick={() =>
                set(
                  "holidays",
                  c.holidays.filter((_, k) => k !== i),
                )
              }
            >
              <IconTrash size={16} aria-hidden />
            </ActionIcon>
          </Group>
        ))}
        <Button
          variant="light"
          leftSection={<IconPlus size={14} aria-hidden />}
          onClick={() => set("holidays", [...c.holidays, { date: "", yearly: false, name: "" }])}
          w="fit-content"
        >
          {t("sla.calendar.addHoliday")}
        </Button>

        <Title order={3} fz="h5">
          {t("sla.calendar.exceptions")}
        </Title>
        {c.exceptions.map((x, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: edited rows have no identity; their inputs are controlled
          <Group key={`x${i}`} gap="xs" align="flex-end" wrap="wrap">
            <TextInput
              label={t("sla.calendar.start")}
              type="datetime-local"
              value={x.start}
              onChange={(e) =>
                set(
                  "exceptions",
                  c.exceptions.map((y, k) => (k === i ? { ...y, start: e.currentTarget.value } : y)),
                )
              }
            />
            <TextInput
              label={t("sla.calendar.end")}
              type="datetime-local"
              value={x.end}
              onChange={(e) =>
                set(
                  "exceptions",
                  c.exceptions.map((y, k) => (k === i ? { ...y, end: e.currentTarget.value } : y)),
                )
              }
            />
            <Select
              label={t("sla.calendar.exceptionKind")}
              data={[
                { value: "closed", label: t("sla.calendar.closed") },
                { value: "working", label: t("sla.calendar.working") },
              ]}
              value={x.working ? "working" : "closed"}
              onChange={(v) =>
                set(
                  "exceptions",
                  c.exceptions.map((y, k) => (k === i ? { ...y, working: v === "working" } : y)),
                )
              }
              allowDeselect={false}
              w={170}
            />
            <TextInput
              label={t("sla.calendar.name")}
              value={x.name}
              onChange={(e) =>
                set(
                  "exceptions",
                  c.exceptions.map((y, k) => (k === i ? { ...y, name: e.currentTarget.value } : y)),
                )
              }
            />
            <ActionIcon
              variant="subtle"
              color="red.8"
              size="lg"
              aria-label={t("sla.calendar.removeException", { start: x.start })}
              onClick={() =>
                set(
                  "exceptions",
                  c.exceptions.filter((_, k) => k !== i),
                )
              }
            >
              <IconTrash size={16} aria-hidden />
            </ActionIcon>
          </Group>
        ))}
        <Button
          variant="light"
          leftSection={<IconPlus size={14} aria-hidden />}
          onClick={() => set("exceptions", [...c.exceptions, { start: "", end: "", working: false, name: "" }])}
          w="fit-content"
        >
          {t("sla.calendar.addException")}
        </Button>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("sla.cancel")}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t("sla.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function hoursSummary(c: TCalendar, dayName: (d: number) => string): string {
  const byDay = new Map<number, string[]>();
  for (const h of [...c.hours].sort((a, b) => a.day - b.day || a.start.localeCompare(b.start)))
    byDay.set(h.day, [...(byDay.get(h.day) ?? []), `${h.start}–${h.end}`]);
  return [...byDay.entries()].map(([d, spans]) => `${dayName(d).slice(0, 3)} ${spans.join(", ")}`).join(" · ");
}

/** The calendars list with create, edit and delete (admins). */
export function CalendarsAdmin() {
  const { t } = useTranslation();
  const q = useCalendars();
  const del = useDeleteCalendar();
  const [editing, setEditing] = useState<TCalendar | "new" | null>(null);
  const dayName = (d: number) => t(`sla.calendar.weekdays.d${d}` as "sla.calendar.weekdays.d1");
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={640}>
          {t("sla.calendar.intro")}
        </Text>
        <Button leftSection={<IconPlus size={14} aria-hidden />} onClick={() => setEditing("new")}>
          {t("sla.calendar.new")}
        </Button>
      </Group>
      <ErrorSummary error={del.error} />
      {q.data?.length === 0 && <Text c="dimmed">{t("sla.calendar.empty")}</Text>}
      <Stack gap="sm">
        {(q.data ?? []).map((c) => (
          <Paper key={c.id} withBorder p="md" radius="md">
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <Stack gap={4} style={{ minWidth: 0 }}>
                <Group gap="xs">
                  <Text fw={600}>{c.name}</Text>
                  <Badge variant="light" color="gray.7" radius="sm" style={{ textTransform: "none" }}>
                    {c.timeZone}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    {t("sla.calendar.usedBy", { count: c.usedBy })}
                  </Text>
                </Group>
                <Text size="sm">{hoursSummary(c, dayName)}</Text>
                {c.holidays.length > 0 && (
                  <Text size="xs" c="dimmed">
                    {t("sla.calendar.holidays")}: {c.holidays.map((h) => `${h.yearly ? h.date.slice(5) : h.date}${h.name ? ` ${h.name}` : ""}`).join(", ")}
                  </Text>
                )}
              </Stack>
              <Group gap="xs" wrap="nowrap">
                <Button variant="default" size="xs" onClick={() => setEditing(c)} aria-label={t("sla.calendar.edit", { name: c.name })}>
                  {t("sla.editButton")}
                </Button>
                <Button
                  variant="subtle"
                  color="red.8"
                  size="xs"
                  disabled={c.usedBy > 0}
                  onClick={() => {
                    if (window.confirm(t("sla.calendar.deleteConfirm", { name: c.name }))) del.mutate(c.id);
                  }}
                >
                  {t("sla.delete")}
                </Button>
              </Group>
            </Group>
          </Paper>
        ))}
      </Stack>
      <AppModal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? t("sla.calendar.new") : editing ? t("sla.calendar.edit", { name: editing.name }) : ""}
        size="xl"
      >
        {editing !== null && (
          <CalendarEditor key={editing === "new" ? "new" : editing.id} initial={editing === "new" ? null : editing} onClose={() => setEditing(null)} />
        )}
      </AppModal>
    </Stack>
  );
}
