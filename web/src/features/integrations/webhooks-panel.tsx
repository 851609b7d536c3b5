import { Alert, Badge, Button, Checkbox, Group, Modal, MultiSelect, SimpleGrid, Stack, Switch, Table, Text, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { WORK_ITEM_TYPES_FOR_HOOKS, type TWebhook, type WebhookEventName } from "../../../../contracts/webhooks";
import { ApiError } from "../../app/api";
import { RelativeTime } from "../../app/time";
import { useDeleteWebhook, usePingWebhook, useRotateWebhookSecret, useSaveWebhook, useWebhookEvents, useWebhooks } from "./integrations.api";
import { SecretModal } from "./secret-modal";

interface FormState {
  name: string;
  url: string;
  events: WebhookEventName[];
  workItemTypes: string[];
  description: string;
  active: boolean;
}

/** Adds or edits one webhook; a new one answers with its secret. */
function WebhookModal({ hook, onClose, onSecret }: { hook: TWebhook | null; onClose: () => void; onSecret: (name: string, secret: string) => void }) {
  const { t } = useTranslation();
  const events = useWebhookEvents();
  const save = useSaveWebhook();
  const [f, setF] = useState<FormState>({
    name: hook?.name ?? "",
    url: hook?.url ?? "https://",
    events: hook?.events ?? ["work_item.created"],
    workItemTypes: hook?.workItemTypes ?? [],
    description: hook?.description ?? "",
    active: hook?.active ?? true,
  });
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));
  const errors = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  const submit = () =>
    save.mutate(
      { id: hook?.id, body: { ...f, workItemTypes: f.workItemTypes as never } },
      {
        onSuccess: (r) => {
          onClose();
          if (r.secret) onSecret(r.name, r.secret);
        },
      },
    );
  return (
    <Modal
      opened
      onClose={onClose}
      title={hook ? t("integrations.webhooks.editTitle") : t("integrations.webhooks.addTitle")}
      size="lg"
      closeButtonProps={{ "aria-label": t("app.close") }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          {save.error && !Object.keys(errors).length && <Alert color="red">{save.error.message}</Alert>}
          <TextInput
            label={t("integrations.webhooks.field.name")}
            required
            value={f.name}
            onChange={(e) => set("name", e.currentTarget.value)}
            error={errors.name}
          />
          <TextInput
            label={t("integrations.webhooks.field.url")}
            description={t("integrations.webhooks.field.urlHint")}
            required
            type="url"
            value={f.url}
            onChange={(e) => set("url", e.currentTarget.value)}
            error={errors.url}
          />
          <Checkbox.Group
            label={t("integrations.webhooks.field.events")}
            value={f.events}
            onChange={(v) => set("events", v as WebhookEventName[])}
            error={errors.events}
            withAsterisk
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
              {(events.data?.events ?? []).map((e) => (
                <Checkbox
                  key={e.name}
                  value={e.name}
                  label={
                    <Text size="sm" ff="monospace">
                      {e.name}
                    </Text>
                  }
                  description={e.description}
                />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <MultiSelect
            label={t("integrations.webhooks.field.types")}
            description={t("integrations.webhooks.field.typesHint")}
            data={WORK_ITEM_TYPES_FOR_HOOKS.map((v) => ({ value: v, label: t(`integrations.webhooks.types.${v}`) }))}
            value={f.workItemTypes}
            onChange={(v) => set("workItemTypes", v)}
            clearable
          />
          <Textarea
            label={t("integrations.webhooks.field.description")}
            autosize
            minRows={2}
            value={f.description}
            onChange={(e) => set("description", e.currentTarget.value)}
          />
          <Switch label={t("integrations.webhooks.field.active")} checked={f.active} onChange={(e) => set("active", e.currentTarget.checked)} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              {t("integrations.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t("integrations.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The organization's webhooks: add, edit, test, new secret, remove. */
export function WebhooksPanel({ onShowLog }: { onShowLog: (webhookId: string) => void }) {
  const { t } = useTranslation();
  const list = useWebhooks();
  const remove = useDeleteWebhook();
  const ping = usePingWebhook();
  const rotate = useRotateWebhookSecret();
  const [editing, setEditing] = useState<TWebhook | null | "new">(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Text c="dimmed" maw={720}>
          {t("integrations.webhooks.intro")}
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing("new")}>
          {t("integrations.webhooks.add")}
        </Button>
      </Group>
      {list.isError && <Alert color="red">{t("integrations.loadFailed")}</Alert>}
      {(ping.error || rotate.error) && <Alert color="red">{(ping.error ?? rotate.error)?.message}</Alert>}
      {list.data?.length === 0 && <Text c="dimmed">{t("integrations.webhooks.empty")}</Text>}
      {!!list.data?.length && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover>
            <Table.Caption>{t("integrations.webhooks.caption")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {(["name", "url", "events", "last", "actions"] as const).map((c) => (
                  <Table.Th key={c}>{t(`integrations.webhooks.col.${c}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((h) => (
                <Table.Tr key={h.id}>
                  <Table.Td>
                    <Text fw={500}>{h.name}</Text>
                    <Badge variant="light" color={h.active ? "green" : "gray"} tt="none" size="sm">
                      {h.active ? t("integrations.active") : t("integrations.inactive")}
                    </Badge>
                  </Table.Td>
                  <Table.Td maw={260} style={{ wordBreak: "break-all" }}>
                    <Text size="xs" ff="monospace">
                      {h.url}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {h.events.map((e) => (
                        <Badge key={e} variant="outline" tt="none" size="sm">
                          {e}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {h.lastDelivery ? (
                      <Stack gap={0}>
                        <Text size="sm">
                          {t(`integrations.deliveries.status.${h.lastDelivery.status}`)}
                          {h.lastDelivery.statusCode ? ` · ${h.lastDelivery.statusCode}` : ""}
                        </Text>
                        <Text size="xs" c="dimmed">
                          <RelativeTime iso={h.lastDelivery.at} />
                        </Text>
                      </Stack>
                    ) : (
                      t("integrations.never")
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setEditing(h)} aria-label={`${t("integrations.edit")}: ${h.name}`}>
                        {t("integrations.edit")}
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        disabled={!h.active}
                        onClick={() =>
                          ping.mutate(h.id, { onSuccess: () => notifications.show({ message: t("integrations.webhooks.pinged", { name: h.name }) }) })
                        }
                      >
                        {t("integrations.webhooks.ping")}
                      </Button>
                      <Button size="xs" variant="default" onClick={() => onShowLog(h.id)}>
                        {t("integrations.webhooks.showLog")}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => {
                          if (window.confirm(t("integrations.webhooks.rotateConfirm", { name: h.name })))
                            rotate.mutate(h.id, { onSuccess: (r) => setSecret({ name: r.name, secret: r.secret }) });
                        }}
                      >
                        {t("integrations.webhooks.rotate")}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        aria-label={`${t("integrations.remove")}: ${h.name}`}
                        onClick={() => {
                          if (window.confirm(t("integrations.webhooks.removeConfirm", { name: h.name }))) remove.mutate(h.id);
                        }}
                      >
                        {t("integrations.remove")}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing && (
        <WebhookModal hook={editing === "new" ? null : editing} onClose={() => setEditing(null)} onSecret={(name, s) => setSecret({ name, secret: s })} />
      )}
      {secret && (
        <SecretModal
          title={t("integrations.webhooks.secretTitle", { name: secret.name })}
          secret={secret.secret}
          hint={t("integrations.webhooks.signatureHelp")}
          onClose={() => setSecret(null)}
        />
      )}
    </Stack>
  );
}
