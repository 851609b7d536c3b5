import { Anchor, Button, Group, Stack, Text, Typography } from "@mantine/core";
import { IconPaperclip, IconThumbDown, IconThumbUp } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TArticle } from "../../../../contracts/knowledge";
import { formatBytes } from "../../app/time";
import { knowledgeKeys, recordView, sendFeedback } from "./knowledge.api";

/** The article as readers see it: text (sanitized on the server), files, and the helpful vote. Counts one view. */
export function ArticleBody({ article, countView = true }: { article: TArticle; countView?: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [mine, setMine] = useState(article.myFeedback);
  const [thanks, setThanks] = useState(false);
  useEffect(() => {
    if (countView) void recordView(article.id);
  }, [article.id, countView]);
  const vote = async (helpful: boolean) => {
    const r = await sendFeedback(article.id, helpful).catch(() => null);
    if (!r) return;
    setMine(r.myFeedback);
    setThanks(true);
    void queryClient.invalidateQueries({ queryKey: knowledgeKeys.detail(article.number) });
  };
  return (
    <Stack gap="md">
      {article.summary && (
        <Text fz="lg" c="dark.6">
          {article.summary}
        </Text>
      )}
      <Typography className="kb-body">
        {/* The server keeps only the editor's safe markup (no scripts, handlers or javascript: URLs). */}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by the server with an allowlist */}
        <div dangerouslySetInnerHTML={{ __html: article.bodyHtml }} />
      </Typography>
      {article.attachments.length > 0 && (
        <Stack gap={4}>
          <Text fw={600} size="sm">
            {t("knowledge.attachments.title")}
          </Text>
          {article.attachments.map((f) => (
            <Group key={f.id} gap={6}>
              <IconPaperclip size={14} aria-hidden />
              <Anchor href={f.downloadUrl} target="_blank" rel="noopener">
                {f.filename}
              </Anchor>
              <Text size="xs" c="dimmed">
                {formatBytes(f.size, i18n.language)}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
      {article.state === "published" && (
        <Group gap="sm" role="group" aria-label={t("knowledge.feedback.question")}>
          <Text size="sm">{t("knowledge.feedback.question")}</Text>
          <Button
            size="xs"
            variant={mine === "helpful" ? "filled" : "default"}
            leftSection={<IconThumbUp size={14} aria-hidden />}
            aria-pressed={mine === "helpful"}
            onClick={() => void vote(true)}
          >
            {t("knowledge.feedback.yes")}
          </Button>
          <Button
            size="xs"
            variant={mine === "not_helpful" ? "filled" : "default"}
            color={mine === "not_helpful" ? "orange" : undefined}
            leftSection={<IconThumbDown size={14} aria-hidden />}
            aria-pressed={mine === "not_helpful"}
            onClick={() => void vote(false)}
          >
            {t("knowledge.feedback.no")}
          </Button>
          {thanks && (
            <Text size="sm" c="green.8" role="status">
              {t("knowledge.feedback.thanks")}
            </Text>
          )}
        </Group>
      )}
    </Stack>
  );
}
