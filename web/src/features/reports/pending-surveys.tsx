import { Card, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { useAnswerPending, usePendingSurveys } from "./reports.api";
import { ScoreButtons } from "./survey.page";

/** The portal's "How did we do?" cards: the signed-in requester's open surveys, one click each. */
export function PendingSurveys() {
  const { t } = useTranslation();
  const pending = usePendingSurveys();
  const answer = useAnswerPending();
  if (!pending.data?.length) return null;
  return (
    <Stack gap="sm">
      <Title order={2} fz="xl">
        {t("survey.pending")}
      </Title>
      <Text size="sm" c="dimmed">
        {t("survey.pendingHint")}
      </Text>
      {pending.data.slice(0, 3).map((s) => (
        <Card key={s.id} withBorder radius="md" padding="sm">
          <Text size="sm" mb="xs">
            <Text span ff="monospace">
              {s.number}
            </Text>{" "}
            · {s.title}
          </Text>
          <ScoreButtons
            value={null}
            disabled={answer.isPending}
            onPick={(score) => answer.mutate({ id: s.id, score }, { onSuccess: () => notifications.show({ color: "green", message: t("survey.thanks") }) })}
            label={(n) => t("survey.rate", { number: s.number, label: t(`survey.scores.${n}` as never) })}
          />
        </Card>
      ))}
    </Stack>
  );
}
