import { Anchor, Grid, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { useParams } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { TIncident } from "../../../../../contracts/incidents";
import { AnchorLink } from "../../../app/links";
import { PageHeading, useDocumentTitle } from "../../../app/page";
import { RelativeTime } from "../../../app/time";
import { PriorityBadge, StateBadge } from "../components/badges";
import { useIncident } from "../incidents.api";
import { lastQueueSearch } from "../queue/queue-search";
import { Composer } from "./activity/composer";
import { Timeline } from "./activity/timeline";
import { AttachmentsPanel } from "./attachments-panel";
import { FieldsPanel } from "./fields-panel";
import { IncidentActions } from "./incident-actions";
import { useIsStaff } from "../../reference/reference.api";
import { IncidentProblemPanel } from "../../problems/incident-problem-panel";
import { KnowledgePanel } from "../../knowledge/knowledge-panel";
import { LinksPanel } from "./links-panel";
import { SummaryCard } from "./summary-card";
import { WatchersPanel } from "./watchers-panel";
import { ClocksPanel } from "../../sla/clocks-panel";
import { DeskWorkMenu } from "../../desk-work/desk-work-menu";
import { MacroBar } from "../../desk-work/macro-bar";
import { LinkTreePanel } from "../../desk-work/link-tree-panel";
import { MajorBanner } from "../../desk-work/major-banner";
import { TimePanel } from "../../desk-work/time-panel";
import { CiPickerPanel } from "../../cmdb/ci-picker-panel";
import { RecordFallback } from "../../../app/record-gate";

/** One incident: header and actions, description, activity, and the side panels. */
export function IncidentDetailPage() {
  const { t } = useTranslation();
  const { incidentId } = useParams({ from: "/_agent/incidents/$incidentId" });
  const ref = incidentId;
  const query = useIncident(ref);
  const isStaff = useIsStaff();
  useDocumentTitle(query.data ? `${query.data.number} ${query.data.title}` : incidentId);

  if (!query.isSuccess)
    return (
      <RecordFallback
        query={query}
        reference={incidentId}
        back={{ to: "/", label: t("app.backToQueue") }}
        notFound={t("detail.notFound", { id: incidentId })}
      />
    );
  const inc = query.data;
  const reload = () => query.refetch();
  return (
    <Stack gap="md">
      <AnchorLink to="/incidents" search={lastQueueSearch()} size="sm" style={{ alignSelf: "flex-start" }}>
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden />
          {t("app.backToQueue")}
        </Group>
      </AnchorLink>
      {isStaff && <MajorBanner incidentRef={ref} />}
      <Header incident={inc} />
      <Group gap="xs" align="flex-start">
        <IncidentActions incident={inc} incidentRef={ref} onReload={reload} />
        {isStaff && <DeskWorkMenu incident={inc} />}
        {isStaff && <MacroBar incident={inc} />}
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            <SummaryCard incident={inc} incidentRef={ref} onReload={reload} />
            <StateDetails incident={inc} />
            <Paper withBorder p="md" radius="md" component="section" aria-labelledby="activity-heading">
              <Stack gap="md">
                <Title order={2} fz="h4" id="activity-heading">
                  {t("activity.title")}
                </Title>
                <Composer incidentRef={ref} />
                <Text size="xs" c="dimmed">
                  {t("activity.newestFirst")}
                </Text>
                <Timeline incidentRef={ref} people={[inc.requester, inc.assignee, inc.createdBy]} />
              </Stack>
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="md">
            {isStaff && <ClocksPanel itemRef={inc.number} />}
            <FieldsPanel incident={inc} incidentRef={ref} onReload={reload} />
            {isStaff && <CiPickerPanel workItemRef={inc.number} />}
            <AttachmentsPanel incidentRef={ref} />
            <WatchersPanel incident={inc} incidentRef={ref} />
            {isStaff && <IncidentProblemPanel incidentRef={ref} />}
            {isStaff && <LinksPanel incidentRef={ref} />}
            {isStaff && <LinkTreePanel itemRef={inc.number} />}
            {isStaff && <TimePanel itemRef={inc.number} />}
            <KnowledgePanel itemRef={ref} itemNumber={inc.number} resolved={inc.state === "resolved" || inc.state === "closed"} staff={isStaff} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Header({ incident: inc }: { incident: TIncident }) {
  const { t } = useTranslation();
  return (
    <Stack gap={6}>
      <Group gap="xs">
        <Text ff="monospace" fw={600} c="dimmed">
          {inc.number}
        </Text>
        <StateBadge state={inc.state} live />
        <PriorityBadge priority={inc.priority} long />
      </Group>
      <PageHeading fz="h2" documentTitle={`${inc.number} ${inc.title}`} style={{ overflowWrap: "anywhere" }}>
        {inc.title}
      </PageHeading>
      <Text size="sm" c="dimmed">
        {t("detail.requestedBy", { name: inc.requester.name })} (
        <Anchor href={`mailto:${inc.requester.email}`} size="sm" underline="always">
          {inc.requester.email}
        </Anchor>
        ) {t("detail.via", { channel: t(`channel.${inc.channel}`) })}
        {inc.createdBy && inc.createdBy.id !== inc.requester.id ? `, ${t("detail.loggedBy", { name: inc.createdBy.name })}` : ""} · {t("detail.opened")}{" "}
        <RelativeTime iso={inc.createdAt} /> · {t("detail.lastUpdated")} <RelativeTime iso={inc.updatedAt} />
      </Text>
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} component="dt">
        {label}
      </Text>
      <Text size="sm" component="dd" m={0} className="entry-body">
        {children}
      </Text>
    </div>
  );
}

/** Hold reason, resolution and reopen count: shown only when the state has any. */
function StateDetails({ incident: inc }: { incident: TIncident }) {
  const { t } = useTranslation();
  if (!inc.holdReason && !inc.resolutionCode && !inc.resolutionNotes && inc.reopenCount === 0) return null;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="info-heading">
      <Title order={2} fz="h4" id="info-heading" mb="sm">
        {t("detail.stateInfo")}
      </Title>
      <SimpleGrid cols={{ base: 1, xs: 2, sm: 3 }} spacing="sm" component="dl" m={0}>
        {inc.holdReason && <Fact label={t("field.holdReason")}>{t(`holdReason.${inc.holdReason}`)}</Fact>}
        {inc.resolutionCode && <Fact label={t("field.resolutionCode")}>{t(`resolutionCode.${inc.resolutionCode}`)}</Fact>}
        {inc.reopenCount > 0 && <Fact label={t("field.reopenCount")}>{inc.reopenCount}</Fact>}
      </SimpleGrid>
      {inc.resolutionNotes && (
        <dl style={{ margin: "12px 0 0" }}>
          <Fact label={t("field.resolutionNotes")}>{inc.resolutionNotes}</Fact>
        </dl>
      )}
    </Paper>
  );
}
