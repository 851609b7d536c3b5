import { Button, Group, Paper, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPencil } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TIncident } from "../../../../../contracts/incidents";
import { errorText } from "../components/form-errors";
import { ConflictAlert } from "./conflict-alert";
import { useIncidentDraft } from "./use-incident-draft";
import { useIsStaff } from "../../reference/reference.api";

/** The description, and editing of title and description. */
export function SummaryCard({ incident, incidentRef, onReload }: { incident: TIncident; incidentRef: string; onReload(): Promise<unknown> }) {
  const { t } = useTranslation();
  const draft = useIncidentDraft(incident, incidentRef);
  const [editing, setEditing] = useState(false);
  const fieldErrors = draft.error?.fieldErrors() ?? {};
  const isStaff = useIsStaff();
  const editable = isStaff && incident.state !== "closed" && incident.state !== "cancelled";

  async function save() {
    if (await draft.save()) {
      setEditing(false);
      notifications.show({ color: "green", message: t("detail.saved") });
    }
  }

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="summary-heading">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} fz="h4" id="summary-heading">
            {t("field.description")}
          </Title>
          {!editing && editable && (
            <Button
              variant="subtle"
              size="xs"
              leftSection={<IconPencil size={14} aria-hidden />}
              onClick={() => setEditing(true)}
              aria-label={t("detail.editTitle")}
            >
              {t("detail.edit")}
            </Button>
          )}
        </Group>
        {draft.conflict && (
          <ConflictAlert
            onReload={async () => {
              await onReload();
              draft.discard();
            }}
          />
        )}
        {editing ? (
          <>
            <TextInput
              label={t("field.title")}
              required
              maxLength={300}
              value={draft.values.title}
              onChange={(e) => draft.set({ title: e.currentTarget.value })}
              error={fieldErrors.title}
              data-autofocus
            />
            <Textarea
              label={t("field.description")}
              autosize
              minRows={4}
              maxRows={20}
              value={draft.values.description}
              onChange={(e) => draft.set({ description: e.currentTarget.value })}
              error={fieldErrors.description}
            />
            {draft.error && !Object.keys(fieldErrors).length && (
              <Text c="red.8" size="sm" role="alert">
                {errorText(draft.error, t)}
              </Text>
            )}
            <Group justify="flex-end" gap="xs">
              <Button
                variant="default"
                size="xs"
                onClick={() => {
                  draft.discard();
                  setEditing(false);
                }}
              >
                {t("detail.cancel")}
              </Button>
              <Button size="xs" onClick={save} loading={draft.saving} disabled={!draft.isDirty || !draft.values.title.trim()}>
                {t("detail.save")}
              </Button>
            </Group>
          </>
        ) : incident.description ? (
          <Text className="entry-body">{incident.description}</Text>
        ) : (
          <Text c="dimmed">{t("detail.noDescription")}</Text>
        )}
      </Stack>
    </Paper>
  );
}
