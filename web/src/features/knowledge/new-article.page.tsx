import { Paper, Stack } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useNavigate } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../../app/api";
import { PageHeading } from "../../app/page";
import { ArticleForm } from "./article-form";
import { useCreateArticle } from "./knowledge.api";

/** Writes a new draft article; images and files can be added once the draft exists. */
export function NewArticlePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateArticle();
  return (
    <Stack gap="md" maw={960}>
      <PageHeading fz="h2">{t("knowledge.newArticleTitle")}</PageHeading>
      <Paper withBorder p="md">
        <ArticleForm
          submitLabel={t("knowledge.saveDraft")}
          pending={create.isPending}
          error={create.error as ApiError | null}
          onCancel={() => void navigate({ to: "/knowledge" })}
          onSubmit={(v) =>
            create.mutate(
              {
                title: v.title,
                summary: v.summary,
                bodyHtml: v.bodyHtml,
                audience: v.audience,
                language: v.language,
                categoryId: v.categoryId,
                reviewAt: v.reviewAt,
                expiresAt: v.expiresAt,
              },
              {
                onSuccess: (a) => {
                  notifications.show({ color: "green", message: t("knowledge.created", { number: a.number }) });
                  void navigate({ to: "/knowledge/$articleId", params: { articleId: a.number } });
                },
              },
            )
          }
        />
      </Paper>
    </Stack>
  );
}
