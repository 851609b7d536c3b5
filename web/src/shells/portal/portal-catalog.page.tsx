import { Alert, Breadcrumbs, Card, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useNavigate, useParams } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, randomKey } from "../../app/api";
import { useAuth } from "../../app/auth";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { useCatalogItem, useCatalogItems, useCreateRequest, useDesks } from "../../features/catalog/catalog.api";
import { RequestForm } from "../../features/catalog/request-form";
import { ItemIcon, TileCard } from "./portal-bits";

/** Everything the person may request, desk by desk (or one desk at /portal/desks/<slug>). */
export function PortalCatalogPage() {
  const { t } = useTranslation();
  const params = useParams({ strict: false }) as { slug?: string };
  const desks = useDesks();
  const items = useCatalogItems(params.slug);
  const shown = (desks.data ?? []).filter((d) => !params.slug || d.slug === params.slug);
  const title = params.slug ? (shown[0]?.brandingName ?? "") : t("catalog.portal.catalog");
  return (
    <Stack gap="lg">
      <PageHeading order={1}>{title}</PageHeading>
      {params.slug && shown[0] && <Text c="dimmed">{shown[0].description}</Text>}
      {(desks.isLoading || items.isLoading) && <Loader size="sm" />}
      {shown.map((d) => {
        const list = (items.data ?? []).filter((i) => i.desk.id === d.id);
        if (!list.length) return null;
        return (
          <Stack key={d.id} gap="sm">
            {!params.slug && (
              <Title order={2} fz="xl">
                <AnchorLink to="/portal/desks/$slug" params={{ slug: d.slug }} c="inherit">
                  {d.brandingName}
                </AnchorLink>
              </Title>
            )}
            <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
              {list.map((i) => (
                <AnchorLink key={i.id} to="/portal/items/$itemId" params={{ itemId: i.id }} underline="never" c="inherit">
                  <TileCard icon={i.icon} title={i.name} text={i.summary} />
                </AnchorLink>
              ))}
            </SimpleGrid>
          </Stack>
        );
      })}
    </Stack>
  );
}

/** One item: what it is, who approves, and its form; on submit the request's page opens. */
export function PortalItemPage() {
  const { t } = useTranslation();
  const { itemId } = useParams({ strict: false }) as { itemId: string };
  const item = useCatalogItem(itemId);
  const create = useCreateRequest();
  const navigate = useNavigate();
  const { state } = useAuth();
  const [key] = useState(randomKey);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  if (item.isLoading) return <Loader />;
  if (!item.data) return <Alert color="red">{item.error instanceof ApiError ? item.error.message : t("errors.generic")}</Alert>;
  const it = item.data;
  const submit = async (answers: Record<string, unknown>) => {
    setError(null);
    try {
      const r = await create.mutateAsync({ catalogItemId: it.id, answers, key });
      await navigate({ to: "/portal/requests/$ref", params: { ref: r.number }, search: { created: 1 } });
    } catch (e) {
      if (e instanceof ApiError) {
        const fe: Record<string, string> = {};
        for (const d of e.details) if (d.field?.startsWith("body.answers.")) fe[d.field.slice("body.answers.".length)] = d.message;
        setServerErrors(fe);
        setError(e.message);
      } else setError(t("errors.generic"));
    }
  };
  return (
    <Stack gap="lg" maw={720}>
      <Breadcrumbs>
        <AnchorLink to="/portal/catalog">{t("catalog.portal.catalog")}</AnchorLink>
        <AnchorLink to="/portal/desks/$slug" params={{ slug: it.desk.slug }}>
          {it.desk.name}
        </AnchorLink>
      </Breadcrumbs>
      <Stack gap="xs">
        <ItemIcon name={it.icon} size={52} />
        <PageHeading order={1}>{it.name}</PageHeading>
        {it.summary && <Text fz="lg">{it.summary}</Text>}
        {it.description && (
          <Text c="dimmed" style={{ whiteSpace: "pre-wrap" }}>
            {it.description}
          </Text>
        )}
        <Text fz="sm" c="dimmed">
          {it.approvals.length ? t("catalog.item.needsApproval", { stages: it.approvals.map((s) => s.name).join(" → ") }) : t("catalog.item.noApproval")}
        </Text>
      </Stack>
      <Card withBorder radius="md" padding="lg">
        {it.canRequest ? (
          <RequestForm
            form={it.form}
            submitting={create.isPending}
            serverErrors={serverErrors}
            onSubmit={submit}
            canPickPeople={state.status === "signedIn" && state.user.role !== "requester"}
          />
        ) : (
          <Text>{t("catalog.item.notAvailable")}</Text>
        )}
        {error && (
          <Alert color="red" variant="light" mt="md" role="alert">
            {error}
          </Alert>
        )}
      </Card>
    </Stack>
  );
}
