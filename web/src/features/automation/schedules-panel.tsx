import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  List,
  Loader,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TSchedule } from "../../../../contracts/automation";
import { ApiError } from "../../app/api";
import { AppModal } from "../../app/app-modal";
import { RelativeTime } from "../../app/time";
import { useCategories, useGroups, useServices } from "../reference/reference.api";
import { ErrorSummary } from "../sla/form-bits";
import { useDeleteSchedule, useRecurrencePreview, useSaveSchedule, useSchedules } from "./automation.api";

const LEVELS = ["high", "medium", "low"] as const;
const fmt = (iso: string, tz: string, style: "full" | "medium" = "full") =>
  new Intl.DateTimeFormat(undefined, { dateStyle: style, timeStyle: "short", timeZone: tz }).format(new Date(iso));

function ScheduleEditor({ s, onClose }: { s: TSchedule | null; onClose(): void }) {
  const { t } = useTranslation();
  const save = useSaveSchedule();
  const groups = (useGroups().data ?? []).map((g) => ({ value: g.id, label: g.name }));
  const services = (useServices().data ?? []).map((x) => ({ value: x.id, label: x.name }));
  const categories = (useCategories().data ?? []).map((x) => ({ value: x.id, label: x.name }));
  const [name, setName] = useState(s?.name ?? "");
  const [kind, setKind] = useState<"cron" | "rrule">(s?.rrule ? "rrule" : "cron");
  const [expr, setExpr] = useState(s?.rrule ?? s?.cron ?? "0 8 * * 1");
  const [timezone, setTimezone] = useState(s?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC");
  const [active, setActive] = useState(s?.active ?? true);
  const [tpl, setTpl] = useState(
    s?.template ?? {
      type: "incident" as const,
      title: "",
      description: "",
      impact: "low" as const,
      urgency: "low" as const,
      assignmentGroupId: null,
      categoryId: null,
      serviceId: null,
    },
  );
  const [debounced] = useDebouncedValue(
    { cron: kind === "cron" ? expr.trim() : null, rrule: kind === "rrule" ? expr.trim() : null, timezone: timezone.trim() },
    400,
  );
  const preview = useRecurrencePreview(debounced);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(
      {
        id: s?.id,
        input: {
          name: name.trim(),
          active,
          cron: kind === "cron" ? expr.trim() : null,
          rrule: kind === "rrule" ? expr.trim() : null,
          timezone: timezone.trim(),
          template: tpl,
        },
      },
      {
        onSuccess: () => {
          notifications.show({ color: "teal", message: t("automation.saved") });
          onClose();
        },
      },
    );
  };
  const fieldErrors = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  return (
    <AppModal opened onClose={onClose} size="xl" title={s ? t("automation.schedules.editTitle", { name: s.name }) : t("automation.schedules.newTitle")}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ErrorSummary error={save.error} />
          <TextInput
            label={t("automation.schedules.name")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            maxLength={120}
            data-autofocus
            error={fieldErrors.name}
          />
          <SegmentedControl
            aria-label={t("automation.schedules.kind")}
            data={(["cron", "rrule"] as const).map((k) => ({ value: k, label: t(`automation.schedules.kinds.${k}`) }))}
            value={kind}
            onChange={(v) => {
              setKind(v as "cron" | "rrule");
              setExpr(v === "cron" ? "0 8 * * 1" : "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0");
            }}
            w="fit-content"
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t(`automation.schedules.${kind}`)}
              description={t(kind === "cron" ? "automation.schedules.cronHint" : "automation.schedules.rruleHint")}
              value={expr}
              onChange={(e) => setExpr(e.currentTarget.value)}
              ff="monospace"
              required
              error={fieldErrors[kind]}
            />
            <TextInput
              label={t("automation.schedules.timezone")}
              value={timezone}
              onChange={(e) => setTimezone(e.currentTarget.value)}
              required
              error={fieldErrors.timezone}
            />
          </SimpleGrid>
          <Paper withBorder p="sm" radius="sm" component="section" aria-labelledby="preview-heading">
            <Title order={3} fz="h6" id="preview-heading">
              {t("automation.schedules.preview")}
            </Title>
            <div aria-live="polite">
              {preview.isError ? (
                <Text size="sm" c="red">
                  {preview.error.message}
                </Text>
              ) : preview.data ? (
                <List size="sm">
                  {preview.data.map((o) => (
                    <List.Item key={o}>{fmt(o, debounced.timezone)}</List.Item>
                  ))}
                </List>
              ) : (
                <Text size="sm" c="dimmed">
                  {t("automation.schedules.previewNone")}
                </Text>
              )}
            </div>
          </Paper>
          <TextInput
            label={t("automation.schedules.title")}
            description={t("automation.schedules.titleHint", { placeholder: "{{date}}" })}
            value={tpl.title}
            onChange={(e) => setTpl({ ...tpl, title: e.currentTarget.value })}
            required
            maxLength={300}
            error={fieldErrors["template.title"]}
          />
          <Textarea
            label={t("automation.schedules.description")}
            value={tpl.description}
            onChange={(e) => setTpl({ ...tpl, description: e.currentTarget.value })}
            autosize
            minRows={3}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {(["impact", "urgency"] as const).map((k) => (
              <Select
                key={k}
                label={t(`automation.schedules.${k}`)}
                data={LEVELS.map((l) => ({ value: l, label: t(`automation.levels.${l}`) }))}
                value={tpl[k]}
                onChange={(v) => setTpl({ ...tpl, [k]: v ?? "low" })}
                allowDeselect={false}
              />
            ))}
            <Select
              label={t("automation.schedules.group")}
              data={groups}
              value={tpl.assignmentGroupId}
              onChange={(v) => setTpl({ ...tpl, assignmentGroupId: v })}
              clearable
              searchable
            />
            <Select
              label={t("automation.schedules.category")}
              data={categories}
              value={tpl.categoryId}
              onChange={(v) => setTpl({ ...tpl, categoryId: v })}
              clearable
              searchable
            />
            <Select
              label={t("automation.schedules.service")}
              data={services}
              value={tpl.serviceId}
              onChange={(v) => setTpl({ ...tpl, serviceId: v })}
              clearable
              searchable
            />
          </SimpleGrid>
          <Switch label={t("automation.schedules.active")} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("automation.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t("automation.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}

/** Recurring tickets: list with next and last occurrence, editor with a live preview. */
export function SchedulesPanel() {
  const { t } = useTranslation();
  const list = useSchedules();
  const del = useDeleteSchedule();
  const [editing, setEditing] = useState<TSchedule | "new" | null>(null);
  if (list.isPending) return <Loader size="sm" aria-label={t("app.loading")} />;
  if (list.isError) return <Alert color="red">{t("automation.loadFailed")}</Alert>;
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed">
          {t("automation.schedules.intro")}
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing("new")}>
          {t("automation.schedules.add")}
        </Button>
      </Group>
      {list.data.length === 0 ? (
        <Text c="dimmed">{t("automation.schedules.empty")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped verticalSpacing="xs">
            <Table.Caption>{t("automation.schedules.caption")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {(["name", "when", "next", "last", "active", "actions"] as const).map((k) => (
                  <Table.Th key={k}>{t(`automation.schedules.col.${k}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {s.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {s.template.title}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {s.cron ?? s.rrule}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {s.timezone}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{s.nextOccurrences[0] ? fmt(s.nextOccurrences[0], s.timezone, "medium") : "—"}</Text>
                  </Table.Td>
                  <Table.Td>
                    {s.lastOccurrence ? (
                      <Text size="sm">
                        {s.lastOccurrence.workItemNumber} · <RelativeTime iso={s.lastOccurrence.at} />
                      </Text>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t("automation.never")}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={s.active ? "teal" : "gray"}>
                      {s.active ? t("automation.schedules.on") : t("automation.schedules.off")}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <ActionIcon variant="subtle" onClick={() => setEditing(s)} aria-label={`${t("automation.edit")} ${s.name}`}>
                        <IconPencil size={16} aria-hidden />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`${t("automation.remove")} ${s.name}`}
                        onClick={() => {
                          if (window.confirm(t("automation.schedules.removeConfirm", { name: s.name })))
                            del.mutate(s.id, { onSuccess: () => notifications.show({ color: "teal", message: t("automation.deleted") }) });
                        }}
                      >
                        <IconTrash size={16} aria-hidden />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing && <ScheduleEditor s={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
