import { Alert, Badge, Button, Center, Group, Loader, Paper, Stack, Table, Tabs, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconEdit, IconLink } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useParams } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TArticle } from "../../../../contracts/knowledge";
import { api, type ApiError } from "../../app/api";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { RelativeTime } from "../../app/time";
import { useIsStaff } from "../reference/reference.api";
import { ArticleActions } from "./article-actions";
import { ArticleBody } from "./article-body";
import { ArticleForm } from "./article-form";
import { ArticleVersions } from "./article-versions";
import { knowledgeKeys, linkArticle, useArticle, useArticleLinks, useUpdateArticle } from "./knowledge.api";
import { ArticleStateBadge } from "./knowledge-list.page";

function Meta({ a }: { a: TArticle }) {
  const { t } = useTranslation();
  const bits = [
    a.author && `${t("knowledge.meta.author")}: ${a.author.name}`,
    a.reviewer && `${t("knowledge.meta.reviewer")}: ${a.reviewer.name}`,
    t("knowledge.meta.revision", { revision: a.revision }),
    t("knowledge.meta.views", { count: a.viewCount }),
    t("knowledge.meta.helpful", { helpful: a.helpfulCount, notHelpful: a.notHelpfulCount }),
    a.reviewAt && t("knowledge.meta.reviewAt", { date: a.reviewAt }),
    a.expiresAt && t("knowledge.meta.expiresAt", { date: a.expiresAt }),
  ].filter(Boolean);
  return (
    <Text size="sm" c="dimmed">
      {bits.join(" · ")}
      {a.sourceWorkItem && (
        <>
          {" · "}
          <AnchorLink to="/incidents/$incidentId" params={{ incidentId: a.sourceWorkItem.number }} size="sm">
            {t("knowledge.meta.source", { number: a.sourceWorkItem.number })}
          </AnchorLink>
        </>
      )}
    </Text>
  );
}

function Links({ a }: { a: TArticle }) {
  const { t } = useTranslation();
  const links = useArticleLinks(a.number);
  const queryClient = useQueryClient();
  const [target, setTarget] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await linkArticle(a.id, target.trim());
      notifications.show({ color: "green", message: t("knowledge.links.added", { number: target.trim().toUpperCase() }) });
      setTarget("");
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.part(a.number, "links") });
    } catch (err) {
      setError((err as ApiError).message);
    }
  };
  return (
    <Stack gap="sm">
      {links.data?.length === 0 && <Text c="dimmed">{t("knowledge.links.empty")}</Text>}
      {(links.data ?? []).length > 0 && (
        <Paper withBorder>
          <Table verticalSpacing="xs">
            <Table.Tbody>
              {(links.data ?? []).map((l) => (
                <Table.Tr key={l.workItem.id}>
                  <Table.Td>{t(`knowledge.links.kind.${l.kind}`)}</Table.Td>
                  <Table.Td>
                    <AnchorLink to="/incidents/$incidentId" params={{ incidentId: l.workItem.number }}>
                      {l.workItem.number}
                    </AnchorLink>{" "}
                    {l.workItem.title}
                  </Table.Td>
                  <Table.Td>{t(`state.${l.workItem.state}` as never, { defaultValue: l.workItem.state })}</Table.Td>
                  <Table.Td>
                    <RelativeTime iso={l.createdAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      <form onSubmit={submit}>
        <Group align="flex-end" gap="xs">
          <TextInput
            label={t("knowledge.links.target")}
            placeholder={t("knowledge.links.placeholder")}
            value={target}
            onChange={(e) => setTarget(e.currentTarget.value)}
            error={error}
          />
          <Button type="submit" variant="default" leftSection={<IconLink size={16} aria-hidden />} disabled={!target.trim()}>
            {t("knowledge.links.add")}
          </Button>
        </Group>
      </form>
    </Stack>
  );
}

function History({ a }: { a: TArticle }) {
  const h = useQuery({
    queryKey: knowledgeKeys.part(a.number, "history"),
    queryFn: ({ signal }) =>
      api<{ items: Array<{ id: string; action: string; actor: { name: string } | null; data: Record<string, unknown>; createdAt: string }> }>(
        "GET",
        `/api/v1/knowledge/articles/${a.id}/history`,
        { signal },
      ),
  });
  return (
    <Paper withBorder>
      <Table verticalSpacing="xs">
        <Table.Tbody>
          {(h.data?.items ?? []).map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                <RelativeTime iso={e.createdAt} />
              </Table.Td>
              <Table.Td>{e.actor?.name ?? "Portico"}</Table.Td>
              <Table.Td>
                <code>{e.action.replace("kb_article.", "")}</code>
                {typeof e.data.comment === "string" && e.data.comment && <Text size="sm">“{e.data.comment}”</Text>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

/** One article: read, edit (tiptap), run its workflow, compare and restore versions, link tickets. */
export function ArticlePage() {
  const { t } = useTranslation();
  const { articleId } = useParams({ from: "/_agent/knowledge/$articleId" });
  const article = useArticle(articleId);
  const staff = useIsStaff();
  const [editing, setEditing] = useState(false);
  const update = useUpdateArticle(articleId);

  if (article.isPending)
    return (
      <Center p="xl">
        <Loader aria-label={t("app.loading")} />
      </Center>
    );
  if (article.isError || !article.data)
    return (
      <Alert color="red" title={t("knowledge.title")}>
        {t("knowledge.notFound")}
      </Alert>
    );
  const a = article.data;

  return (
    <Stack gap="md" maw={960}>
      <Stack gap={4}>
        <Group gap="xs">
          <Text fw={700} c="dimmed">
            {a.number}
          </Text>
          <ArticleStateBadge state={a.state} />
          <Badge variant="outline" color={a.audience === "public" ? "blue" : "grape"} radius="sm" tt="none">
            {t(`knowledge.audience.${a.audience}`)}
          </Badge>
          {a.category && (
            <Badge variant="light" color="gray" radius="sm" tt="none">
              {a.category.name}
            </Badge>
          )}
          <Badge variant="light" color="gray" radius="sm" tt="none">
            {t(`knowledge.language.${a.language}` as never)}
          </Badge>
        </Group>
        <PageHeading fz="h2">{a.title}</PageHeading>
        <Meta a={a} />
      </Stack>
      {staff && (
        <Group justify="space-between">
          <ArticleActions article={a} />
          {a.canEdit && !editing && (
            <Button variant="default" leftSection={<IconEdit size={16} aria-hidden />} onClick={() => setEditing(true)}>
              {t("knowledge.edit")}
            </Button>
          )}
        </Group>
      )}
      {editing ? (
        <Paper withBorder p="md">
          <ArticleForm
            article={a}
            submitLabel={t("knowledge.save")}
            pending={update.isPending}
            error={update.error as ApiError | null}
            onCancel={() => setEditing(false)}
            onSubmit={(v) =>
              update.mutate(
                { ...v, note: v.note || undefined, version: a.version },
                {
                  onSuccess: () => {
                    setEditing(false);
                    notifications.show({ color: "green", message: t("knowledge.saved") });
                  },
                },
              )
            }
          />
        </Paper>
      ) : staff ? (
        <Tabs defaultValue="article" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="article">{t("knowledge.tabs.article")}</Tabs.Tab>
            <Tabs.Tab value="versions">{t("knowledge.tabs.versions")}</Tabs.Tab>
            <Tabs.Tab value="links">{t("knowledge.tabs.links")}</Tabs.Tab>
            <Tabs.Tab value="history">{t("knowledge.tabs.history")}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="article" pt="md">
            <Paper withBorder p="md">
              <ArticleBody article={a} />
            </Paper>
          </Tabs.Panel>
          <Tabs.Panel value="versions" pt="md">
            <ArticleVersions article={a} />
          </Tabs.Panel>
          <Tabs.Panel value="links" pt="md">
            <Links a={a} />
          </Tabs.Panel>
          <Tabs.Panel value="history" pt="md">
            <History a={a} />
          </Tabs.Panel>
        </Tabs>
      ) : (
        <Paper withBorder p="md">
          <ArticleBody article={a} />
        </Paper>
      )}
    </Stack>
  );
}
