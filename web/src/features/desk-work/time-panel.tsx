import { ActionIcon, Alert, Button, Checkbox, Group, NumberInput, Paper, Progress, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlayerPlay, IconPlayerStop, IconTrash } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { TIME_ACTIVITIES } from "../../../../contracts/time-tracking";
import { RelativeTime } from "../../app/time";
import { errorText } from "../incidents/components/form-errors";
import { type TThresholdWarning, useTimeAction, useTimeSheet } from "./desk-work.api";

const fmtMinutes = (m: number) => (m >= 60 ? `${Math.floor(m / 60)} h ${m % 60 ? `${m % 60} min` : ""}`.trim() : `${m} min`);

/** Time on a work item: the contract budget, log time by hand or with a timer, the entries. */
export function TimePanel({ itemRef }: { itemRef: string }) {
  const { t } = useTranslation();
  const sheet = useTimeSheet(itemRef);
  const act = useTimeAction(itemRef);
  const [minutes, setMinutes] = useState<number | string>("");
  const [activity, setActivity] = useState<string>("investigation");
  const [billable, setBillable] = useState(true);
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);

  const warn = (ws: TThresholdWarning[]) => {
    for (const w of ws) notifications.show({ color: "orange", autoClose: false, message: t("deskWork.timeTracking.warning", w) });
  };
  async function run(a: Parameters<typeof act.mutateAsync>[0], done?: string) {
    setError(null);
    try {
      const r = await act.mutateAsync(a);
      warn(r.warnings ?? []);
      if (done) notifications.show({ color: "green", message: done });
      return true;
    } catch (err) {
      setError(errorText(err, t));
      return false;
    }
  }
  async function log(e: FormEvent) {
    e.preventDefault();
    const m = Number(minutes);
    if (!minutes || !Number.isFinite(m)) return setError(t("errors.required"));
    if (await run({ kind: "log", minutes: m, activity, billable, note: note.trim() }, t("deskWork.timeTracking.logged", { minutes: m }))) {
      setMinutes("");
      setNote("");
    }
  }

  const s = sheet.data;
  const c = s?.contract;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="time-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="time-heading">
          {t("deskWork.timeTracking.title")}
        </Title>
        {s && (
          <Text size="sm" c="dimmed">
            {t("deskWork.timeTracking.total", { total: fmtMinutes(s.totalMinutes), billable: fmtMinutes(s.billableMinutes) })}
          </Text>
        )}
        {c && (
          <Stack gap={4} data-testid="contract-budget">
            <Text size="sm">{t("deskWork.timeTracking.budget", { name: c.name, used: c.billableHours, included: c.includedHours })}</Text>
            <Progress
              value={Math.min(100, c.percentUsed)}
              color={c.percentUsed >= 100 ? "red" : c.percentUsed >= 80 ? "orange" : "teal"}
              aria-label={`${c.percentUsed} %`}
            />
            <Text size="xs" c={c.remainingHours < 0 ? "red.8" : "dimmed"} fw={c.remainingHours < 0 ? 600 : undefined}>
              {c.remainingHours < 0
                ? t("deskWork.timeTracking.overdrawn", { hours: -c.remainingHours })
                : t("deskWork.timeTracking.remaining", { hours: c.remainingHours })}
            </Text>
          </Stack>
        )}
        {s?.timer ? (
          <Group gap="xs">
            <Text size="sm" fw={600} c="teal.9">
              {t("deskWork.timeTracking.running", { time: new Date(s.timer.startedAt).toLocaleTimeString() })}
            </Text>
            <Button
              size="xs"
              color="teal"
              leftSection={<IconPlayerStop size={14} aria-hidden />}
              loading={act.isPending}
              onClick={() => void run({ kind: "stop", activity, billable, note: note.trim() })}
            >
              {t("deskWork.timeTracking.stop")}
            </Button>
            <Button size="xs" variant="subtle" color="gray" onClick={() => void run({ kind: "discard" })}>
              {t("deskWork.timeTracking.discard")}
            </Button>
          </Group>
        ) : (
          <Button
            size="xs"
            variant="default"
            leftSection={<IconPlayerPlay size={14} aria-hidden />}
            style={{ alignSelf: "flex-start" }}
            onClick={() => void run({ kind: "start" })}
          >
            {t("deskWork.timeTracking.start")}
          </Button>
        )}
        <form onSubmit={log} noValidate>
          <Stack gap="xs">
            <Group gap="xs" grow>
              <NumberInput label={t("deskWork.timeTracking.minutes")} min={1} max={1440} value={minutes} onChange={setMinutes} allowDecimal={false} size="xs" />
              <Select
                label={t("deskWork.timeTracking.activity")}
                data={TIME_ACTIVITIES.map((a) => ({ value: a, label: t(`deskWork.timeTracking.activities.${a}`) }))}
                value={activity}
                onChange={(v) => v && setActivity(v)}
                allowDeselect={false}
                size="xs"
              />
            </Group>
            <TextInput label={t("deskWork.timeTracking.note")} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={2000} size="xs" />
            <Group justify="space-between">
              <Checkbox label={t("deskWork.timeTracking.billable")} checked={billable} onChange={(e) => setBillable(e.currentTarget.checked)} size="xs" />
              <Button type="submit" size="xs" loading={act.isPending && act.variables?.kind === "log"}>
                {t("deskWork.timeTracking.log")}
              </Button>
            </Group>
          </Stack>
        </form>
        {error && (
          <Alert color="red" role="alert" py={6}>
            {error}
          </Alert>
        )}
        {s && s.items.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("deskWork.timeTracking.empty")}
          </Text>
        )}
        {s?.items
          .slice()
          .reverse()
          .slice(0, 8)
          .map((e) => (
            <Group key={e.id} justify="space-between" gap={4} wrap="nowrap">
              <Text size="sm">
                <strong>{fmtMinutes(e.minutes)}</strong> · {t(`deskWork.timeTracking.activities.${e.activity}`)}
                {e.billable ? ` · ${t("deskWork.timeTracking.billable")}` : ""} · {e.user.name} · <RelativeTime iso={e.createdAt} />
                {e.note ? ` — ${e.note}` : ""}
              </Text>
              <ActionIcon
                variant="subtle"
                color="gray"
                size="sm"
                aria-label={t("deskWork.timeTracking.deleteEntry")}
                onClick={() => void run({ kind: "delete", entryId: e.id })}
              >
                <IconTrash size={14} aria-hidden />
              </ActionIcon>
            </Group>
          ))}
      </Stack>
    </Paper>
  );
}
