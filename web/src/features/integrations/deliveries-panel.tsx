import { Alert, Badge, Button, Code, Drawer, Group, Select, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { useState } from "react";
import type { TDelivery } from "../../../../contracts/webhooks";
import { RelativeTime } from "../../app/time";
import { useDeliveries, useDelivery, useRedeliver, useWebhooks } from "./integrations.api";

const STATUS_COLOR: Record<TDelivery["status"], string> = { pending: "blue", retrying: "orange", delivered: "green", failed: "red" };

/** One delivery: the body sent and every attempt's answer, with "Redeliver". */
function DeliveryDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const d = useDelivery(id);
  const redeliver = useRedeliver();
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="xl"
      title={d.data ? t("integrations.deliveries.detailTitle", { event: d.data.event }) : ""}
      closeButtonProps={{ "aria-label": t("app.close") }}
    >
      {d.isError && <Alert color="red">{t("integrations.loadFailed")}</Alert>}
      {d.data && (
        <Stack gap="md">
          <Group justify="space-between">
            <Stack gap={2}>
              <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }}>
                {d.data.url}
              </Text>
              <Text size="xs" c="dimmed">
                {d.data.webhookName ?? t("integrations.deliveries.rule")} · {d.data.id}
              </Text>
            </Stack>
            <Badge color={STATUS_COLOR[d.data.status]} variant="light" tt="none">
              {t(`integrations.deliveries.status.${d.data.status}`)}
            </Badge>
          </Group>
          {d.data.nextAttemptAt && (
            <Text size="sm">
              {t("integrations.deliveries.nextAttempt")}: <RelativeTime iso={d.data.nextAttemptAt} />
            </Text>
          )}
          <Button
            w="fit-content"
            loading={redeliver.isPending}
            onClick={() => redeliver.mutate(id, { onSuccess: () => notifications.show({ message: t("integrations.deliveries.redelivered") }) })}
          >
            {t("integrations.deliveries.redeliver")}
          </Button>
          {d.data.history.map((a) => (
            <Stack key={a.attempt} gap={4}>
              <Title order={4} fz="sm">
                {t("integrations.deliveries.attempt", { n: a.attempt })} · {a.statusCode ?? t("integrations.deliveries.noAnswer")}
                {a.durationMs !== null ? ` · ${t("integrations.deliveries.duration", { ms: a.durationMs })}` : ""}
              </Title>
              <Text size="xs" c="dimmed">
                <RelativeTime iso={a.startedAt} />
              </Text>
              {a.error && (
                <Text size="sm" c="red.8">
                  {a.error}
                </Text>
              )}
              {a.responseBody && (
                <Code block aria-label={t("integrations.deliveries.response")} style={{ maxHeight: 160, overflow: "auto" }}>
                  {a.responseBody}
                </Code>
              )}
            </Stack>
          ))}
          <Title order={4} fz="sm">
            {t("integrations.deliveries.payload")}
          </Title>
          <Code block style={{ maxHeight: 360, overflow: "auto" }}>
            {JSON.stringify(d.data.payload, null, 2)}
          </Code>
        </Stack>
      )}
    </Drawer>
  );
}

/** The delivery log, filterable by webhook and status. */
export function DeliveriesPanel({ webhookId, onWebhookChange }: { webhookId: string | null; onWebhookChange: (id: string | null) => void }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const hooks = useWebhooks();
  const list = useDeliveries(webhookId, status);
  const redeliver = useRedeliver();
  return (
    <Stack gap="md">
      <Text c="dimmed" maw={720}>
        {t("integrations.deliveries.intro")}
      </Text>
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t("integrations.deliveries.filterWebhook")}
          placeholder={t("integrations.deliveries.all")}
          clearable
          data={(hooks.data ?? []).map((h) => ({ value: h.id, label: h.name }))}
          value={webhookId}
          onChange={onWebhookChange}
        />
        <Select
          label={t("integrations.deliveries.filterStatus")}
          placeholder={t("integrations.deliveries.all")}
          clearable
          data={(["pending", "retrying", "delivered", "failed"] as const).map((s) => ({ value: s, label: t(`integrations.deliveries.status.${s}`) }))}
          value={status}
          onChange={setStatus}
        />
      </Group>
      {list.isError && <Alert color="red">{t("integrations.loadFailed")}</Alert>}
      {list.data?.items.length === 0 && <Text c="dimmed">{t("integrations.deliveries.empty")}</Text>}
      {!!list.data?.items.length && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover>
            <Table.Caption>{t("integrations.deliveries.caption")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {(["when", "webhook", "event", "status", "code", "attempts", "actions"] as const).map((c) => (
                  <Table.Th key={c}>{t(`integrations.deliveries.col.${c}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <RelativeTime iso={d.createdAt} />
                  </Table.Td>
                  <Table.Td>{d.webhookName ?? t("integrations.deliveries.rule")}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {d.event}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[d.status]} variant="light" tt="none">
                      {t(`integrations.deliveries.status.${d.status}`)}
                    </Badge>
                    {d.error && (
                      <Text size="xs" c="red.8" maw={320} lineClamp={2}>
                        {d.error}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{d.statusCode ?? "—"}</Table.Td>
                  <Table.Td>
                    {d.attempts}/{d.maxAttempts}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setOpen(d.id)}>
                        {t("integrations.deliveries.details")}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => redeliver.mutate(d.id, { onSuccess: () => notifications.show({ message: t("integrations.deliveries.redelivered") }) })}
                      >
                        {t("integrations.deliveries.redeliver")}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {open && <DeliveryDrawer id={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}
