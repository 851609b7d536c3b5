import { Button, Group, Modal, Paper, SegmentedControl, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconBook2 } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../../app/api";
import { AnchorLink } from "../../app/links";
import { linkArticle, useFromWorkItem, useItemArticles } from "./knowledge.api";

/**
 * The incident page's knowledge box: articles linked to the ticket ("resolved with KB…"), linking one
 * by number, and (agents, once resolved) writing a draft article from the ticket in one step.
 */
export function KnowledgePanel({ itemRef, itemNumber, resolved, staff }: { itemRef: string; itemNumber: string; resolved: boolean; staff: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const linked = useItemArticles(itemRef);
  const fromItem = useFromWorkItem();
  const [open, setOpen] = useState(false);
  const [audience, setAudience] = useState<"public" | "internal">("public");
  const [kb, setKb] = useState("");
  const [error, setError] = useState<string | null>(null);
  if (!staff && !linked.data?.length) return null;

  const link = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await linkArticle(kb.trim(), itemNumber);
      setKb("");
      void queryClient.invalidateQueries({ queryKey: ["knowledge", "item", itemRef] });
      void queryClient.invalidateQueries({ queryKey: ["incident", itemRef] });
    } catch (err) {
      setError((err as ApiError).message);
    }
  };

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="kb-panel-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="kb-panel-heading">
          {t("knowledge.fromIncident.panel")}
        </Title>
        {linked.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("knowledge.fromIncident.none")}
          </Text>
        )}
        {(linked.data ?? []).map((l) => (
          <div key={l.article.id}>
            <Text size="xs" c="dimmed">
              {t(`knowledge.links.kind.${l.kind}`)}
            </Text>
            <AnchorLink to="/knowledge/$articleId" params={{ articleId: l.article.number }} size="sm">
              {l.article.number} {l.article.title}
            </AnchorLink>
          </div>
        ))}
        {staff && (
          <form onSubmit={link} noValidate>
            <Group gap="xs" align="flex-end" wrap="nowrap">
              <TextInput
                label={t("knowledge.fromIncident.link")}
                placeholder={t("knowledge.fromIncident.linkPlaceholder")}
                value={kb}
                onChange={(e) => setKb(e.currentTarget.value)}
                error={error}
                style={{ flex: 1 }}
              />
              <Button type="submit" variant="default" disabled={!kb.trim()}>
                {t("knowledge.links.add")}
              </Button>
            </Group>
          </form>
        )}
        {staff && resolved && (
          <Button variant="light" leftSection={<IconBook2 size={16} aria-hidden />} onClick={() => setOpen(true)}>
            {t("knowledge.fromIncident.button")}
          </Button>
        )}
      </Stack>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("knowledge.fromIncident.title", { number: itemNumber })}>
        <Stack>
          <Text size="sm">{t("knowledge.fromIncident.body")}</Text>
          <div>
            <Text size="sm" fw={500} mb={4} id="kb-from-audience">
              {t("knowledge.field.audience")}
            </Text>
            <SegmentedControl
              aria-labelledby="kb-from-audience"
              value={audience}
              onChange={(v) => setAudience(v as "public" | "internal")}
              data={(["public", "internal"] as const).map((a) => ({ value: a, label: t(`knowledge.audience.${a}`) }))}
            />
          </div>
          {fromItem.error && (
            <Text c="red.8" role="alert">
              {(fromItem.error as ApiError).message}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t("knowledge.cancel")}
            </Button>
            <Button
              loading={fromItem.isPending}
              onClick={() =>
                fromItem.mutate(
                  { workItem: itemNumber, audience },
                  {
                    onSuccess: (a) => {
                      notifications.show({ color: "green", message: t("knowledge.created", { number: a.number }) });
                      void navigate({ to: "/knowledge/$articleId", params: { articleId: a.number } });
                    },
                  },
                )
              }
            >
              {t("knowledge.fromIncident.create")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
