import { Alert, Button, Group, Loader, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconSearch } from "@tabler/icons-react";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "../../app/auth";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { useCatalogItems, useDesks, useMyApprovals, useMyIncidents, useRequests } from "../../features/catalog/catalog.api";
import { RequestStateBadge, SuggestedArticles, TileCard } from "./portal-bits";
import { PendingSurveys } from "../../features/reports/pending-surveys";

/** Search first: one box finds things to request and the person's own tickets; then desks and recent requests. */
export function PortalHomePage() {
  const { t } = useTranslation();
  const { state } = useAuth();
  const [q, setQ] = useState("");
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const desks = useDesks();
  const recent = useRequests({});
  const approvals = useMyApprovals("pending");
  const name = state.status === "signedIn" ? state.user.name.split(" ")[0] : "";
  return (
    <Stack gap="xl">
      <Stack gap="sm" py="md">
        <PageHeading order={1} documentTitle={t("catalog.portal.name")}>
          {t("catalog.portal.greeting", { name })}
        </PageHeading>
        <TextInput
          size="lg"
          radius="md"
          aria-label={t("catalog.portal.searchLabel")}
          placeholder={t("catalog.portal.searchPlaceholder")}
          leftSection={<IconSearch size={20} />}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          autoFocus
        />
      </Stack>
      {(approvals.data?.length ?? 0) > 0 && (
        <Alert color="orange" variant="light" title={t("catalog.portal.waitingApprovals", { count: approvals.data?.length ?? 0 })}>
          <Button component={Link} to="/portal/approvals" size="xs" mt={4}>
            {t("catalog.portal.review")}
          </Button>
        </Alert>
      )}
      {!debounced && <PendingSurveys />}
      {debounced ? (
        <SearchResults q={debounced} />
      ) : (
        <>
          <Stack gap="sm">
            <Title order={2} fz="xl">
              {t("catalog.portal.browse")}
            </Title>
            {desks.isLoading && <Loader size="sm" />}
            <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
              {(desks.data ?? []).map((d) => (
                <AnchorLink key={d.id} to="/portal/desks/$slug" params={{ slug: d.slug }} underline="never" c="inherit">
                  <TileCard icon={d.icon} title={d.brandingName} text={d.description} />
                </AnchorLink>
              ))}
            </SimpleGrid>
          </Stack>
          <Stack gap="sm">
            <Title order={2} fz="xl">
              {t("catalog.portal.recent")}
            </Title>
            {recent.data?.length === 0 && <Text c="dimmed">{t("catalog.portal.nothingYet")}</Text>}
            {(recent.data ?? []).slice(0, 5).map((r) => (
              <Group
                key={r.id}
                justify="space-between"
                wrap="nowrap"
                p="sm"
                bg="white"
                style={{ borderRadius: 8, border: "1px solid var(--mantine-color-gray-3)" }}
              >
                <AnchorLink to="/portal/requests/$ref" params={{ ref: r.number }} fw={600}>
                  {r.title}{" "}
                  <Text span c="dimmed" fz="sm">
                    {r.number}
                  </Text>
                </AnchorLink>
                <RequestStateBadge state={r.state} />
              </Group>
            ))}
          </Stack>
        </>
      )}
    </Stack>
  );
}

function SearchResults({ q }: { q: string }) {
  const { t } = useTranslation();
  const items = useCatalogItems(undefined, q);
  const requests = useRequests({ q });
  const incidents = useMyIncidents(q);
  const loading = items.isLoading || requests.isLoading || incidents.isLoading;
  const tickets = [
    ...(requests.data ?? []).map((r) => ({ id: r.id, number: r.number, title: r.title, to: "/portal/requests/$ref" as const })),
    ...(incidents.data ?? []).map((i) => ({ id: i.id, number: i.number, title: i.title, to: "/portal/incidents/$ref" as const })),
  ];
  const none = !loading && !items.data?.length && !tickets.length;
  return (
    <Stack gap="lg" aria-live="polite">
      <Title order={2} fz="xl">
        {t("catalog.portal.searchResults", { q })}
      </Title>
      <SuggestedArticles query={q} />
      {loading && <Loader size="sm" />}
      {none && <Text c="dimmed">{t("catalog.portal.noResults")}</Text>}
      {!!items.data?.length && (
        <Stack gap="xs">
          <Text fw={700}>{t("catalog.portal.catalogHits")}</Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {items.data.map((i) => (
              <AnchorLink key={i.id} to="/portal/items/$itemId" params={{ itemId: i.id }} underline="never" c="inherit">
                <TileCard icon={i.icon} title={i.name} text={i.summary} />
              </AnchorLink>
            ))}
          </SimpleGrid>
        </Stack>
      )}
      {tickets.length > 0 && (
        <Stack gap="xs">
          <Text fw={700}>{t("catalog.portal.ticketHits")}</Text>
          {tickets.map((x) => (
            <AnchorLink key={x.id} to={x.to} params={{ ref: x.number }}>
              {x.number} · {x.title}
            </AnchorLink>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
