import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Divider,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { CONDITION_FIELDS, CONDITION_OPS, type TPolicy, type TPolicyInput, type TSlaCondition, type TTargetInput } from "../../../../contracts/sla";
import { AppModal } from "../../app/app-modal";
import { useCategories, useGroups, useServices, useStaff } from "../reference/reference.api";
import { ErrorSummary } from "./form-bits";
import { formatDuration, useCalendars, useDeletePolicy, usePolicies, useSavePolicy } from "./sla.api";

type Option = { value: string; label: string };
const ON_HOLD: TSlaCondition = { field: "state", op: "in", values: ["on_hold"] };

/** The values a condition field may take, as select options (ids with their names). */
function useValueOptions(): Record<TSlaCondition["field"], Option[]> {
  const { t } = useTranslation();
  const groups = useGroups().data ?? [];
  const services = useServices().data ?? [];
  const categories = useCategories().data ?? [];
  const staff = useStaff().data ?? [];
  const list = (xs: readonly string[], prefix?: string) => xs.map((x) => ({ value: x, label: prefix ? t(`${prefix}.${x}` as "state.new") : x }));
  return {
    type: list(["incident", "request", "request_task", "problem", "change", "change_task"]),
    priority: ["1", "2", "3", "4", "5"].map((p) => ({ value: p, label: `P${p}` })),
    state: list(["new", "in_progress", "on_hold", "resolved", "closed", "cancelled"], "state"),
    impact: list(["high", "medium", "low"]),
    urgency: list(["high", "medium", "low"]),
    channel: list(["agent", "portal", "email", "phone", "api", "chat", "monitoring"]),
    serviceId: services.map((s) => ({ value: s.id, label: s.name })),
    categoryId: categories.map((c) => ({ value: c.id, label: c.name })),
    assignmentGroupId: groups.map((g) => ({ value: g.id, label: g.name })),
    assigneeId: staff.map((u) => ({ value: u.id, label: u.name })),
  };
}

function ConditionsEditor({ value, onChange }: { value: TSlaCondition[]; onChange(v: TSlaCondition[]): void }) {
  const { t } = useTranslation();
  const options = useValueOptions();
  const update = (i: number, patch: Partial<TSlaCondition>) => onChange(value.map((c, k) => (k === i ? { ...c, ...patch } : c)));
  return (
    <Stack gap="xs">
      {value.map((c, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: edited rows have no identity; their inputs are controlled
        <Group key={`c${i}`} gap="xs" align="flex-end" wrap="wrap">
          <Select
            label={t("sla.policy.field")}
            data={CONDITION_FIELDS.map((f) => ({ value: f, label: t(`sla.policy.fields.${f}`) }))}
            value={c.field}
            onChange={(v) => update(i, { field: (v ?? "type") as TSlaCondition["field"], values: [] })}
            allowDeselect={false}
            w={170}
          />
          <Select
            label={t("sla.policy.op")}
            data={CONDITION_OPS.map((o) => ({ value: o, label: t(`sla.policy.ops.${o}`) }))}
            value={c.op}
            onChange={(v) => update(i, { op: (v ?? "in") as TSlaCondition["op"] })}
            allowDeselect={false}
            w={150}
          />
          {(c.op === "in" || c.op === "not_in") && (
            <MultiSelect
              label={t("sla.policy.values")}
              data={options[c.field]}
              value={c.values.map(String)}
              onChange={(v) => update(i, { values: c.field === "priority" ? v.map(Number) : v })}
              searchable
              style={{ flex: 1, minWidth: 180 }}
            />
          )}
          <ActionIcon
            variant="subtle"
            color="red.8"
            size="lg"
            aria-label={t("sla.policy.removeCondition")}
            onClick={() => onChange(value.filter((_, k) => k !== i))}
          >
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        </Group>
      ))}
      <Button
        variant="light"
        leftSection={<IconPlus size={14} aria-hidden />}
        w="fit-content"
        onClick={() => onChange([...value, { field: "priority", op: "in", values: [] }])}
      >
        {t("sla.policy.addCondition")}
      </Button>
    </Stack>
  );
}

const newTarget = (): TTargetInput => ({
  kind: "sla",
  metric: "resolution",
  name: "",
  groupId: null,
  durationMinutes: 480,
  calendarId: null,
  startWhen: [],
  stopWhen: [],
  pauseWhen: [ON_HOLD],
  thresholds: [{ percent: 75, action: "notify", recipient: "assignee" }],
});

function TargetEditor({ value: tg, onChange, onRemove }: { value: TTargetInput; onChange(v: TTargetInput): void; onRemove(): void }) {
  const { t } = useTranslation();
  const calendars = useCalendars().data ?? [];
  const groups = useGroups().data ?? [];
  const staff = useStaff().data ?? [];
  const set = <K extends keyof TTargetInput>(k: K, v: TTargetInput[K]) => onChange({ ...tg, [k]: v });
  const pausesOnHold = tg.pauseWhen.some((c) => c.field === "state" && c.values.includes("on_hold"));
  const groupOptions = groups.map((g) => ({ value: g.id, label: g.name }));
  return (
    <Paper withBorder p="sm" radius="md">
      <Stack gap="xs">
        <Group gap="xs" align="flex-end" wrap="wrap">
          <Select
            label={t("sla.policy.kind")}
            data={[
              { value: "sla", label: t("sla.kind.sla") },
              { value: "ola", label: t("sla.kind.ola") },
            ]}
            value={tg.kind}
            onChange={(v) => onChange({ ...tg, kind: (v ?? "sla") as "sla" | "ola", groupId: null })}
            allowDeselect={false}
            w={90}
          />
          <Select
            label={t("sla.policy.metric")}
            data={(["response", "resolution"] as const).map((m) => ({ value: m, label: t(`sla.metric.${m}`) }))}
            value={tg.metric}
            onChange={(v) => set("metric", (v ?? "resolution") as TTargetInput["metric"])}
            allowDeselect={false}
            w={150}
          />
          {tg.kind === "ola" && (
            <Select
              label={t("sla.policy.group")}
              data={groupOptions}
              value={tg.groupId}
              onChange={(v) => set("groupId", v)}
              placeholder={t("sla.policy.anyGroup")}
              clearable
              w={220}
            />
          )}
          <NumberInput
            label={t("sla.policy.minutes")}
            min={1}
            max={525600}
            value={tg.durationMinutes}
            onChange={(v) => set("durationMinutes", Number(v) || 1)}
            w={170}
          />
          <Select
            label={t("sla.policy.calendar")}
            data={[{ value: "", label: t("sla.calendar.allHours") }, ...calendars.map((c) => ({ value: c.id, label: c.name }))]}
            value={tg.calendarId ?? ""}
            onChange={(v) => set("calendarId", v ? v : null)}
            allowDeselect={false}
            w={220}
          />
          <ActionIcon
            variant="subtle"
            color="red.8"
            size="lg"
            aria-label={t("sla.policy.removeTarget", { name: t(`sla.metric.${tg.metric}`) })}
            onClick={onRemove}
          >
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        </Group>
        <Checkbox
          label={t("sla.policy.pauseOnHold")}
          checked={pausesOnHold}
          onChange={(e) =>
            set("pauseWhen", e.currentTarget.checked ? [ON_HOLD] : tg.pauseWhen.filter((c) => !(c.field === "state" && c.values.includes("on_hold"))))
          }
        />
        <Text size="sm" fw={600}>
          {t("sla.policy.thresholds")}
        </Text>
        {tg.thresholds.map((h, i) => {
          const upd = (patch: Partial<typeof h>) =>
            set(
              "thresholds",
              tg.thresholds.map((x, k) => (k === i ? { ...x, ...patch } : x)),
            );
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: edited rows have no identity; their inputs are controlled
            <Group key={`t${i}`} gap="xs" align="flex-end" wrap="wrap">
              <NumberInput label={t("sla.policy.percent")} min={1} max={500} value={h.percent} onChange={(v) => upd({ percent: Number(v) || 1 })} w={120} />
              <Select
                label={t("sla.policy.action")}
                data={(["notify", "reassign", "raise_priority"] as const).map((a) => ({ value: a, label: t(`sla.policy.actions.${a}`) }))}
                value={h.action}
                onChange={(v) => upd({ action: (v ?? "notify") as typeof h.action, recipient: v === "notify" ? "assignee" : undefined })}
                allowDeselect={false}
                w={160}
              />
              {h.action === "notify" && (
                <Select
                  label={t("sla.policy.recipient")}
                  data={(["assignee", "group", "user"] as const).map((r) => ({ value: r, label: t(`sla.policy.recipients.${r}`) }))}
                  value={h.recipient ?? "assignee"}
                  onChange={(v) => upd({ recipient: (v ?? "assignee") as "assignee" })}
                  allowDeselect={false}
                  w={170}
                />
              )}
              {h.action === "notify" && h.recipient === "user" && (
                <Select
                  label={t("sla.policy.user")}
                  data={staff.map((u) => ({ value: u.id, label: u.name }))}
                  value={h.userId ?? null}
                  onChange={(v) => upd({ userId: v ?? undefined })}
                  searchable
                  w={200}
                />
              )}
              {h.action === "reassign" && (
                <Select
                  label={t("sla.policy.reassignTo")}
                  data={groupOptions}
                  value={h.groupId ?? null}
                  onChange={(v) => upd({ groupId: v ?? undefined })}
                  w={200}
                />
              )}
              <ActionIcon
                variant="subtle"
                color="red.8"
                size="lg"
                aria-label={t("sla.policy.removeThreshold", { percent: h.percent })}
                onClick={() =>
                  set(
                    "thresholds",
                    tg.thresholds.filter((_, k) => k !== i),
                  )
                }
              >
                <IconTrash size={16} aria-hidden />
              </ActionIcon>
            </Group>
          );
        })}
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconPlus size={14} aria-hidden />}
          w="fit-content"
          onClick={() => set("thresholds", [...tg.thresholds, { percent: 100, action: "notify", recipient: "group" }])}
        >
          {t("sla.policy.addThreshold")}
        </Button>
      </Stack>
    </Paper>
  );
}

function toInput(p: TPolicy): TPolicyInput {
  return {
    name: p.name,
    description: p.description,
    active: p.active,
    position: p.position,
    conditions: p.conditions,
    targets: p.targets.map((x) => ({
      kind: x.kind,
      metric: x.metric,
      name: x.name,
      groupId: x.group?.id ?? null,
      durationMinutes: x.durationMinutes,
      calendarId: x.calendar?.id ?? null,
      startWhen: x.startWhen,
      stopWhen: x.stopWhen,
      pauseWhen: x.pauseWhen,
      thresholds: x.thresholds,
    })),
  };
}

function PolicyEditor({ initial, onClose }: { initial: TPolicy | null; onClose(): void }) {
  const { t } = useTranslation();
  const save = useSavePolicy();
  const [p, setP] = useState<TPolicyInput>(() =>
    initial
      ? toInput(initial)
      : {
          name: "",
          description: "",
          active: true,
          position: 100,
          conditions: [],
          targets: [{ ...newTarget(), metric: "response", durationMinutes: 60, pauseWhen: [] }, newTarget()],
        },
  );
  const set = <K extends keyof TPolicyInput>(k: K, v: TPolicyInput[K]) => setP((x) => ({ ...x, [k]: v }));
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate(
      { id: initial?.id, version: initial?.version, body: p },
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
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t("sla.policy.name")}
            required
            value={p.name}
            onChange={(e) => set("name", e.currentTarget.value)}
            maxLength={100}
            style={{ flex: 1, minWidth: 200 }}
            data-autofocus
          />
          <NumberInput label={t("sla.policy.position")} min={0} max={100000} value={p.position} onChange={(v) => set("position", Number(v) || 0)} w={100} />
          <Switch label={t("sla.policy.active")} checked={p.active} onChange={(e) => set("active", e.currentTarget.checked)} mb={8} />
        </Group>
        <Textarea label={t("sla.policy.description")} value={p.description} onChange={(e) => set("description", e.currentTarget.value)} autosize minRows={1} />
        <Title order={3} fz="h5">
          {t("sla.policy.conditions")}
        </Title>
        <ConditionsEditor value={p.conditions} onChange={(v) => set("conditions", v)} />
        <Divider />
        <Title order={3} fz="h5">
          {t("sla.policy.targets")}
        </Title>
        {p.targets.map((tg, i) => (
          <TargetEditor
            // biome-ignore lint/suspicious/noArrayIndexKey: edited rows have no identity; their inputs are controlled
            key={`tg${i}`}
            value={tg}
            onChange={(v) =>
              set(
                "targets",
                p.targets.map((x, k) => (k === i ? v : x)),
              )
            }
            onRemove={() =>
              set(
                "targets",
                p.targets.filter((_, k) => k !== i),
              )
            }
          />
        ))}
        <Button variant="light" leftSection={<IconPlus size={14} aria-hidden />} w="fit-content" onClick={() => set("targets", [...p.targets, newTarget()])}>
          {t("sla.policy.addTarget")}
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

/** Policies in evaluation order with their conditions and targets; create, edit, delete (admins). */
export function PoliciesAdmin() {
  const { t } = useTranslation();
  const q = usePolicies();
  const del = useDeletePolicy();
  const options = useValueOptions();
  const [editing, setEditing] = useState<TPolicy | "new" | null>(null);
  const describe = (c: TSlaCondition) => {
    const label = (v: string | number) => options[c.field].find((o) => o.value === String(v))?.label ?? String(v);
    return `${t(`sla.policy.fields.${c.field}`)} ${t(`sla.policy.ops.${c.op}`)}${c.values.length ? ` ${c.values.map(label).join(", ")}` : ""}`;
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={640}>
          {t("sla.policy.intro")}
        </Text>
        <Button leftSection={<IconPlus size={14} aria-hidden />} onClick={() => setEditing("new")}>
          {t("sla.policy.new")}
        </Button>
      </Group>
      <ErrorSummary error={del.error} />
      {q.data?.length === 0 && <Text c="dimmed">{t("sla.policy.empty")}</Text>}
      <Stack gap="sm" component="ol" p={0} m={0}>
        {(q.data ?? []).map((p) => (
          <Paper key={p.id} withBorder p="md" radius="md" component="li" style={{ listStyle: "none" }}>
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <Stack gap={4} style={{ minWidth: 0 }}>
                <Group gap="xs">
                  <Text size="xs" c="dimmed" ff="monospace">
                    #{p.position}
                  </Text>
                  <Text fw={600}>{p.name}</Text>
                  {!p.active && (
                    <Badge color="gray.7" variant="light" radius="sm">
                      {t("sla.policy.inactive")}
                    </Badge>
                  )}
                </Group>
                <Text size="sm">
                  {t("sla.policy.conditions")}: {p.conditions.length ? p.conditions.map(describe).join(" · ") : t("sla.policy.allItems")}
                </Text>
                <Group gap={6}>
                  {p.targets.map((x) => (
                    <Badge key={x.id} variant="outline" color={x.kind === "ola" ? "grape.8" : "blue.8"} radius="sm" style={{ textTransform: "none" }}>
                      {x.kind === "ola" ? `${t("sla.kind.ola")} ` : ""}
                      {t("sla.policy.targetSummary", {
                        metric: x.name || t(`sla.metric.${x.metric}`),
                        duration: formatDuration(x.durationMinutes * 60_000),
                        calendar: x.calendar?.name ?? t("sla.calendar.allHours"),
                      })}
                    </Badge>
                  ))}
                </Group>
              </Stack>
              <Group gap="xs" wrap="nowrap">
                <Button variant="default" size="xs" onClick={() => setEditing(p)} aria-label={t("sla.policy.edit", { name: p.name })}>
                  {t("sla.editButton")}
                </Button>
                <Button
                  variant="subtle"
                  color="red.8"
                  size="xs"
                  onClick={() => {
                    if (window.confirm(t("sla.policy.deleteConfirm", { name: p.name }))) del.mutate(p.id);
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
        title={editing === "new" ? t("sla.policy.new") : editing ? t("sla.policy.edit", { name: editing.name }) : ""}
        size="xl"
      >
        {editing !== null && (
          <PolicyEditor key={editing === "new" ? "new" : editing.id} initial={editing === "new" ? null : editing} onClose={() => setEditing(null)} />
        )}
      </AppModal>
    </Stack>
  );
}
