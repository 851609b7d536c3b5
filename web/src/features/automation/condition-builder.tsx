import { ActionIcon, Button, Group, MultiSelect, NumberInput, Paper, SegmentedControl, Select, Stack, Text, TextInput } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import {
  type FieldSpec,
  OPERATORS_BY_KIND,
  type RuleItemType,
  type RuleOperator,
  type RuleTrigger,
  ruleFieldCatalog,
  type TRuleComparison,
  type TRuleCondition,
  VALUELESS_OPERATORS,
} from "../../../../contracts/automation";
import { useCategories, useGroups, useServices, useStaff } from "../reference/reference.api";

/** The editable shape of a condition tree: groups (all / any / none) of comparisons and groups. */
export type Mode = "all" | "any" | "not";
export interface CondGroup {
  kind: "group";
  mode: Mode;
  items: CondNode[];
}
export type CondNode = CondGroup | ({ kind: "cmp" } & TRuleComparison);

/** Reads a stored condition into the editor's groups. */
export function toGroup(c: TRuleCondition | null | undefined): CondGroup {
  if (!c) return { kind: "group", mode: "all", items: [] };
  const node = (x: TRuleCondition): CondNode => ("field" in x ? { kind: "cmp", ...x } : toGroup(x));
  if ("all" in c) return { kind: "group", mode: "all", items: c.all.map(node) };
  if ("any" in c) return { kind: "group", mode: "any", items: c.any.map(node) };
  if ("not" in c) return { kind: "group", mode: "not", items: "any" in c.not ? c.not.any.map(node) : [node(c.not)] };
  return { kind: "group", mode: "all", items: [node(c)] };
}

/** Writes the editor's groups as the API's condition (null when empty). */
export function fromGroup(g: CondGroup): TRuleCondition | null {
  const items = g.items
    .map((n) => (n.kind === "group" ? fromGroup(n) : ({ field: n.field, op: n.op, ...(n.value !== undefined ? { value: n.value } : {}) } as TRuleComparison)))
    .filter((x): x is TRuleCondition => x !== null);
  if (!items.length) return null;
  if (g.mode === "all") return { all: items };
  if (g.mode === "any") return { any: items };
  return { not: { any: items } };
}

type Option = { value: string; label: string };

function useRefOptions(): Record<NonNullable<FieldSpec["ref"]>, Option[]> {
  const groups = useGroups().data ?? [];
  const services = useServices().data ?? [];
  const categories = useCategories().data ?? [];
  const staff = useStaff().data ?? [];
  return {
    group: groups.map((g) => ({ value: g.id, label: g.name })),
    service: services.map((s) => ({ value: s.id, label: s.name })),
    category: categories.map((c) => ({ value: c.id, label: c.name })),
    user: staff.map((u) => ({ value: u.id, label: u.name })),
  };
}

/** The fields a rule of this type and trigger may test. */
export function fieldsFor(itemType: RuleItemType, trigger: RuleTrigger): [string, FieldSpec][] {
  return Object.entries(ruleFieldCatalog(itemType)).filter(([, s]) => !s.triggers || s.triggers.includes(trigger));
}

function ValueInput({ cmp, spec, onChange, label }: { cmp: TRuleComparison; spec: FieldSpec; onChange(v: TRuleComparison["value"]): void; label: string }) {
  const { t } = useTranslation();
  const refs = useRefOptions();
  if (VALUELESS_OPERATORS.includes(cmp.op)) return null;
  const list = cmp.op === "in" || cmp.op === "not_in";
  const options: Option[] | null =
    spec.kind === "enum"
      ? (spec.values ?? []).map((v) => ({ value: v, label: v.replaceAll("_", " ") }))
      : spec.kind === "ref" && spec.ref
        ? refs[spec.ref]
        : null;
  if (options) {
    return list ? (
      <MultiSelect
        label={label}
        data={options}
        value={Array.isArray(cmp.value) ? (cmp.value as string[]) : []}
        onChange={(v) => onChange(v)}
        searchable
        w={260}
      />
    ) : (
      <Select label={label} data={options} value={typeof cmp.value === "string" ? cmp.value : null} onChange={(v) => onChange(v)} searchable w={220} />
    );
  }
  if (spec.kind === "number")
    return (
      <NumberInput label={label} value={typeof cmp.value === "number" ? cmp.value : ""} onChange={(v) => onChange(typeof v === "number" ? v : null)} w={140} />
    );
  return (
    <TextInput
      label={label}
      description={cmp.op === "matches" ? t("automation.cond.patternHint") : undefined}
      value={typeof cmp.value === "string" ? cmp.value : ""}
      onChange={(e) => onChange(e.currentTarget.value)}
      w={260}
      maxLength={2000}
    />
  );
}

function Comparison({
  cmp,
  fields,
  onChange,
  onRemove,
}: {
  cmp: TRuleComparison;
  fields: [string, FieldSpec][];
  onChange(c: TRuleComparison): void;
  onRemove(): void;
}) {
  const { t } = useTranslation();
  const spec = fields.find(([k]) => k === cmp.field)?.[1];
  const ops = spec ? OPERATORS_BY_KIND[spec.kind] : [];
  const fieldLabel = t(`automation.cond.fields.${cmp.field}` as never, { defaultValue: cmp.field });
  return (
    <Group gap="xs" align="flex-end" wrap="wrap">
      <Select
        label={t("automation.cond.field")}
        data={fields.map(([k]) => ({ value: k, label: t(`automation.cond.fields.${k}` as never, { defaultValue: k }) }))}
        value={cmp.field}
        onChange={(v) => {
          const s = fields.find(([k]) => k === v)?.[1];
          const op = s && OPERATORS_BY_KIND[s.kind].includes(cmp.op) ? cmp.op : ((s ? OPERATORS_BY_KIND[s.kind][0] : "eq") as RuleOperator);
          onChange({ field: v ?? cmp.field, op, value: undefined });
        }}
        allowDeselect={false}
        searchable
        w={210}
      />
      <Select
        label={t("automation.cond.op")}
        data={ops.map((o) => ({ value: o, label: t(`automation.cond.ops.${o}` as never) }))}
        value={cmp.op}
        onChange={(v) => {
          const op = (v ?? "eq") as RuleOperator;
          const wasList = cmp.op === "in" || cmp.op === "not_in";
          const isList = op === "in" || op === "not_in";
          onChange({ ...cmp, op, value: VALUELESS_OPERATORS.includes(op) ? undefined : wasList === isList ? cmp.value : undefined });
        }}
        allowDeselect={false}
        w={170}
      />
      {spec && <ValueInput cmp={cmp} spec={spec} onChange={(value) => onChange({ ...cmp, value })} label={`${t("automation.cond.value")} (${fieldLabel})`} />}
      <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={t("automation.cond.removeCondition")} mb={4}>
        <IconTrash size={16} aria-hidden />
      </ActionIcon>
    </Group>
  );
}

/** A real condition builder: nested groups matching all / any / none of their conditions. */
export function ConditionGroup({
  group,
  fields,
  onChange,
  onRemove,
  depth = 0,
}: {
  group: CondGroup;
  fields: [string, FieldSpec][];
  onChange(g: CondGroup): void;
  onRemove?: () => void;
  depth?: number;
}) {
  const { t } = useTranslation();
  const set = (i: number, n: CondNode | null) =>
    onChange({ ...group, items: n ? group.items.map((x, k) => (k === i ? n : x)) : group.items.filter((_, k) => k !== i) });
  const first = fields[0]?.[0] ?? "title";
  const firstOp = (fields[0] ? OPERATORS_BY_KIND[fields[0][1].kind][0] : "eq") as RuleOperator;
  return (
    <Paper withBorder p="sm" radius="sm" bg={depth % 2 ? "var(--mantine-color-gray-0)" : undefined} role="group" aria-label={t("automation.cond.groupLabel")}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <SegmentedControl
            size="xs"
            aria-label={t("automation.cond.mode")}
            data={(["all", "any", "not"] as const).map((m) => ({ value: m, label: t(`automation.cond.${m}`) }))}
            value={group.mode}
            onChange={(v) => onChange({ ...group, mode: v as Mode })}
          />
          {onRemove && (
            <Button size="compact-xs" variant="subtle" color="red" onClick={onRemove} leftSection={<IconTrash size={14} aria-hidden />}>
              {t("automation.cond.removeGroup")}
            </Button>
          )}
        </Group>
        {group.items.length === 0 && depth === 0 && (
          <Text size="sm" c="dimmed">
            {t("automation.cond.always")}
          </Text>
        )}
        {group.items.map((n, i) =>
          n.kind === "group" ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: edited rows have no identity; their inputs are controlled
            <ConditionGroup key={`g${i}`} group={n} fields={fields} depth={depth + 1} onChange={(g) => set(i, g)} onRemove={() => set(i, null)} />
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: edited rows have no identity; their inputs are controlled
            <Comparison key={`c${i}`} cmp={n} fields={fields} onChange={(c) => set(i, { kind: "cmp", ...c })} onRemove={() => set(i, null)} />
          ),
        )}
        <Group gap="xs">
          <Button
            size="compact-sm"
            variant="light"
            leftSection={<IconPlus size={14} aria-hidden />}
            onClick={() => onChange({ ...group, items: [...group.items, { kind: "cmp", field: first, op: firstOp, value: undefined }] })}
          >
            {t("automation.cond.addCondition")}
          </Button>
          {depth < 4 && (
            <Button
              size="compact-sm"
              variant="subtle"
              leftSection={<IconPlus size={14} aria-hidden />}
              onClick={() => onChange({ ...group, items: [...group.items, { kind: "group", mode: "any", items: [] }] })}
            >
              {t("automation.cond.addGroup")}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

/** A readable line for a condition, with names instead of ids (dry-run results). */
export function useDescribeCondition(): (c: TRuleCondition) => string {
  const { t } = useTranslation();
  const refs = useRefOptions();
  const names = new Map(Object.values(refs).flatMap((list) => list.map((o) => [o.value, o.label] as const)));
  const value = (v: unknown): string => (Array.isArray(v) ? v.map(value).join(", ") : typeof v === "string" ? (names.get(v) ?? `“${v}”`) : String(v));
  const describe = (c: TRuleCondition): string => {
    if ("all" in c) return `${t("automation.cond.all")}: (${c.all.map(describe).join("; ")})`;
    if ("any" in c) return `${t("automation.cond.any")}: (${c.any.map(describe).join("; ")})`;
    if ("not" in c) return `${t("automation.cond.not")}: (${describe(c.not)})`;
    const field = t(`automation.cond.fields.${c.field}` as never, { defaultValue: c.field });
    const op = t(`automation.cond.ops.${c.op}` as never);
    return VALUELESS_OPERATORS.includes(c.op) ? `${field} ${op}` : `${field} ${op} ${value(c.value)}`;
  };
  return describe;
}
