import { ActionIcon, Alert, Badge, Button, Group, Loader, Stack, Switch, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowDown, IconArrowUp, IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TRule, TRuleAction, TRuleCondition } from "../../../../contracts/automation";
import { RelativeTime } from "../../app/time";
import { useDeleteRule, useReorderRules, useRules, useRuns, useSaveRule } from "./automation.api";
import { RuleEditor } from "./rule-editor";

/** The ordered list of rules: move up/down, switch on/off, edit, delete. */
export function RulesPanel() {
  const { t } = useTranslation();
  const rules = useRules();
  const reorder = useReorderRules();
  const save = useSaveRule();
  const del = useDeleteRule();
  const [editing, setEditing] = useState<TRule | "new" | null>(null);
  if (rules.isPending) return <Loader size="sm" aria-label={t("app.loading")} />;
  if (rules.isError) return <Alert color="red">{t("automation.loadFailed")}</Alert>;
  const list = rules.data;
  const move = (i: number, d: -1 | 1) => {
    const ids = list.map((r) => r.id);
    [ids[i], ids[i + d]] = [ids[i + d], ids[i]];
    reorder.mutate(ids);
  };
  const toggle = (r: TRule, active: boolean) =>
    save.mutate({
      id: r.id,
      version: r.version,
      input: {
        name: r.name,
        description: r.description,
        active,
        itemType: r.itemType,
        trigger: r.trigger,
        cron: r.cron,
        timezone: r.timezone,
        conditions: r.conditions as TRuleCondition | null,
        actions: r.actions as TRuleAction[],
        stopProcessing: r.stopProcessing,
        reactToRules: r.reactToRules,
      },
    });
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" maw={700}>
          {t("automation.rules.intro")}
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing("new")}>
          {t("automation.rules.add")}
        </Button>
      </Group>
      {list.length === 0 ? (
        <Text c="dimmed">{t("automation.rules.empty")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="xs">
            <Table.Caption>{t("automation.rules.caption")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {(["order", "name", "trigger", "type", "lastRun", "active", "actions"] as const).map((k) => (
                  <Table.Th key={k}>{t(`automation.rules.col.${k}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((r, i) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Group gap={2} wrap="nowrap">
                      <Text size="sm" w={20} ta="right">
                        {i + 1}
                      </Text>
                      <ActionIcon
                        variant="subtle"
                        size="sm"
                        disabled={i === 0 || reorder.isPending}
                        onClick={() => move(i, -1)}
                        aria-label={t("automation.rules.moveUp", { name: r.name })}
                      >
                        <IconArrowUp size={14} aria-hidden />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        size="sm"
                        disabled={i === list.length - 1 || reorder.isPending}
                        onClick={() => move(i, 1)}
                        aria-label={t("automation.rules.moveDown", { name: r.name })}
                      >
                        <IconArrowDown size={14} aria-hidden />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {r.name}
                    </Text>
                    {r.description && (
                      <Text size="xs" c="dimmed">
                        {r.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{t(`automation.trigger.${r.trigger}`)}</Text>
                    {r.cron && (
                      <Text size="xs" c="dimmed" ff="monospace">
                        {r.cron} · {r.timezone}
                      </Text>
                    )}
                    {r.nextRunAt && r.active && (
                      <Text size="xs" c="dimmed">
                        {t("automation.rules.nextRun")} <RelativeTime iso={r.nextRunAt} />
                      </Text>
                    )}
                    {r.stopProcessing && (
                      <Badge size="xs" variant="light" color="grape">
                        {t("automation.rules.stops")}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{t(`automation.itemType.${r.itemType}`)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {r.lastRun ? (
                      <Text size="sm">
                        <Badge size="xs" variant="light" color={r.lastRun.outcome === "applied" ? "teal" : "red"} mr={4}>
                          {t(`automation.rules.outcome.${r.lastRun.outcome}` as never, { defaultValue: r.lastRun.outcome })}
                        </Badge>
                        {r.lastRun.workItemNumber} · <RelativeTime iso={r.lastRun.at} />
                      </Text>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t("automation.never")}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      checked={r.active}
                      onChange={(e) => toggle(r, e.currentTarget.checked)}
                      aria-label={t("automation.rules.activeToggle", { name: r.name })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <ActionIcon variant="subtle" onClick={() => setEditing(r)} aria-label={`${t("automation.edit")} ${r.name}`}>
                        <IconPencil size={16} aria-hidden />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`${t("automation.remove")} ${r.name}`}
                        onClick={() => {
                          if (window.confirm(t("automation.rules.removeConfirm", { name: r.name })))
                            del.mutate(r.id, { onSuccess: () => notifications.show({ color: "teal", message: t("automation.deleted") }) });
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
      {editing && <RuleEditor rule={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

/** The latest runs of every rule: what applied, what failed, which loops were stopped. */
export function RunsPanel() {
  const { t } = useTranslation();
  const runs = useRuns();
  if (runs.isPending) return <Loader size="sm" aria-label={t("app.loading")} />;
  if (runs.isError) return <Alert color="red">{t("automation.loadFailed")}</Alert>;
  if (!runs.data.length) return <Text c="dimmed">{t("automation.runs.empty")}</Text>;
  return (
    <Table.ScrollContainer minWidth={700}>
      <Table striped verticalSpacing="xs">
        <Table.Caption>{t("automation.runs.caption")}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {(["at", "rule", "item", "outcome", "message"] as const).map((k) => (
              <Table.Th key={k}>{t(`automation.runs.col.${k}`)}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.data.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>
                <RelativeTime iso={r.createdAt} />
              </Table.Td>
              <Table.Td>{r.ruleName}</Table.Td>
              <Table.Td>{r.workItem?.number ?? "—"}</Table.Td>
              <Table.Td>
                <Badge size="sm" variant="light" color={r.outcome === "applied" ? "teal" : r.outcome === "error" ? "red" : "orange"}>
                  {t(`automation.rules.outcome.${r.outcome}`)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{r.message ?? ""}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
