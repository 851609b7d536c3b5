import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Checkbox,
  Divider,
  Group,
  List,
  MultiSelect,
  Paper,
  Select,
  SimpleGrid,
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
import {
  RULE_ACTION_TYPES,
  RULE_ITEM_TYPES,
  RULE_PLACEHOLDERS,
  RULE_TRIGGERS,
  type RuleItemType,
  type RuleTrigger,
  ruleFieldCatalog,
  type TRule,
  type TRuleAction,
  type TRuleCondition,
  type TRuleInput,
} from "../../../../contracts/automation";
import { AppModal } from "../../app/app-modal";
import { useGroups, useStaff } from "../reference/reference.api";
import { ErrorSummary } from "../sla/form-bits";
import { useDryRun, useSaveRule } from "./automation.api";
import { type CondGroup, ConditionGroup, fieldsFor, fromGroup, toGroup, useDescribeCondition } from "./condition-builder";

const ROLES = ["requester", "assignee", "group", "watchers"] as const;
const PLACEHOLDER_LIST = RULE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ");
const LEVELS = ["high", "medium", "low"] as const;

function blankAction(type: TRuleAction["type"]): TRuleAction {
  switch (type) {
    case "set_field":
      return { type, field: "impact", value: "high" };
    case "assign":
      return { type, assignee: "auto" };
    case "add_comment":
      return { type, body: "", visibility: "internal" };
    case "notify":
      return { type, to: ["assignee"], message: "" };
    case "create_linked_item":
      return { type, itemType: "incident", link: "related_to", title: "Follow-up to {{number}}", description: "", impact: "medium", urgency: "medium" };
    case "add_watcher":
      return { type, userId: "" };
    case "call_webhook":
      return { type, url: "https://" };
  }
}

function ActionEditor({ a, itemType, onChange }: { a: TRuleAction; itemType: RuleItemType; onChange(a: TRuleAction): void }) {
  const { t } = useTranslation();
  const groups = (useGroups().data ?? []).map((g) => ({ value: g.id, label: g.name }));
  const staff = (useStaff().data ?? []).map((u) => ({ value: u.id, label: u.name }));
  const catalog = ruleFieldCatalog(itemType);
  switch (a.type) {
    case "set_field": {
      const settable = Object.entries(catalog).filter(([, s]) => s.settable);
      const spec = catalog[a.field];
      const values =
        spec?.kind === "enum" ? (spec.values ?? []).map((v) => ({ value: v, label: v })) : spec?.ref === "group" ? groups : spec?.ref === "user" ? staff : [];
      return (
        <Group gap="xs" wrap="wrap">
          <Select
            label={t("automation.action.field")}
            data={settable.map(([k]) => ({ value: k, label: t(`automation.cond.fields.${k}` as never) }))}
            value={a.field}
            onChange={(v) => onChange({ ...a, field: v ?? a.field, value: null })}
            allowDeselect={false}
            w={200}
          />
          {values.length > 0 ? (
            <Select
              label={t("automation.action.value")}
              data={values}
              value={(a.value as string | null) ?? null}
              onChange={(v) => onChange({ ...a, value: v })}
              searchable
              w={220}
            />
          ) : (
            <TextInput
              label={t("automation.action.value")}
              value={String(a.value ?? "")}
              onChange={(e) => onChange({ ...a, value: e.currentTarget.value || null })}
              w={300}
            />
          )}
        </Group>
      );
    }
    case "assign":
      return (
        <Group gap="xs" wrap="wrap">
          <Select
            label={t("automation.action.group")}
            data={[{ value: "", label: t("automation.action.keepGroup") }, ...groups]}
            value={a.groupId ?? ""}
            onChange={(v) => onChange({ ...a, groupId: v ? v : undefined })}
            w={220}
          />
          <Select
            label={t("automation.action.assignee")}
            data={[{ value: "auto", label: t("automation.action.auto") }, ...staff]}
            value={a.assignee ?? "auto"}
            onChange={(v) => onChange({ ...a, assignee: (v ?? "auto") as "auto" })}
            searchable
            w={260}
          />
        </Group>
      );
    case "add_comment":
      return (
        <Stack gap="xs">
          <Select
            label={t("automation.action.visibility")}
            data={[
              { value: "internal", label: t("automation.action.internal") },
              { value: "public", label: t("automation.action.public") },
            ]}
            value={a.visibility}
            onChange={(v) => onChange({ ...a, visibility: (v ?? "internal") as "internal" })}
            allowDeselect={false}
            w={220}
          />
          <Textarea
            label={t("automation.action.body")}
            description={t("automation.action.bodyHint", { list: PLACEHOLDER_LIST })}
            value={a.body}
            onChange={(e) => onChange({ ...a, body: e.currentTarget.value })}
            autosize
            minRows={2}
            required
          />
        </Stack>
      );
    case "notify":
      return (
        <Stack gap="xs">
          <MultiSelect
            label={t("automation.action.to")}
            data={[...ROLES.map((r) => ({ value: r, label: t(`automation.action.roles.${r}`) })), ...staff]}
            value={a.to}
            onChange={(v) => onChange({ ...a, to: v })}
            searchable
          />
          <Textarea
            label={t("automation.action.message")}
            description={t("automation.action.bodyHint", { list: PLACEHOLDER_LIST })}
            value={a.message}
            onChange={(e) => onChange({ ...a, message: e.currentTarget.value })}
            autosize
            minRows={2}
            required
          />
        </Stack>
      );
    case "create_linked_item":
      return (
        <Stack gap="xs">
          <TextInput label={t("automation.action.title")} value={a.title} onChange={(e) => onChange({ ...a, title: e.currentTarget.value })} required />
          <Group gap="xs" wrap="wrap">
            <Select
              label={t("automation.action.link")}
              data={(["related_to", "child_of"] as const).map((k) => ({ value: k, label: t(`automation.action.links.${k}`) }))}
              value={a.link}
              onChange={(v) => onChange({ ...a, link: (v ?? "related_to") as "related_to" })}
              allowDeselect={false}
              w={220}
            />
            <Select
              label={t("automation.action.group")}
              data={groups}
              value={a.assignmentGroupId ?? null}
              onChange={(v) => onChange({ ...a, assignmentGroupId: v })}
              clearable
              w={220}
            />
            {(["impact", "urgency"] as const).map((k) => (
              <Select
                key={k}
                label={t(`automation.schedules.${k}`)}
                data={LEVELS.map((l) => ({ value: l, label: t(`automation.levels.${l}`) }))}
                value={a[k]}
                onChange={(v) => onChange({ ...a, [k]: v ?? "medium" })}
                allowDeselect={false}
                w={130}
              />
            ))}
          </Group>
        </Stack>
      );
    case "add_watcher":
      return (
        <Select
          label={t("automation.action.user")}
          data={staff}
          value={a.userId || null}
          onChange={(v) => onChange({ ...a, userId: v ?? "" })}
          searchable
          w={260}
        />
      );
    case "call_webhook":
      return (
        <Group gap="xs" wrap="wrap" align="flex-end">
          <TextInput label={t("automation.action.url")} value={a.url} onChange={(e) => onChange({ ...a, url: e.currentTarget.value })} w={380} required />
          <TextInput
            label={t("automation.action.secret")}
            value={a.secret ?? ""}
            onChange={(e) => onChange({ ...a, secret: e.currentTarget.value || undefined })}
            w={280}
          />
        </Group>
      );
  }
}

function DryRunPanel({ input }: { input: TRuleInput }) {
  const { t } = useTranslation();
  const [ticket, setTicket] = useState("");
  const run = useDryRun();
  const r = run.data;
  const describe = useDescribeCondition();
  // The server explains each top-level condition in order; show them with labels and names.
  const sent = run.variables?.rule.conditions;
  const parts: TRuleCondition[] = sent ? ("all" in sent ? sent.all : [sent]) : [];
  return (
    <Paper withBorder p="sm" radius="sm" component="section" aria-labelledby="dry-run-heading">
      <Stack gap="xs">
        <Title order={3} fz="h5" id="dry-run-heading">
          {t("automation.dryRun.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("automation.dryRun.intro")}
        </Text>
        <Group gap="xs" align="flex-end">
          <TextInput label={t("automation.dryRun.ticket")} placeholder="INC0000042" value={ticket} onChange={(e) => setTicket(e.currentTarget.value)} w={200} />
          <Button variant="outline" onClick={() => run.mutate({ workItem: ticket.trim(), rule: input })} loading={run.isPending} disabled={!ticket.trim()}>
            {t("automation.dryRun.run")}
          </Button>
        </Group>
        <ErrorSummary error={run.error} />
        {r && (
          <Stack gap={6} aria-live="polite">
            <Alert color={r.matched ? "teal" : "gray"} title={r.matched ? t("automation.dryRun.matched") : t("automation.dryRun.notMatched")}>
              <List size="sm">
                {r.conditions.map((c, i) => (
                  <List.Item key={c.text}>
                    <Badge size="xs" color={c.ok ? "teal" : "red"} mr={6}>
                      {c.ok ? t("automation.dryRun.holds") : t("automation.dryRun.fails")}
                    </Badge>
                    {parts[i] ? describe(parts[i]) : t("automation.dryRun.always")}
                  </List.Item>
                ))}
              </List>
            </Alert>
            {r.error && <Alert color="red">{t("automation.dryRun.error", { message: r.error })}</Alert>}
            {r.matched && (
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <div>
                  <Text fw={600} size="sm">
                    {t("automation.dryRun.changes")}
                  </Text>
                  {r.changes.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      {t("automation.dryRun.none")}
                    </Text>
                  ) : (
                    <List size="sm">
                      {r.changes.map((c) => (
                        <List.Item key={c.field}>
                          {t(`automation.cond.fields.${c.field}` as never, { defaultValue: c.field })}: {String(c.from ?? "—")} → {String(c.to ?? "—")}
                        </List.Item>
                      ))}
                    </List>
                  )}
                </div>
                <div>
                  <Text fw={600} size="sm">
                    {t("automation.dryRun.effects")}
                  </Text>
                  <List size="sm">
                    {r.jobs.map((j) => (
                      <List.Item key={j}>{j}</List.Item>
                    ))}
                  </List>
                </div>
              </SimpleGrid>
            )}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

/** Creates or edits a rule: trigger, a condition builder, actions, options and a dry run. */
export function RuleEditor({ rule, onClose }: { rule: TRule | null; onClose(): void }) {
  const { t } = useTranslation();
  const save = useSaveRule();
  const [name, setName] = useState(rule?.name ?? "");
  const [description, setDescription] = useState(rule?.description ?? "");
  const [itemType, setItemType] = useState<RuleItemType>(rule?.itemType ?? "incident");
  const [trigger, setTrigger] = useState<RuleTrigger>(rule?.trigger ?? "work_item.created");
  const [cron, setCron] = useState(rule?.cron ?? "0 9 * * 1-5");
  const [timezone, setTimezone] = useState(rule?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC");
  const [group, setGroup] = useState<CondGroup>(toGroup(rule?.conditions as TRuleCondition | null));
  const [actions, setActions] = useState<TRuleAction[]>((rule?.actions as TRuleAction[]) ?? [blankAction("add_comment")]);
  const [active, setActive] = useState(rule?.active ?? true);
  const [stopProcessing, setStop] = useState(rule?.stopProcessing ?? false);
  const [reactToRules, setReact] = useState(rule?.reactToRules ?? false);
  const input: TRuleInput = {
    name: name.trim(),
    description: description.trim(),
    active,
    itemType,
    trigger,
    cron: trigger === "schedule" ? cron.trim() : null,
    timezone,
    conditions: fromGroup(group),
    actions,
    stopProcessing,
    reactToRules,
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(
      { id: rule?.id, input, version: rule?.version },
      {
        onSuccess: () => {
          notifications.show({ color: "teal", message: t("automation.saved") });
          onClose();
        },
      },
    );
  };
  const fields = fieldsFor(itemType, trigger);
  return (
    <AppModal opened onClose={onClose} size="80rem" title={rule ? t("automation.editor.editTitle", { name: rule.name }) : t("automation.editor.newTitle")}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <ErrorSummary error={save.error} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t("automation.editor.name")}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              maxLength={120}
              data-autofocus
            />
            <TextInput
              label={t("automation.editor.description")}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              maxLength={2000}
            />
            <Select
              label={t("automation.editor.itemType")}
              data={RULE_ITEM_TYPES.map((k) => ({ value: k, label: t(`automation.itemType.${k}`) }))}
              value={itemType}
              onChange={(v) => setItemType((v ?? "incident") as RuleItemType)}
              allowDeselect={false}
            />
            <Select
              label={t("automation.editor.trigger")}
              data={RULE_TRIGGERS.map((k) => ({ value: k, label: t(`automation.trigger.${k}`) }))}
              value={trigger}
              onChange={(v) => setTrigger((v ?? "work_item.created") as RuleTrigger)}
              allowDeselect={false}
            />
            {trigger === "schedule" && (
              <>
                <TextInput
                  label={t("automation.editor.cron")}
                  description={t("automation.editor.cronHint")}
                  value={cron}
                  onChange={(e) => setCron(e.currentTarget.value)}
                  required
                />
                <TextInput label={t("automation.editor.timezone")} value={timezone} onChange={(e) => setTimezone(e.currentTarget.value)} required />
              </>
            )}
          </SimpleGrid>
          <Divider label={t("automation.editor.conditions")} labelPosition="left" />
          <ConditionGroup group={group} fields={fields} onChange={setGroup} />
          <Divider label={t("automation.editor.actions")} labelPosition="left" />
          <Stack gap="sm">
            {actions.map((a, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: edited rows have no identity; their inputs are controlled
              <Paper key={`a${i}`} withBorder p="sm" radius="sm">
                <Group align="flex-start" gap="sm" wrap="nowrap">
                  <Stack gap="xs" style={{ flex: 1 }}>
                    <Select
                      label={`${i + 1}. ${t("automation.action.type")}`}
                      data={RULE_ACTION_TYPES.map((k) => ({ value: k, label: t(`automation.action.types.${k}`) }))}
                      value={a.type}
                      onChange={(v) => setActions(actions.map((x, k) => (k === i ? blankAction((v ?? "add_comment") as TRuleAction["type"]) : x)))}
                      allowDeselect={false}
                      w={280}
                    />
                    <ActionEditor a={a} itemType={itemType} onChange={(n) => setActions(actions.map((x, k) => (k === i ? n : x)))} />
                  </Stack>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    onClick={() => setActions(actions.filter((_, k) => k !== i))}
                    aria-label={t("automation.editor.removeAction", { n: i + 1 })}
                    disabled={actions.length === 1}
                  >
                    <IconTrash size={16} aria-hidden />
                  </ActionIcon>
                </Group>
              </Paper>
            ))}
            <Button
              variant="light"
              size="compact-sm"
              leftSection={<IconPlus size={14} aria-hidden />}
              onClick={() => setActions([...actions, blankAction("add_comment")])}
              w="fit-content"
            >
              {t("automation.editor.addAction")}
            </Button>
          </Stack>
          <Stack gap={6}>
            <Switch label={t("automation.editor.active")} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
            <Checkbox label={t("automation.editor.stopProcessing")} checked={stopProcessing} onChange={(e) => setStop(e.currentTarget.checked)} />
            <Checkbox label={t("automation.editor.reactToRules")} checked={reactToRules} onChange={(e) => setReact(e.currentTarget.checked)} />
          </Stack>
          {trigger !== "schedule" && <DryRunPanel input={input} />}
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
