import { Badge, Button, Grid, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconArrowLeft, IconPencil } from "@tabler/icons-react";
import { useParams } from "@tanstack/react-router";
import type { TFunction } from "i18next";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TAttributeDef } from "../../../../contracts/cmdb-attributes";
import type { TCi, TCiHistoryEvent } from "../../../../contracts/cmdb";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { RelativeTime } from "../../app/time";
import { useCi, useCiClasses, useCiHistory, useCiImpact, useCiWork } from "./cmdb.api";
import { CiStatusBadge } from "./cmdb-list.page";
import { CiFormModal } from "./ci-form";
import { CiRelationships } from "./ci-relationships";
import { ServiceMap } from "./service-map";
import { RecordFallback } from "../../app/record-gate";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} component="dt">
        {label}
      </Text>
      <Text size="sm" component="dd" m={0} style={{ overflowWrap: "anywhere" }}>
        {children}
      </Text>
    </div>
  );
}

const show = (v: unknown) => (v === null || v === undefined || v === "" ? "—" : typeof v === "boolean" ? (v ? "✓" : "✗") : String(v));

/** One configuration item: facts and attributes, relationships, open work, impact, history and the service map. */
export function CiDetailPage() {
  const { t } = useTranslation();
  const { ciId } = useParams({ from: "/_agent/cmdb/$ciId" });
  const query = useCi(ciId);
  const classes = useCiClasses();
  const [editing, setEditing] = useState(false);
  if (!query.isSuccess) return <RecordFallback query={query} reference={ciId} back={{ to: "/cmdb", label: t("cmdb.back") }} notFound={t("cmdb.notFound")} />;
  const ci = query.data;
  const defs: TAttributeDef[] = classes.data?.find((c) => c.id === ci.classId)?.attributes ?? [];
  return (
    <Stack gap="md">
      <AnchorLink to="/cmdb" size="sm" style={{ alignSelf: "flex-start" }}>
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden />
          {t("cmdb.back")}
        </Group>
      </AnchorLink>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="xs">
            <Badge variant="outline" radius="sm" tt="none">
              {ci.className}
            </Badge>
            <CiStatusBadge status={ci.status} />
          </Group>
          <PageHeading fz="h2" style={{ overflowWrap: "anywhere" }}>
            {ci.name}
          </PageHeading>
          <Text size="sm" c="dimmed">
            {t("cmdb.col.updated")} <RelativeTime iso={ci.updatedAt} />
          </Text>
        </Stack>
        <Button variant="default" leftSection={<IconPencil size={16} aria-hidden />} onClick={() => setEditing(true)}>
          {t("cmdb.detail.edit")}
        </Button>
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Paper withBorder p="md" radius="md" component="section" aria-labelledby="attrs-heading">
              <Title order={2} fz="h4" id="attrs-heading" mb="sm">
                {t("cmdb.detail.attributes")}
              </Title>
              <SimpleGrid cols={{ base: 1, xs: 2, sm: 3 }} spacing="sm" component="dl" m={0}>
                <Fact label={t("cmdb.col.owner")}>{ci.owner?.name ?? "—"}</Fact>
                <Fact label={t("cmdb.col.supportGroup")}>{ci.supportGroup?.name ?? "—"}</Fact>
                <Fact label={t("cmdb.col.location")}>{show(ci.location)}</Fact>
                <Fact label={t("cmdb.col.serialNumber")}>{show(ci.serialNumber)}</Fact>
                <Fact label={t("cmdb.col.assetTag")}>{show(ci.assetTag)}</Fact>
                {defs.map((d) => (
                  <Fact key={d.key} label={d.label}>
                    {show(ci.attributes[d.key])}
                  </Fact>
                ))}
              </SimpleGrid>
              {ci.description && (
                <dl style={{ margin: "12px 0 0" }}>
                  <Fact label={t("cmdb.col.description")}>{ci.description}</Fact>
                </dl>
              )}
            </Paper>
            <ServiceMap ciId={ci.id} />
            <History ciId={ci.id} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <CiRelationships ci={ci} />
            <OpenWork ciId={ci.id} />
            <Impact ciId={ci.id} />
          </Stack>
        </Grid.Col>
      </Grid>
      <CiFormModal opened={editing} onClose={() => setEditing(false)} ci={ci as TCi} />
    </Stack>
  );
}

function OpenWork({ ciId }: { ciId: string }) {
  const { t } = useTranslation();
  const work = useCiWork(ciId);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="work-heading">
      <Title order={2} fz="h4" id="work-heading" mb="sm">
        {t("cmdb.detail.openWork")}
      </Title>
      {work.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          {t("cmdb.detail.noOpenWork")}
        </Text>
      )}
      <Stack component="ul" gap={4} p={0} m={0} style={{ listStyle: "none" }}>
        {work.data?.map((w) => (
          <li key={w.id}>
            <Group gap={6} wrap="nowrap">
              {w.type === "incident" ? (
                <AnchorLink to="/incidents/$incidentId" params={{ incidentId: w.number }} ff="monospace" size="sm">
                  {w.number}
                </AnchorLink>
              ) : (
                <Text ff="monospace" size="sm">
                  {w.number}
                </Text>
              )}
              <Badge size="xs" variant="light" tt="none">
                {t(`cmdb.role.${w.role}`)}
              </Badge>
              <Text size="sm" truncate>
                {w.title}
              </Text>
            </Group>
          </li>
        ))}
      </Stack>
    </Paper>
  );
}

function Impact({ ciId }: { ciId: string }) {
  const { t } = useTranslation();
  const impact = useCiImpact(ciId);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="impact-heading">
      <Title order={2} fz="h4" id="impact-heading" mb={4}>
        {t("cmdb.detail.impact")}
      </Title>
      {impact.data && (
        <Stack gap="xs">
          <Text size="sm" c="dimmed">
            {t("cmdb.detail.impactHint", { count: impact.data.items.length })}
          </Text>
          <Text size="xs" fw={600} c="dimmed">
            {t("cmdb.detail.services")}
          </Text>
          {impact.data.businessServices.length === 0 && <Text size="sm">{t("cmdb.detail.noServices")}</Text>}
          <Group gap={6}>
            {impact.data.businessServices.map((s) => (
              <AnchorLink key={s.id} to="/cmdb/$ciId" params={{ ciId: s.id }} size="sm">
                {s.name}
              </AnchorLink>
            ))}
          </Group>
        </Stack>
      )}
    </Paper>
  );
}

function describe(e: TCiHistoryEvent, t: TFunction): string {
  const d = e.data as Record<string, unknown>;
  const other = (d.other as { name?: string } | undefined)?.name ?? "";
  switch (e.kind) {
    case "created":
      return t("cmdb.history.created");
    case "updated":
      return t("cmdb.history.updated", { fields: e.changes.map((c) => c.field.replace(/^attributes\./, "")).join(", ") });
    case "relationship_added":
    case "relationship_removed":
      return t(`cmdb.history.${e.kind}`, { label: String(d.label ?? ""), name: other });
    case "work_item_linked":
    case "work_item_unlinked":
      return t(`cmdb.history.${e.kind}`, { number: String(d.number ?? "") });
    default:
      return t("cmdb.history.other", { kind: e.kind });
  }
}

function History({ ciId }: { ciId: string }) {
  const { t } = useTranslation();
  const history = useCiHistory(ciId);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="history-heading">
      <Title order={2} fz="h4" id="history-heading" mb="sm">
        {t("cmdb.detail.history")}
      </Title>
      {history.data?.length === 0 && <Text size="sm">{t("cmdb.detail.noHistory")}</Text>}
      <Stack component="ol" gap="xs" p={0} m={0} style={{ listStyle: "none" }}>
        {history.data?.map((e) => (
          <li key={e.id}>
            <Text size="sm">
              <Text span fw={600} size="sm">
                {e.actor?.name ?? "Portico"}
              </Text>{" "}
              {describe(e, t)} · <RelativeTime iso={e.createdAt} />
              {typeof e.data.via === "string" && e.data.via !== "api" ? ` · ${t("cmdb.history.via", { via: e.data.via })}` : ""}
            </Text>
            {e.kind === "updated" && (
              <Stack component="ul" gap={0} pl="md" m={0}>
                {e.changes.map((c) => (
                  <Text component="li" key={c.field} size="xs" c="dimmed">
                    {t("cmdb.history.change", { field: c.field.replace(/^attributes\./, ""), from: show(c.from), to: show(c.to) })}
                  </Text>
                ))}
              </Stack>
            )}
          </li>
        ))}
      </Stack>
    </Paper>
  );
}
