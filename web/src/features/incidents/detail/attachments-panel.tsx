import { Alert, Anchor, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPaperclip } from "@tabler/icons-react";
import { type ChangeEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../app/api";
import { formatBytes, RelativeTime } from "../../../app/time";
import { errorText } from "../components/form-errors";
import { uploadAttachment, useAttachments, useChildMutation } from "../incidents.api";

/** Files on the incident: upload with a labelled file input, list with size and a download link. */
export function AttachmentsPanel({ incidentRef }: { incidentRef: string }) {
  const { t, i18n } = useTranslation();
  const inputId = useId();
  const list = useAttachments(incidentRef);
  const upload = useChildMutation(incidentRef, (file: File) => uploadAttachment(incidentRef, file));
  const [error, setError] = useState<string | null>(null);

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const input = e.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    setError(null);
    try {
      await upload.mutateAsync(file);
      notifications.show({ color: "green", message: t("attachments.uploaded", { name: file.name }) });
    } catch (err) {
      setError(err instanceof ApiError && err.code === "PAYLOAD_TOO_LARGE" ? t("attachments.tooLarge", { name: file.name }) : errorText(err, t));
    } finally {
      input.value = "";
    }
  }

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="attachments-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="attachments-heading">
          {t("attachments.title")}
        </Title>
        <div>
          <Text component="label" htmlFor={inputId} size="sm" fw={500} display="block" mb={4}>
            {t("attachments.upload")}
          </Text>
          <input id={inputId} type="file" className="file-input" onChange={onFile} disabled={upload.isPending} />
          {upload.isPending && (
            <Group gap="xs" mt="xs" role="status">
              <Loader size="xs" />
              <Text size="sm">{t("attachments.uploading", { name: upload.variables?.name ?? "" })}</Text>
            </Group>
          )}
        </div>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        {list.data && list.data.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("attachments.empty")}
          </Text>
        )}
        {list.data && list.data.length > 0 && (
          <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: "none" }}>
            {list.data.map((a) => (
              <li key={a.id}>
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <IconPaperclip size={16} aria-hidden style={{ marginTop: 3, flexShrink: 0 }} />
                  <div style={{ minWidth: 0 }}>
                    <Anchor
                      href={a.downloadUrl}
                      download={a.filename}
                      size="sm"
                      style={{ overflowWrap: "anywhere" }}
                      aria-label={t("attachments.download", { name: a.filename })}
                    >
                      {a.filename}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {t("attachments.by", { size: formatBytes(a.size, i18n.language), name: a.uploadedBy?.name ?? "" })} · <RelativeTime iso={a.createdAt} />
                    </Text>
                  </div>
                </Group>
              </li>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
