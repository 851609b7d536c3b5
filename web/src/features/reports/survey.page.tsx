import { Alert, Button, Card, Center, Group, Loader, Stack, Text, Textarea, Title, UnstyledButton } from "@mantine/core";
import { IconMoodCry, IconMoodEmpty, IconMoodHappy, IconMoodSad, IconMoodSmile } from "@tabler/icons-react";
import { useParams, useSearch } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useDocumentTitle } from "../../app/page";
import { useAnswerSurvey, useSurvey } from "./reports.api";

const FACES = [IconMoodCry, IconMoodSad, IconMoodEmpty, IconMoodSmile, IconMoodHappy];
const FACE_COLORS = ["red.7", "orange.7", "gray.7", "teal.7", "green.7"];

export function parseSurveySearch(s: Record<string, unknown>): { score?: number } {
  const n = Number(s.score);
  return Number.isInteger(n) && n >= 1 && n <= 5 ? { score: n } : {};
}

/** Five score buttons (1–5), the chosen one pressed. */
export function ScoreButtons({
  value,
  onPick,
  disabled,
  label,
}: {
  value: number | null;
  onPick: (n: number) => void;
  disabled?: boolean;
  label?: (n: number) => string;
}) {
  const { t } = useTranslation();
  return (
    <Group gap={6} justify="center" align="stretch" wrap="nowrap" role="group" aria-label={t("survey.question")}>
      {[1, 2, 3, 4, 5].map((n) => {
        const Face = FACES[n - 1];
        return (
          <UnstyledButton
            key={n}
            onClick={() => onPick(n)}
            disabled={disabled}
            aria-pressed={value === n}
            aria-label={label ? label(n) : `${n} – ${t(`survey.scores.${n}` as never)}`}
            style={{
              flex: "1 1 0",
              minWidth: 52,
              padding: "8px 4px",
              borderRadius: 8,
              textAlign: "center",
              border: `2px solid ${value === n ? "var(--mantine-color-indigo-6)" : "var(--mantine-color-gray-4)"}`,
              background: value === n ? "var(--mantine-color-indigo-0)" : "transparent",
            }}
          >
            <Text c={FACE_COLORS[n - 1]} lh={1} aria-hidden>
              <Face size={30} stroke={1.6} />
            </Text>
            <Text size="xs">{t(`survey.scores.${n}` as never)}</Text>
          </UnstyledButton>
        );
      })}
    </Group>
  );
}

/**
 * The page a survey link opens (no sign-in: the token is the key). Opening it records nothing on the
 * server (mail scanners fetch links); the page itself posts the score the person clicked, once visible.
 */
export function SurveyPage() {
  const { t } = useTranslation();
  useDocumentTitle(t("survey.title"));
  const { token } = useParams({ strict: false }) as { token: string };
  const { score: clicked } = parseSurveySearch(useSearch({ strict: false }) as Record<string, unknown>);
  const survey = useSurvey(token);
  const answer = useAnswerSurvey(token);
  const [comment, setComment] = useState("");
  const [commentSent, setCommentSent] = useState(false);
  const posted = useRef(false);
  const s = survey.data;

  useEffect(() => {
    if (!s || posted.current || !clicked || s.expired || s.score === clicked) return;
    const send = () => {
      if (posted.current || document.visibilityState !== "visible") return;
      posted.current = true;
      answer.mutate({ score: clicked });
    };
    send();
    document.addEventListener("visibilitychange", send);
    return () => document.removeEventListener("visibilitychange", send);
  }, [s, clicked, answer]);

  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Card withBorder radius="md" padding="lg" w="100%" maw={520} component="main">
        <Stack gap="md">
          <Title order={1} fz="xl">
            {t("survey.title")}
          </Title>
          {survey.isPending && <Loader aria-label={t("app.loading")} />}
          {survey.isError && <Alert color="red">{t("survey.notFound")}</Alert>}
          {s && (
            <>
              <Text c="dimmed" size="sm">
                {s.organization} · {t("survey.about", { number: s.number, title: s.title })}
              </Text>
              {s.expired ? (
                <Alert color="gray">{t("survey.expired")}</Alert>
              ) : (
                <>
                  <Text fw={500}>{t("survey.question")}</Text>
                  <ScoreButtons value={s.score} onPick={(n) => answer.mutate({ score: n })} disabled={answer.isPending} />
                  {s.score !== null && (
                    <Alert color="green" variant="light" role="status">
                      {t("survey.thanks")}
                    </Alert>
                  )}
                  {answer.isError && <Alert color="red">{(answer.error as Error).message}</Alert>}
                  {s.score !== null && !commentSent && (
                    <Stack gap="xs">
                      <Textarea
                        label={t("survey.comment")}
                        autosize
                        minRows={3}
                        maxLength={5000}
                        value={comment}
                        onChange={(e) => setComment(e.currentTarget.value)}
                      />
                      <Group justify="flex-end">
                        <Button
                          disabled={!comment.trim()}
                          loading={answer.isPending}
                          onClick={() => answer.mutate({ score: s.score as number, comment: comment.trim() }, { onSuccess: () => setCommentSent(true) })}
                        >
                          {t("survey.sendComment")}
                        </Button>
                      </Group>
                    </Stack>
                  )}
                  {commentSent && (
                    <Text size="sm" role="status">
                      {t("survey.commentSaved")}
                    </Text>
                  )}
                </>
              )}
            </>
          )}
        </Stack>
      </Card>
    </Center>
  );
}
