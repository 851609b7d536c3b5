import { Alert, Badge, Button, Checkbox, Group, Paper, Select, Stack, Switch, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { NOTIFICATION_AUDIENCES, NOTIFICATION_EVENTS, type NotificationEventType, TEMPLATE_VARIABLES } from "../../../../contracts/notifications";
import { ApiError } from "../../app/api";
import type { mail } from "./mail.en";
import { useMailSettings, usePreviewTemplate, useResetTemplate, useRules, useSaveMailSettings, useSaveTemplate, useTemplates, useUpdateRule } from "./mail.api";

/** i18n key of an event (keys cannot hold dots). */
export const eventKey = (e: string) => `mail.event.${e.replace(".", "_") as keyof typeof mail.event}` as const;

/** The rules matrix: events down, audiences across, one checkbox each. */
function RulesMatrix() {
  const { t } = useTranslation();
  const rules = useRules();
  const update = useUpdateRule();
  const on = (event: string, audience: string) => rules.data?.find((r) => r.event === event && r.audience === audience)?.enabled ?? false;
  return (
    <Stack gap="xs">
      <Title order={2} fz="h4">
        {t("mail.rules.title")}
      </Title>
      <Text c="dimmed" size="sm">
        {t("mail.rules.intro")}
      </Text>
      {rules.isError && <Alert color="red">{t("mail.loadFailed")}</Alert>}
      {rules.data && (
        <Table.ScrollContainer minWidth={640}>
          <Table>
            <Table.Caption>{t("mail.rules.caption")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("mail.rules.event")}</Table.Th>
                {NOTIFICATION_AUDIENCES.map((a) => (
                  <Table.Th key={a} ta="center">
                    {t(`mail.audience.${a}`)}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {NOTIFICATION_EVENTS.map((e) => (
                <Table.Tr key={e}>
                  <Table.Th scope="row" fw={500}>
                    {t(eventKey(e))}
                  </Table.Th>
                  {NOTIFICATION_AUDIENCES.map((a) => (
                    <Table.Td key={a}>
                      <Group justify="center">
                        <Checkbox
                          aria-label={t("mail.rules.toggle", { audience: t(`mail.audience.${a}`), event: t(eventKey(e)) })}
                          checked={on(e, a)}
                          onChange={(ev) => update.mutate({ event: e, audience: a, enabled: ev.currentTarget.checked })}
                        />
                      </Group>
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

/** Edits one event's template in one language, with a preview rendered by the server. */
function TemplateEditor() {
  const { t } = useTranslation();
  const [language, setLanguage] = useState("en");
  const [otherLanguage, setOtherLanguage] = useState("");
  const [event, setEvent] = useState<NotificationEventType>("work_item.created");
  const templates = useTemplates(language);
  const current = templates.data?.items.find((x) => x.event === event);
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [workItem, setWorkItem] = useState("");
  useEffect(() => {
    if (current) {
      setSubject(current.subject);
      setBody(current.body);
    }
  }, [current]);
  const save = useSaveTemplate();
  const reset = useResetTemplate();
  const preview = usePreviewTemplate();
  const errors = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  const languages = [...new Set([...(templates.data?.languages ?? ["en"]), language])];
  return (
    <Stack gap="sm">
      <Title order={2} fz="h4">
        {t("mail.templates.title")}
      </Title>
      <Text c="dimmed" size="sm">
        {t("mail.templates.intro", { vars: TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(", "), interpolation: { escapeValue: false } })}
      </Text>
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t("mail.templates.event")}
          data={NOTIFICATION_EVENTS.map((e) => ({ value: e, label: t(eventKey(e)) }))}
          value={event}
          onChange={(v) => v && setEvent(v as NotificationEventType)}
          allowDeselect={false}
        />
        <Select label={t("mail.templates.language")} data={languages} value={language} onChange={(v) => v && setLanguage(v)} allowDeselect={false} w={120} />
        <TextInput
          label={t("mail.templates.newLanguage")}
          placeholder="de"
          w={180}
          value={otherLanguage}
          onChange={(e) => setOtherLanguage(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && /^[a-z]{2}(-[A-Z]{2})?$/.test(otherLanguage)) setLanguage(otherLanguage);
          }}
          onBlur={() => /^[a-z]{2}(-[A-Z]{2})?$/.test(otherLanguage) && setLanguage(otherLanguage)}
        />
        {current && (
          <Badge variant="light" color={current.isDefault ? "gray" : "blue"} tt="none" mb={6}>
            {current.isDefault ? t("mail.templates.default") : t("mail.templates.custom")}
          </Badge>
        )}
      </Group>
      <TextInput label={t("mail.templates.subject")} value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={errors.subject} />
      <Textarea
        label={t("mail.templates.body")}
        autosize
        minRows={8}
        value={body}
        onChange={(e) => setBody(e.currentTarget.value)}
        error={errors.body}
        styles={{ input: { fontFamily: "ui-monospace, monospace" } }}
      />
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label={t("mail.templates.previewFor")}
          placeholder={t("mail.templates.previewForPlaceholder")}
          value={workItem}
          onChange={(e) => setWorkItem(e.currentTarget.value)}
          w={260}
        />
        <Button variant="default" onClick={() => preview.mutate({ event, subject, body, workItem: workItem.trim() || undefined })} loading={preview.isPending}>
          {t("mail.templates.preview")}
        </Button>
        <Button
          onClick={() => save.mutate({ event, language, subject, body }, { onSuccess: () => notifications.show({ message: t("mail.saved") }) })}
          loading={save.isPending}
        >
          {t("mail.save")}
        </Button>
        {current && !current.isDefault && (
          <Button variant="subtle" color="red" onClick={() => reset.mutate({ event, language })}>
            {t("mail.templates.reset")}
          </Button>
        )}
      </Group>
      {preview.error && <Alert color="red">{preview.error.message}</Alert>}
      {preview.data && (
        <Paper withBorder p="md" radius="md" aria-live="polite">
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            {t("mail.templates.previewTitle")}
          </Text>
          <Text fw={600} mt={4}>
            {preview.data.subject}
          </Text>
          <Text component="pre" size="sm" style={{ whiteSpace: "pre-wrap", fontFamily: "inherit" }} mt="xs">
            {preview.data.text}
          </Text>
          {preview.data.unknownVariables.length > 0 && (
            <Alert color="orange" mt="sm">
              {t("mail.templates.unknown", { vars: preview.data.unknownVariables.join(", ") })}
            </Alert>
          )}
        </Paper>
      )}
    </Stack>
  );
}

/** The organization's sender. */
function SenderSettings() {
  const { t } = useTranslation();
  const settings = useMailSettings();
  const save = useSaveMailSettings();
  const [f, setF] = useState({ fromName: "", fromAddress: "", replyToAddress: "", enabled: true });
  useEffect(() => {
    if (settings.data)
      setF({
        fromName: settings.data.fromName ?? "",
        fromAddress: settings.data.fromAddress ?? "",
        replyToAddress: settings.data.replyToAddress ?? "",
        enabled: settings.data.enabled,
      });
  }, [settings.data]);
  const errors = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(
          { fromName: f.fromName || null, fromAddress: f.fromAddress || null, replyToAddress: f.replyToAddress || null, enabled: f.enabled },
          { onSuccess: () => notifications.show({ message: t("mail.saved") }) },
        );
      }}
    >
      <Stack gap="sm">
        <Title order={2} fz="h4">
          {t("mail.sender.title")}
        </Title>
        {settings.data && (
          <Text size="sm" c="dimmed">
            {t("mail.sender.effective", { from: settings.data.effectiveFrom, replyTo: settings.data.effectiveReplyTo, interpolation: { escapeValue: false } })}
          </Text>
        )}
        <Group grow align="flex-start" wrap="wrap">
          <TextInput
            label={t("mail.sender.fromName")}
            value={f.fromName}
            onChange={(e) => setF({ ...f, fromName: e.currentTarget.value })}
            error={errors.fromName}
            miw={200}
          />
          <TextInput
            label={t("mail.sender.fromAddress")}
            type="email"
            value={f.fromAddress}
            onChange={(e) => setF({ ...f, fromAddress: e.currentTarget.value })}
            error={errors.fromAddress}
            miw={200}
          />
          <TextInput
            label={t("mail.sender.replyTo")}
            type="email"
            value={f.replyToAddress}
            onChange={(e) => setF({ ...f, replyToAddress: e.currentTarget.value })}
            error={errors.replyToAddress}
            miw={200}
          />
        </Group>
        <Group justify="space-between">
          <Switch label={t("mail.sender.enabled")} checked={f.enabled} onChange={(e) => setF({ ...f, enabled: e.currentTarget.checked })} />
          <Button type="submit" loading={save.isPending}>
            {t("mail.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Notification rules, templates with preview, and the sender. */
export function NotificationsPanel() {
  return (
    <Stack gap="xl">
      <RulesMatrix />
      <TemplateEditor />
      <SenderSettings />
    </Stack>
  );
}
