import { Badge, Button, Checkbox, Group, Paper, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TProblem } from "../../../../contracts/problems";
import { errorText } from "../incidents/components/form-errors";
import { useRecordKnownError } from "./problems.api";

/** The problem's known error, or the form that records it (workaround defaults to the problem's). */
export function KnownErrorPanel({ problem: p, problemRef }: { problem: TProblem; problemRef: string }) {
  const { t } = useTranslation();
  const record = useRecordKnownError(problemRef);
  const [title, setTitle] = useState(p.title);
  const [symptoms, setSymptoms] = useState("");
  const [workaround, setWorkaround] = useState(p.workaround ?? "");
  const [published, setPublished] = useState(true);
  const ke = p.knownError;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const k = await record.mutateAsync({ title, symptoms, workaround: workaround || undefined, published });
      notifications.show({ color: "green", message: t("problems.ke.recorded", { number: k.number }) });
    } catch (err) {
      notifications.show({ color: "red", message: errorText(err, t) });
    }
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="ke-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="ke-heading">
          {t("problems.field.knownError")}
        </Title>
        {ke ? (
          <Stack gap={4}>
            <Group gap="xs">
              <Text ff="monospace" fw={600}>
                {ke.number}
              </Text>
              {ke.retiredAt && <Badge color="gray">{t("problems.ke.retired")}</Badge>}
            </Group>
            <Text fw={600}>{ke.title}</Text>
            {ke.symptoms && (
              <Text size="sm" c="dimmed" style={{ whiteSpace: "pre-wrap" }}>
                {ke.symptoms}
              </Text>
            )}
            <Text size="sm" fw={600}>
              {t("problems.field.workaround")}
            </Text>
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {ke.workaround}
            </Text>
          </Stack>
        ) : (
          <form onSubmit={submit}>
            <Stack gap="xs">
              <Text size="sm" c="dimmed">
                {t("problems.ke.none")}
              </Text>
              <TextInput label={t("problems.field.title")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={300} />
              <Textarea label={t("problems.field.symptoms")} value={symptoms} onChange={(e) => setSymptoms(e.currentTarget.value)} autosize minRows={2} />
              <Textarea
                label={t("problems.field.workaround")}
                value={workaround}
                onChange={(e) => setWorkaround(e.currentTarget.value)}
                autosize
                minRows={2}
                required
              />
              <Checkbox label={t("problems.field.published")} checked={published} onChange={(e) => setPublished(e.currentTarget.checked)} />
              <Group justify="flex-end">
                <Button type="submit" variant="light" loading={record.isPending} disabled={!workaround.trim()}>
                  {t("problems.ke.record")}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}
