import "@mantine/spotlight/styles.css";
import { Badge, Group, Loader, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { createSpotlight, Spotlight } from "@mantine/spotlight";
import { IconAlertTriangle, IconBook2, IconFileDescription, IconMessage, IconSearch, IconServer, IconUser } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { SearchKind, TSearchHit } from "../../../../contracts/search";
import { Highlight } from "./highlight";
import { searchEverywhere } from "./knowledge.api";

export const [paletteStore, palette] = createSpotlight();

let pendingQuery = "";
const listeners = new Set<(q: string) => void>();

/** Opens the command palette, optionally with a query already typed (e.g. from the header search box). */
export function openPalette(query = "") {
  pendingQuery = query;
  for (const l of listeners) l(query);
  palette.open();
}

const ICONS: Partial<Record<SearchKind, typeof IconSearch>> = {
  comment: IconMessage,
  article: IconBook2,
  person: IconUser,
  incident: IconAlertTriangle,
  ci: IconServer,
};
const ORDER: SearchKind[] = ["incident", "request", "request_task", "problem", "change", "change_task", "article", "comment", "ci", "person"];

/** Ctrl-K / ⌘-K: search everywhere — tickets, comments, articles, people — and jump by number. */
export function CommandPalette() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [query, setQuery] = useState(pendingQuery);
  const [debounced] = useDebouncedValue(query.trim(), 150);
  useEffect(() => {
    listeners.add(setQuery);
    return () => void listeners.delete(setQuery);
  }, []);
  const result = useQuery({
    queryKey: ["search", debounced],
    queryFn: ({ signal }) => searchEverywhere(debounced, signal),
    enabled: debounced.length > 0,
    staleTime: 10_000,
    placeholderData: (prev) => prev,
  });
  const go = (url: string) => {
    palette.close();
    void navigate({ href: url.split("#")[0] });
  };
  const open = (h: TSearchHit) => {
    if (h.kind === "person") {
      window.location.href = `mailto:${h.highlight.map((p) => p.text).join("")}`;
      return;
    }
    go(h.url);
  };

  const data = debounced ? result.data : undefined;
  const groups = ORDER.map((kind) => ({ kind, hits: (data?.items ?? []).filter((h) => h.kind === kind) })).filter((g) => g.hits.length > 0);

  return (
    <Spotlight.Root store={paletteStore} query={query} onQueryChange={setQuery} shortcut={["mod + K"]} scrollable maxHeight="70vh" clearQueryOnClose={false}>
      <Spotlight.Search
        placeholder={t("search.placeholder")}
        aria-label={t("search.open")}
        leftSection={<IconSearch size={18} aria-hidden />}
        rightSection={result.isFetching ? <Loader size="xs" aria-hidden /> : undefined}
      />
      <Spotlight.ActionsList aria-label={t("search.open")}>
        {data?.jump && (
          <Spotlight.Action onClick={() => go(data.jump?.url ?? "/")} leftSection={<IconFileDescription size={20} aria-hidden />}>
            <Group gap="xs" wrap="nowrap">
              <Text fw={700}>{t("search.jump", { number: data.jump.number })}</Text>
              <Text c="dimmed" truncate>
                {data.jump.title}
              </Text>
            </Group>
          </Spotlight.Action>
        )}
        {groups.map((g) => {
          const Icon = ICONS[g.kind] ?? IconFileDescription;
          return (
            <Spotlight.ActionsGroup key={g.kind} label={t(`search.group.${g.kind}`)}>
              {g.hits.map((h) => (
                <Spotlight.Action key={`${h.kind}:${h.id}`} onClick={() => open(h)} leftSection={<Icon size={20} aria-hidden />}>
                  <div style={{ minWidth: 0, flex: 1 }}>
                    <Group gap={6} wrap="nowrap">
                      {h.number && (
                        <Text size="sm" fw={700} style={{ whiteSpace: "nowrap" }}>
                          {h.number}
                        </Text>
                      )}
                      <Text size="sm" truncate>
                        {h.title}
                      </Text>
                      {h.state && (
                        <Badge size="xs" variant="light" color="gray" style={{ flexShrink: 0 }}>
                          {h.kind === "article"
                            ? t(`knowledge.state.${h.state}` as never)
                            : h.kind === "person"
                              ? h.state
                              : t(`state.${h.state}` as never, { defaultValue: h.state })}
                        </Badge>
                      )}
                      {h.visibility === "internal" && (
                        <Badge size="xs" color="yellow" variant="light" style={{ flexShrink: 0 }}>
                          {t("search.workNote")}
                        </Badge>
                      )}
                      {h.fuzzy && (
                        <Badge size="xs" variant="outline" color="gray" style={{ flexShrink: 0 }}>
                          {t("search.fuzzy")}
                        </Badge>
                      )}
                    </Group>
                    <Text size="xs" c="dimmed" lineClamp={2} className="search-snippet">
                      <Highlight parts={h.highlight} />
                    </Text>
                  </div>
                </Spotlight.Action>
              ))}
            </Spotlight.ActionsGroup>
          );
        })}
        {debounced && data && !data.jump && groups.length === 0 && <Spotlight.Empty>{t("search.nothing")}</Spotlight.Empty>}
        {!debounced && <Spotlight.Empty>{t("search.typeMore")}</Spotlight.Empty>}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}
