import { ActionIcon, Button, Card, Group, NumberInput, Select, Stack, Switch, TagsInput, Text, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { IconArrowDown, IconArrowUp, IconTrash } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { APPROVAL_RULES, type TApprovalStageDefinition, type TApproverSource } from "../../../../contracts/approvals";
import type { TFulfilmentTask } from "../../../../contracts/catalog";
import { type TFormVariable, type TVisibilityCondition, VARIABLE_TYPES } from "../../../../contracts/catalog-form";
import { api } from "../../app/api";
import { PersonPicker } from "../reference/person-picker";
import { useGroups } from "../reference/reference.api";

/**
 * Visual editors for a catalog item's definition — its questions, approval chain and fulfilment plan —
 * so a desk lead builds a form without writing JSON. The page validates the result with the same
 * contracts the server uses; `errors` maps a path like `3.options` to the first message for it.
 */
export type PathErrors = Record<string, string>;

/** Turns zod issues into a path → message map (first message wins). */
export function issuesByPath(error: z.ZodError | undefined, strip = 0): PathErrors {
  const out: PathErrors = {};
  for (const i of error?.issues ?? []) {
    const key = i.path.slice(strip).join(".");
    out[key] ??= i.message;
  }
  return out;
}

/** Moves, removes and lists rows of one editable list (shared by the three editors). */
function Rows<T>({
  items,
  onChange,
  render,
  addLabel,
  make,
}: {
  items: T[];
  onChange(v: T[]): void;
  render(item: T, i: number, set: (v: T) => void): ReactNode;
  addLabel: string;
  make(): T;
}) {
  const { t } = useTranslation();
  const move = (i: number, d: -1 | 1) => {
    const next = [...items];
    [next[i], next[i + d]] = [next[i + d], next[i]];
    onChange(next);
  };
  return (
    <Stack gap="xs">
      {items.map((item, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own until saved
        <Card key={i} withBorder padding="sm">
          <Group justify="flex-end" gap={4} mb={4}>
            <Text size="xs" c="dimmed" mr="auto">
              {i + 1}
            </Text>
            <ActionIcon variant="subtle" aria-label={t("catalog.builder.up")} disabled={i === 0} onClick={() => move(i, -1)}>
              <IconArrowUp size={16} />
            </ActionIcon>
            <ActionIcon variant="subtle" aria-label={t("catalog.builder.down")} disabled={i === items.length - 1} onClick={() => move(i, 1)}>
              <IconArrowDown size={16} />
            </ActionIcon>
            <ActionIcon variant="subtle" color="red" aria-label={t("catalog.builder.remove")} onClick={() => onChange(items.filter((_, j) => j !== i))}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
          {render(item, i, (v) => onChange(items.map((x, j) => (j === i ? v : x))))}
        </Card>
      ))}
      <Button variant="light" onClick={() => onChange([...items, make()])} style={{ alignSelf: "flex-start" }}>
        {addLabel}
      </Button>
    </Stack>
  );
}

/** Lower-case letters, digits and underscores from a label ("24 inch" → "24_inch"). */
const underscored = (label: string) =>
  label
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");

/** An answer key from a question: must start with a letter (contracts/catalog-form). */
const slug = (label: string) =>
  underscored(label)
    .replace(/^[^a-z]+/, "")
    .slice(0, 50);

/** A choice's stored value from its label, unique among the question's choices (answers keep it when labels change). */
function optionValues(labels: string[], existing: { value: string; label: string }[] = []): { value: string; label: string }[] {
  const used = new Set<string>();
  return labels.map((label) => {
    const kept = existing.find((o) => o.label === label);
    const base = (kept?.value ?? underscored(label).slice(0, 90)) || "choice";
    let value = base;
    for (let n = 2; used.has(value); n++) value = `${base}_${n}`;
    used.add(value);
    return { value, label };
  });
}

const WITH_OPTIONS = new Set(["choice", "multi_choice"]);
const WITH_RANGE = new Set(["number", "text", "long_text", "multi_choice"]);

/** The questions of a catalog form, in order, with types, choices, limits and show-when conditions. */
export function FormBuilder({ variables, onChange, errors }: { variables: TFormVariable[]; onChange(v: TFormVariable[]): void; errors: PathErrors }) {
  const { t } = useTranslation();
  const err = (i: number, f: string) => errors[`${i}.${f}`];
  return (
    <Rows
      items={variables}
      onChange={onChange}
      addLabel={t("catalog.builder.addQuestion")}
      make={(): TFormVariable => ({ name: `question_${variables.length + 1}`, label: "", type: "text", required: false })}
      render={(v, i, set) => (
        <Stack gap="xs">
          <Group grow align="flex-start">
            <TextInput
              label={t("catalog.builder.question")}
              required
              value={v.label}
              error={err(i, "label")}
              onChange={(e) => {
                const label = e.currentTarget.value;
                // The answer key follows the question until someone edits it by hand.
                const auto = v.name === slug(v.label) || /^question_\d+$/.test(v.name);
                set({ ...v, label, name: auto && slug(label) ? slug(label) : v.name });
              }}
            />
            <TextInput label={t("catalog.builder.key")} value={v.name} error={err(i, "name")} onChange={(e) => set({ ...v, name: e.currentTarget.value })} />
            <Select
              label={t("catalog.builder.type")}
              data={VARIABLE_TYPES.map((x) => ({ value: x, label: t(`catalog.builder.types.${x}`) }))}
              value={v.type}
              allowDeselect={false}
              onChange={(x) => set({ ...v, type: (x ?? "text") as TFormVariable["type"] })}
            />
          </Group>
          <Group grow align="flex-start">
            <TextInput label={t("catalog.builder.help")} value={v.help ?? ""} onChange={(e) => set({ ...v, help: e.currentTarget.value || undefined })} />
            <Switch mt="xl" label={t("catalog.builder.required")} checked={v.required} onChange={(e) => set({ ...v, required: e.currentTarget.checked })} />
          </Group>
          {WITH_OPTIONS.has(v.type) && (
            <TagsInput
              label={t("catalog.builder.options")}
              description={t("catalog.builder.optionsHint")}
              value={(v.options ?? []).map((o) => o.label)}
              error={err(i, "options")}
              onChange={(labels) => set({ ...v, options: optionValues(labels, v.options) })}
            />
          )}
          {WITH_RANGE.has(v.type) && (
            <Group grow>
              <NumberInput label={t("catalog.builder.min")} value={v.min ?? ""} onChange={(n) => set({ ...v, min: typeof n === "number" ? n : undefined })} />
              <NumberInput
                label={t("catalog.builder.max")}
                value={v.max ?? ""}
                error={err(i, "max")}
                onChange={(n) => set({ ...v, max: typeof n === "number" ? n : undefined })}
              />
            </Group>
          )}
          {v.type === "text" && (
            <Group grow align="flex-start">
              <TextInput
                label={t("catalog.builder.pattern")}
                value={v.pattern ?? ""}
                error={err(i, "pattern")}
                onChange={(e) => set({ ...v, pattern: e.currentTarget.value || undefined })}
              />
              <TextInput
                label={t("catalog.builder.patternMessage")}
                value={v.patternMessage ?? ""}
                onChange={(e) => set({ ...v, patternMessage: e.currentTarget.value || undefined })}
              />
            </Group>
          )}
          {v.type === "reference" && (
            <Select
              label={t("catalog.builder.referenceType")}
              data={[
                { value: "ci", label: t("catalog.builder.references.ci") },
                { value: "asset", label: t("catalog.builder.references.asset") },
              ]}
              value={v.referenceType ?? null}
              onChange={(x) => set({ ...v, referenceType: x ?? undefined })}
            />
          )}
          {i > 0 && (
            <ShowWhen
              condition={v.visibleWhen}
              earlier={variables.slice(0, i)}
              error={err(i, "visibleWhen.variable")}
              onChange={(c) => set({ ...v, visibleWhen: c })}
            />
          )}
        </Stack>
      )}
    />
  );
}

/** "Show this question only when an earlier answer …". */
function ShowWhen({
  condition,
  earlier,
  error,
  onChange,
}: {
  condition?: TVisibilityCondition;
  earlier: TFormVariable[];
  error?: string;
  onChange(c: TVisibilityCondition | undefined): void;
}) {
  const { t } = useTranslation();
  const source = earlier.find((x) => x.name === condition?.variable);
  const needsValue = condition && (condition.operator === "equals" || condition.operator === "not_equals");
  return (
    <Group grow align="flex-start">
      <Select
        label={t("catalog.builder.showWhen")}
        placeholder={t("catalog.builder.always")}
        clearable
        data={earlier.map((x) => ({ value: x.name, label: x.label || x.name }))}
        value={condition?.variable ?? null}
        error={error}
        onChange={(x) => onChange(x ? { variable: x, operator: condition?.operator ?? "is_set" } : undefined)}
      />
      {condition && (
        <Select
          label={t("catalog.builder.operator")}
          allowDeselect={false}
          data={(["equals", "not_equals", "in", "is_set", "is_true"] as const).map((o) => ({ value: o, label: t(`catalog.builder.operators.${o}`) }))}
          value={condition.operator}
          onChange={(o) => onChange({ variable: condition.variable, operator: (o ?? "is_set") as TVisibilityCondition["operator"] })}
        />
      )}
      {needsValue &&
        (source?.options?.length ? (
          <Select
            label={t("catalog.builder.value")}
            data={source.options.map((o) => ({ value: o.value, label: o.label }))}
            value={typeof condition.value === "string" ? condition.value : null}
            onChange={(x) => onChange({ ...condition, value: x ?? undefined })}
          />
        ) : (
          <TextInput
            label={t("catalog.builder.value")}
            value={String(condition.value ?? "")}
            onChange={(e) => onChange({ ...condition, value: e.currentTarget.value })}
          />
        ))}
      {condition?.operator === "in" && (
        <TagsInput
          label={t("catalog.builder.values")}
          data={(source?.options ?? []).map((o) => ({ value: o.value, label: o.label }))}
          value={condition.values ?? []}
          onChange={(values) => onChange({ ...condition, values })}
        />
      )}
    </Group>
  );
}

/** A named person's name for an approver row (the definition stores only the id). */
function usePersonName(id: string | null) {
  return useQuery({
    enabled: Boolean(id),
    queryKey: ["users", "one", id],
    queryFn: ({ signal }) => api<{ id: string; name: string; email: string }>("GET", `/api/v1/users/${id}`, { signal }),
    staleTime: 300_000,
  });
}

function ApproverRow({ source, onChange }: { source: TApproverSource; onChange(s: TApproverSource): void }) {
  const { t } = useTranslation();
  const groups = useGroups();
  const person = usePersonName(source.kind === "user" ? source.userId : null);
  return (
    <Group grow align="flex-start">
      <Select
        label={t("catalog.builder.approverKind")}
        allowDeselect={false}
        data={(["manager", "user", "group"] as const).map((k) => ({ value: k, label: t(`catalog.builder.approverKinds.${k}`) }))}
        value={source.kind}
        onChange={(k) => onChange(k === "user" ? { kind: "user", userId: "" } : k === "group" ? { kind: "group", groupId: "" } : { kind: "manager" })}
      />
      {source.kind === "user" && (
        <PersonPicker
          label={t("catalog.builder.person")}
          value={source.userId || null}
          selected={person.data ?? null}
          onChange={(id) => onChange({ kind: "user", userId: id ?? "" })}
        />
      )}
      {source.kind === "group" && (
        <Select
          label={t("catalog.builder.group")}
          searchable
          data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
          value={source.groupId || null}
          onChange={(id) => onChange({ kind: "group", groupId: id ?? "" })}
        />
      )}
    </Group>
  );
}

/** Approval stages in order: who decides, and whether one, all or a quorum must approve. */
export function ApprovalChainEditor({
  stages,
  onChange,
  errors,
}: {
  stages: TApprovalStageDefinition[];
  onChange(v: TApprovalStageDefinition[]): void;
  errors: PathErrors;
}) {
  const { t } = useTranslation();
  return (
    <Rows
      items={stages}
      onChange={onChange}
      addLabel={t("catalog.builder.addStage")}
      make={(): TApprovalStageDefinition => ({ name: t("catalog.builder.defaultStage"), approvers: [{ kind: "manager" }], rule: "any" })}
      render={(s, i, set) => (
        <Stack gap="xs">
          <Group grow align="flex-start">
            <TextInput
              label={t("catalog.builder.stageName")}
              required
              value={s.name}
              error={errors[`${i}.name`]}
              onChange={(e) => set({ ...s, name: e.currentTarget.value })}
            />
            <Select
              label={t("catalog.builder.rule")}
              allowDeselect={false}
              data={APPROVAL_RULES.map((r) => ({ value: r, label: t(`catalog.builder.rules.${r}`) }))}
              value={s.rule}
              onChange={(r) => set({ ...s, rule: (r ?? "any") as TApprovalStageDefinition["rule"] })}
            />
            {s.rule === "quorum" && (
              <NumberInput
                label={t("catalog.builder.quorum")}
                min={1}
                value={s.quorum ?? ""}
                error={errors[`${i}.quorum`]}
                onChange={(n) => set({ ...s, quorum: typeof n === "number" ? n : undefined })}
              />
            )}
          </Group>
          {s.approvers.map((a, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: approvers are positional in the definition
            <Group key={j} align="flex-end" wrap="nowrap">
              <div style={{ flex: 1 }}>
                <ApproverRow source={a} onChange={(x) => set({ ...s, approvers: s.approvers.map((y, k) => (k === j ? x : y)) })} />
              </div>
              <ActionIcon
                variant="subtle"
                color="red"
                mb={6}
                aria-label={t("catalog.builder.removeApprover")}
                disabled={s.approvers.length === 1}
                onClick={() => set({ ...s, approvers: s.approvers.filter((_, k) => k !== j) })}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          {errors[`${i}.approvers`] && (
            <Text size="sm" c="red">
              {errors[`${i}.approvers`]}
            </Text>
          )}
          <Button
            size="xs"
            variant="subtle"
            style={{ alignSelf: "flex-start" }}
            onClick={() => set({ ...s, approvers: [...s.approvers, { kind: "manager" }] })}
          >
            {t("catalog.builder.addApprover")}
          </Button>
        </Stack>
      )}
    />
  );
}

/** Fulfilment tasks in order: what to do, which group does it, in sequence or alongside the previous one. */
export function FulfilmentPlanEditor({ tasks, onChange, errors }: { tasks: TFulfilmentTask[]; onChange(v: TFulfilmentTask[]): void; errors: PathErrors }) {
  const { t } = useTranslation();
  const groups = useGroups();
  return (
    <Rows
      items={tasks}
      onChange={onChange}
      addLabel={t("catalog.builder.addTask")}
      make={(): TFulfilmentTask => ({ title: "", description: "", groupId: "", parallelWithPrevious: false })}
      render={(task, i, set) => (
        <Stack gap="xs">
          <Group grow align="flex-start">
            <TextInput
              label={t("catalog.builder.taskTitle")}
              required
              value={task.title}
              error={errors[`${i}.title`]}
              onChange={(e) => set({ ...task, title: e.currentTarget.value })}
            />
            <Select
              label={t("catalog.builder.group")}
              required
              searchable
              data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
              value={task.groupId || null}
              error={errors[`${i}.groupId`] && t("catalog.builder.pickGroup")}
              onChange={(id) => set({ ...task, groupId: id ?? "" })}
            />
          </Group>
          <TextInput
            label={t("catalog.builder.instructions")}
            value={task.description}
            onChange={(e) => set({ ...task, description: e.currentTarget.value })}
          />
          {i > 0 && (
            <Switch
              label={t("catalog.builder.parallel")}
              checked={task.parallelWithPrevious}
              onChange={(e) => set({ ...task, parallelWithPrevious: e.currentTarget.checked })}
            />
          )}
        </Stack>
      )}
    />
  );
}
