import { Alert, Anchor, Button, Group, Loader, Modal, Paper, Stack, Text, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconBulb, IconCircleCheck } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TSuggestion } from "../../../../contracts/knowledge";
import { ArticleBody } from "./article-body";
import { fetchSuggestions, recordDeflection, useArticle } from "./knowledge.api";

function newJourneyId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * One visit of a new-ticket form: its id for the deflection counters, and `ticketCreated()` to call
 * when the requester sends the ticket after all.
 */
export function useDeflectionJourney() {
  const [journeyId] = useState(newJourneyId);
  const ticketCreated = useCallback(() => void recordDeflection(journeyId, "ticket_created"), [journeyId]);
  return { journeyId, ticketCreated };
}

function Reader({ id, onClose, onSolved }: { id: string; onClose: () => void; onSolved: () => void }) {
  const { t } = useTranslation();
  const article = useArticle(id);
  return (
    <Modal opened onClose={onClose} title={article.data?.title ?? t("app.loading")} size="lg">
      {article.data ? (
        <Stack>
          <ArticleBody article={article.data} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("knowledge.deflection.notSolved")}
            </Button>
            <Button color="green" leftSection={<IconCircleCheck size={16} aria-hidden />} onClick={onSolved}>
              {t("knowledge.deflection.solved")}
            </Button>
          </Group>
        </Stack>
      ) : (
        <Loader aria-label={t("app.loading")} />
      )}
    </Modal>
  );
}

/**
 * Deflection for a new-ticket form: published articles matching what the requester types, readable in
 * place, with "this solved my problem". Counts suggested / viewed / solved for the deflection report.
 */
export function ArticleSuggestions({ subject, journeyId, onSolved }: { subject: string; journeyId: string; onSolved?: (articleId: string) => void }) {
  const { t } = useTranslation();
  const [debounced] = useDebouncedValue(subject.trim(), 250);
  const [reading, setReading] = useState<TSuggestion | null>(null);
  const [solved, setSolved] = useState(false);
  const suggestedSent = useRef(false);
  const suggestions = useQuery({
    queryKey: ["knowledge", "suggestions", debounced],
    queryFn: ({ signal }) => fetchSuggestions(debounced, signal),
    enabled: debounced.length >= 3,
    staleTime: 30_000,
    placeholderData: (prev) => prev,
  });
  const items = debounced.length >= 3 ? (suggestions.data?.items ?? []) : [];
  useEffect(() => {
    if (items.length > 0 && !suggestedSent.current) {
      suggestedSent.current = true;
      void recordDeflection(journeyId, "suggested", undefined, debounced);
    }
  }, [items.length, journeyId, debounced]);

  if (solved)
    return (
      <Alert color="green" icon={<IconCircleCheck aria-hidden />} role="status">
        {t("knowledge.deflection.solvedThanks")}
      </Alert>
    );
  if (items.length === 0) return null;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="kb-suggestions" bg="blue.0">
      <Stack gap="xs">
        <Group gap="xs">
          <IconBulb size={18} aria-hidden />
          <Title order={2} fz="md" id="kb-suggestions">
            {t("knowledge.deflection.title")}
          </Title>
        </Group>
        <Text size="sm" c="dark.6">
          {t("knowledge.deflection.hint")}
        </Text>
        <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: "none" }} aria-live="polite">
          {items.map((s) => (
            <li key={s.id}>
              <Anchor
                component="button"
                type="button"
                fw={600}
                ta="left"
                aria-label={t("knowledge.deflection.open", { title: s.title })}
                onClick={() => {
                  setReading(s);
                  void recordDeflection(journeyId, "viewed", s.id, debounced);
                }}
              >
                {s.title}
              </Anchor>
              {s.summary && (
                <Text size="sm" c="dark.6" lineClamp={2}>
                  {s.summary}
                </Text>
              )}
              {s.helpfulCount > 0 && (
                <Text size="xs" c="dimmed">
                  {t("knowledge.deflection.helpful", { count: s.helpfulCount })}
                </Text>
              )}
            </li>
          ))}
        </Stack>
      </Stack>
      {reading && (
        <Reader
          id={reading.id}
          onClose={() => setReading(null)}
          onSolved={() => {
            void recordDeflection(journeyId, "solved", reading.id, debounced);
            setReading(null);
            setSolved(true);
            onSolved?.(reading.id);
          }}
        />
      )}
    </Paper>
  );
}
