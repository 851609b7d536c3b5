import { Badge, Button, Center, Checkbox, Group, Loader, Paper, SegmentedControl, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ArticleStateName, TArticleSummary } from "../../../../contracts/knowledge";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { RelativeTime } from "../../app/time";
import { useIsStaff } from "../reference/reference.api";
import { DeflectionSummary } from "./deflection-summary";
import { useArticles } from "./knowledge.api";

export interface KnowledgeSearch {
  q?: string;
  state?: ArticleStateName;
  reviewDue?: boolean;
}

/** Knowledge list search params from the URL (unknown values dropped). */
export function parseKnowledgeSearch(s: Record<string, unknown>): KnowledgeSearch {
  const states = ["draft", "review", "published", "retired"];
  return {
    q: typeof s.q === "string" && s.q ? s.q.slice(0, 200) : undefined,
    state: typeof s.state === "string" && states.includes(s.state) ? (s.state as ArticleStateName) : undefined,
    reviewDue: s.reviewDue === true || s.reviewDue === "true" ? true : undefined,
  };
}

/** A state as a badge. */
export function ArticleStateBadge({ state }: { state: ArticleStateName }) {
  const { t } = useTranslation();
  const color = { draft: "gray", review: "yellow", published: "green", retired: "dark" }[state];
  return (
    <Badge color={color} variant="light" radius="sm" tt="none" className="kb-state">
      {t(`knowledge.state.${state}`)}
    </Badge>
  );
}

function Rows({ items }: { items: TArticleSummary[] }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("knowledge.columns.number")}</Table.Th>
            <Table.Th>{t("knowledge.columns.title")}</Table.Th>
            <Table.Th>{t("knowledge.columns.state")}</Table.Th>
            <Table.Th>{t("knowledge.columns.audience")}</Table.Th>
            <Table.Th ta="right">{t("knowledge.columns.views")}</Table.Th>
            <Table.Th ta="right">{t("knowledge.columns.helpful")}</Table.Th>
            <Table.Th>{t("knowledge.columns.updated")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td style={{ whiteSpace: "nowrap" }}>{a.number}</Table.Td>
              <Table.Td>
                <AnchorLink to="/knowledge/$articleId" params={{ articleId: a.number }} fw={600}>
                  {a.title}
                </AnchorLink>
                {a.category && (
                  <Text size="xs" c="dimmed">
                    {a.category.name}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <ArticleStateBadge state={a.state} />
              </Table.Td>
              <Table.Td>{t(`knowledge.audienceShort.${a.audience}`)}</Table.Td>
              <Table.Td ta="right">{a.viewCount}</Table.Td>
              <Table.Td ta="right">
                {a.helpfulCount}/{a.helpfulCount + a.notHelpfulCount}
              </Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                <RelativeTime iso={a.updatedAt} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The knowledge base for agents: search, filter by state, articles due for review, deflection figures. */
export function KnowledgeListPage() {
  const { t } = useTranslation();
  const search = useSearch({ from: "/_agent/knowledge" });
  const navigate = useNavigate({ from: "/knowledge" });
  const staff = useIsStaff();
  const [text, setText] = useState(search.q ?? "");
  const [debounced] = useDebouncedValue(text.trim(), 250);
  const articles = useArticles({ q: debounced || undefined, state: search.state ? [search.state] : undefined, reviewDue: search.reviewDue });
  const items = articles.data?.pages.flatMap((p) => p.items) ?? [];
  const update = (patch: Partial<KnowledgeSearch>) => void navigate({ search: (s: KnowledgeSearch) => ({ ...s, ...patch }), replace: true });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <PageHeading fz="h2">{t("knowledge.title")}</PageHeading>
        {staff && (
          <Button component={Link} to="/knowledge/new" leftSection={<IconPlus size={16} aria-hidden />}>
            {t("knowledge.newArticle")}
          </Button>
        )}
      </Group>
      {staff && <DeflectionSummary />}
      <Paper withBorder p="sm">
        <Group gap="md" align="flex-end" wrap="wrap">
          <TextInput
            label={t("knowledge.searchLabel")}
            placeholder={t("knowledge.searchPlaceholder")}
            leftSection={<IconSearch size={16} aria-hidden />}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              update({ q: e.currentTarget.value || undefined });
            }}
            style={{ flex: "1 1 220px" }}
            type="search"
          />
          {staff && (
            <div>
              <Text size="sm" fw={500} mb={4} id="kb-state-filter">
                {t("knowledge.stateFilter")}
              </Text>
              <SegmentedControl
                aria-labelledby="kb-state-filter"
                value={search.state ?? "all"}
                onChange={(v) => update({ state: v === "all" ? undefined : (v as ArticleStateName) })}
                data={[
                  { value: "all", label: t("knowledge.allStates") },
                  ...(["draft", "review", "published", "retired"] as const).map((s) => ({ value: s, label: t(`knowledge.state.${s}`) })),
                ]}
              />
            </div>
          )}
          {staff && (
            <Checkbox
              label={t("knowledge.reviewDue")}
              checked={Boolean(search.reviewDue)}
              onChange={(e) => update({ reviewDue: e.currentTarget.checked || undefined })}
              mb={8}
            />
          )}
        </Group>
      </Paper>
      {articles.isPending ? (
        <Center p="xl">
          <Loader aria-label={t("app.loading")} />
        </Center>
      ) : items.length === 0 ? (
        <Text c="dimmed" p="md">
          {t("knowledge.empty")}
        </Text>
      ) : (
        <Paper withBorder>
          <Rows items={items} />
        </Paper>
      )}
      {articles.hasNextPage && (
        <Center>
          <Button variant="default" loading={articles.isFetchingNextPage} onClick={() => void articles.fetchNextPage()}>
            {t("knowledge.loadMore")}
          </Button>
        </Center>
      )}
    </Stack>
  );
}
