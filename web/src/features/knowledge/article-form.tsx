import { Button, Group, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { DateInput } from "@mantine/dates";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ARTICLE_LANGUAGES, type TArticle, type TCreateArticleRequest } from "../../../../contracts/knowledge";
import type { ApiError } from "../../app/api";
import { ArticleEditor } from "./article-editor";
import { uploadArticleFile, useCategories } from "./knowledge.api";

export interface ArticleFormValues {
  title: string;
  summary: string;
  bodyHtml: string;
  audience: "public" | "internal";
  language: TCreateArticleRequest["language"];
  categoryId: string | null;
  reviewAt: string | null;
  expiresAt: string | null;
  note: string;
}

/** Form values from an article (or empty for a new one). */
export function formValuesOf(a?: TArticle): ArticleFormValues {
  return {
    title: a?.title ?? "",
    summary: a?.summary ?? "",
    bodyHtml: a?.bodyHtml ?? "",
    audience: a?.audience ?? "public",
    language: (a?.language ?? "en") as ArticleFormValues["language"],
    categoryId: a?.category?.id ?? null,
    reviewAt: a?.reviewAt ?? null,
    expiresAt: a?.expiresAt ?? null,
    note: "",
  };
}

/** The article's fields and body; used to write a new article and to edit one. */
export function ArticleForm({
  article,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  article?: TArticle;
  submitLabel: string;
  pending: boolean;
  error: ApiError | null;
  onSubmit: (v: ArticleFormValues) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [v, setV] = useState<ArticleFormValues>(() => formValuesOf(article));
  const categories = useCategories();
  const bodyLabel = useId();
  const fieldErrors = error?.fieldErrors() ?? {};
  const set = <K extends keyof ArticleFormValues>(k: K, value: ArticleFormValues[K]) => setV((s) => ({ ...s, [k]: value }));
  const day = (d: string | Date | null) => (d === null ? null : typeof d === "string" ? d.slice(0, 10) : d.toISOString().slice(0, 10));

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(v);
      }}
      noValidate
    >
      <Stack gap="md">
        <TextInput
          label={t("knowledge.field.title")}
          required
          value={v.title}
          maxLength={300}
          onChange={(e) => set("title", e.currentTarget.value)}
          error={fieldErrors.title}
          data-autofocus
        />
        <Textarea
          label={t("knowledge.field.summary")}
          description={t("knowledge.field.summaryHint")}
          value={v.summary}
          maxLength={1000}
          autosize
          minRows={2}
          onChange={(e) => set("summary", e.currentTarget.value)}
          error={fieldErrors.summary}
        />
        <div>
          <Text id={bodyLabel} size="sm" fw={500} mb={4}>
            {t("knowledge.field.body")}
          </Text>
          <ArticleEditor
            initialHtml={v.bodyHtml}
            onChange={(html) => set("bodyHtml", html)}
            labelId={bodyLabel}
            onUploadImage={article ? (file) => uploadArticleFile(article.id, file).then((f) => f.downloadUrl) : undefined}
          />
          {fieldErrors.bodyHtml && (
            <Text c="red.8" size="sm">
              {fieldErrors.bodyHtml}
            </Text>
          )}
        </div>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label={t("knowledge.field.audience")}
            value={v.audience}
            allowDeselect={false}
            data={(["public", "internal"] as const).map((a) => ({ value: a, label: t(`knowledge.audience.${a}`) }))}
            onChange={(x) => x && set("audience", x as ArticleFormValues["audience"])}
          />
          <Select
            label={t("knowledge.field.language")}
            value={v.language}
            allowDeselect={false}
            data={Object.keys(ARTICLE_LANGUAGES).map((l) => ({ value: l, label: t(`knowledge.language.${l}` as never) }))}
            onChange={(x) => x && set("language", x as ArticleFormValues["language"])}
          />
          <Select
            label={t("knowledge.field.category")}
            value={v.categoryId}
            placeholder={t("knowledge.field.noCategory")}
            clearable
            data={(categories.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
            onChange={(x) => set("categoryId", x)}
            error={fieldErrors.categoryId}
          />
          <DateInput
            label={t("knowledge.field.reviewAt")}
            value={v.reviewAt}
            valueFormat="YYYY-MM-DD"
            clearable
            onChange={(d) => set("reviewAt", day(d))}
            error={fieldErrors.reviewAt}
          />
          <DateInput
            label={t("knowledge.field.expiresAt")}
            value={v.expiresAt}
            valueFormat="YYYY-MM-DD"
            clearable
            onChange={(d) => set("expiresAt", day(d))}
            error={fieldErrors.expiresAt}
          />
          {article && <TextInput label={t("knowledge.field.note")} value={v.note} maxLength={500} onChange={(e) => set("note", e.currentTarget.value)} />}
        </SimpleGrid>
        {error && !Object.keys(fieldErrors).length && (
          <Text c="red.8" role="alert">
            {error.message}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t("knowledge.cancel")}
          </Button>
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
