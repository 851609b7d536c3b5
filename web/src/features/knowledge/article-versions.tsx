import { Button, Group, Paper, Select, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TArticle, TArticleDiff } from "../../../../contracts/knowledge";
import type { ApiError } from "../../app/api";
import { RelativeTime } from "../../app/time";
import { useDiff, useRestoreVersion, useVersions } from "./knowledge.api";

function DiffText({ parts }: { parts: TArticleDiff["body"] }) {
  const { t } = useTranslation();
  return (
    <Text component="div" style={{ whiteSpace: "pre-wrap" }} className="kb-diff">
      {parts.map((p, i) =>
        p.added ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: positional parts
          <ins key={i} title={t("knowledge.versions.added")}>
            {p.value}
          </ins>
        ) : p.removed ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: positional parts
          <del key={i} title={t("knowledge.versions.removed")}>
            {p.value}
          </del>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: positional parts
          <span key={i}>{p.value}</span>
        ),
      )}
    </Text>
  );
}

/** Versions of an article: who changed what, a word diff between any two, and restore. */
export function ArticleVersions({ article }: { article: TArticle }) {
  const { t } = useTranslation();
  const versions = useVersions(article.number);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  useEffect(() => {
    if (versions.data && versions.data.length > 1 && from === null) {
      setTo(versions.data[0].revision);
      setFrom(versions.data[1].revision);
    }
  }, [versions.data, from]);
  const diff = useDiff(article.number, from, to);
  const restore = useRestoreVersion(article.number);
  const options = (versions.data ?? []).map((v) => ({ value: String(v.revision), label: `${v.revision} — ${v.note || t("knowledge.versions.noNote")}` }));
  const changed = (parts?: TArticleDiff["body"]) => Boolean(parts?.some((p) => p.added || p.removed));

  return (
    <Stack gap="md">
      <Paper withBorder>
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="xs">
            <Table.Tbody>
              {(versions.data ?? []).map((v) => (
                <Table.Tr key={v.revision}>
                  <Table.Td style={{ whiteSpace: "nowrap" }} fw={600}>
                    {t("knowledge.meta.revision", { revision: v.revision })}
                    {v.revision === article.revision && ` (${t("knowledge.versions.current")})`}
                  </Table.Td>
                  <Table.Td>{v.note || <Text c="dimmed">{t("knowledge.versions.noNote")}</Text>}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {v.author?.name} · <RelativeTime iso={v.createdAt} />
                  </Table.Td>
                  <Table.Td ta="right">
                    {v.revision !== article.revision && article.canEdit && (
                      <Button
                        size="xs"
                        variant="default"
                        loading={restore.isPending && restore.variables?.revision === v.revision}
                        onClick={() =>
                          restore.mutate(
                            { revision: v.revision, version: article.version },
                            {
                              onSuccess: () => notifications.show({ color: "green", message: t("knowledge.versions.restored", { revision: v.revision }) }),
                              onError: (e) => notifications.show({ color: "red", message: (e as ApiError).message }),
                            },
                          )
                        }
                      >
                        {t("knowledge.versions.restore", { revision: v.revision })}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      {options.length > 1 && (
        <Paper withBorder p="md">
          <Title order={2} fz="md" mb="sm">
            {t("knowledge.versions.compare")}
          </Title>
          <Group gap="sm" mb="md">
            <Select
              label={t("knowledge.versions.from")}
              data={options}
              value={from === null ? null : String(from)}
              onChange={(v) => setFrom(v ? Number(v) : null)}
              allowDeselect={false}
            />
            <Select
              label={t("knowledge.versions.to")}
              data={options}
              value={to === null ? null : String(to)}
              onChange={(v) => setTo(v ? Number(v) : null)}
              allowDeselect={false}
            />
          </Group>
          {diff.data && (
            <Stack gap="sm">
              {!changed(diff.data.title) && !changed(diff.data.summary) && !changed(diff.data.body) && <Text c="dimmed">{t("knowledge.versions.same")}</Text>}
              {(["title", "summary", "body"] as const)
                .filter((k) => changed(diff.data?.[k]))
                .map((k) => (
                  <div key={k}>
                    <Text size="sm" fw={600}>
                      {t(`knowledge.versions.${k === "body" ? "bodyChanged" : k === "title" ? "titleChanged" : "summaryChanged"}`)}
                    </Text>
                    <DiffText parts={diff.data?.[k] ?? []} />
                  </div>
                ))}
            </Stack>
          )}
        </Paper>
      )}
    </Stack>
  );
}
