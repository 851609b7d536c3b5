import { Alert, Button, Card, Group, Loader, SegmentedControl, SimpleGrid, Stack, Text, Textarea, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useParams, useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../app/api";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { RelativeTime } from "../../app/time";
import type { TIncident } from "../../../../contracts/incidents";
import { cancelRequest, useMyIncidents, useRequest, useRequests } from "../../features/catalog/catalog.api";
import { AnswerList, ApprovalStages } from "../../features/catalog/request-parts";
import { Conversation, ItemIcon, RequestStateBadge } from "./portal-bits";
import { useQuery } from "@tanstack/react-query";

/** My requests (open or closed) and the issues I reported. */
export function PortalRequestsPage() {
  const { t } = useTranslation();
  const [open, setOpen] = useState<"true" | "false" | "">("true");
  const requests = useRequests({ open: open || undefined });
  const incidents = useMyIncidents();
  return (
    <Stack gap="lg">
      <PageHeading order={1}>{t("catalog.portal.myRequests")}</PageHeading>
      <SegmentedControl
        value={open}
        onChange={(v) => setOpen(v as "true")}
        data={[
          { value: "true", label: t("catalog.request.open") },
          { value: "false", label: t("catalog.request.closed") },
          { value: "", label: t("catalog.request.all") },
        ]}
        style={{ alignSelf: "flex-start" }}
      />
      {requests.isLoading && <Loader size="sm" />}
      {requests.data?.length === 0 && <Text c="dimmed">{t("catalog.request.empty")}</Text>}
      <Stack gap="sm">
        {(requests.data ?? []).map((r) => (
          <Card key={r.id} withBorder radius="md" padding="sm">
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Group wrap="nowrap" gap="sm" style={{ minWidth: 0 }}>
                <ItemIcon name={r.catalogItem.icon} size={36} />
                <div style={{ minWidth: 0 }}>
                  <AnchorLink to="/portal/requests/$ref" params={{ ref: r.number }} fw={700}>
                    {r.title}
                  </AnchorLink>
                  <Text fz="sm" c="dimmed">
                    {r.number} · <RelativeTime iso={r.createdAt} />
                    {r.totalTasks > 0 && r.openTasks > 0 ? ` · ${t("catalog.request.openTasks", { open: r.openTasks, total: r.totalTasks })}` : ""}
                  </Text>
                </div>
              </Group>
              <RequestStateBadge state={r.state} />
            </Group>
          </Card>
        ))}
      </Stack>
      <Title order={2} fz="xl">
        {t("catalog.request.incidents")}
      </Title>
      {incidents.data?.length === 0 && <Text c="dimmed">{t("catalog.request.noIncidents")}</Text>}
      {(incidents.data ?? []).map((i) => (
        <Card key={i.id} withBorder radius="md" padding="sm">
          <Group justify="space-between" wrap="nowrap">
            <AnchorLink to="/portal/incidents/$ref" params={{ ref: i.number }} fw={600}>
              {i.title}{" "}
              <Text span c="dimmed" fz="sm">
                {i.number}
              </Text>
            </AnchorLink>
            <Text fz="sm">{t(`state.${i.state}`)}</Text>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}

/** One request as its requester sees it: status, details, approvals, progress, conversation. */
export function PortalRequestPage() {
  const { t } = useTranslation();
  const { ref } = useParams({ strict: false }) as { ref: string };
  const search = useSearch({ strict: false }) as { created?: number };
  const req = useRequest(ref);
  const qc = useQueryClient();
  const [reason, setReason] = useState("");
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (req.isLoading) return <Loader />;
  if (!req.data) return <Alert color="red">{req.error instanceof ApiError ? req.error.message : t("errors.generic")}</Alert>;
  const r = req.data;
  const done = r.tasks.filter((x) => x.state === "completed" || x.state === "cancelled").length;
  return (
    <Stack gap="lg">
      {search.created === 1 && (
        <Alert color="green" variant="light" role="status">
          {t("catalog.request.submitted", { number: r.number })}
        </Alert>
      )}
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Text c="dimmed" fz="sm">
            {r.number} · {r.desk.name}
          </Text>
          <PageHeading order={1}>{r.title}</PageHeading>
          <Text fz="sm" c="dimmed">
            {t("catalog.request.created")} <RelativeTime iso={r.createdAt} />
          </Text>
        </Stack>
        <RequestStateBadge state={r.state} />
      </Group>
      {r.closeReason && (
        <Alert color={r.state === "rejected" ? "red" : "gray"} variant="light" title={t("catalog.request.closeReason")}>
          {r.closeReason}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="lg">
          <Card withBorder radius="md">
            <Title order={2} fz="lg" mb="sm">
              {t("catalog.request.answers")}
            </Title>
            <AnswerList answers={r.answers} />
          </Card>
          <Card withBorder radius="md">
            <Title order={2} fz="lg" mb="sm">
              {t("catalog.request.approvals")}
            </Title>
            <ApprovalStages stages={r.approvals} />
          </Card>
          {r.tasks.length > 0 && (
            <Card withBorder radius="md">
              <Title order={2} fz="lg" mb="sm">
                {t("catalog.request.progress")}
              </Title>
              <Text>{t("catalog.request.openTasks", { open: r.tasks.length - done, total: r.tasks.length })}</Text>
              <Stack gap={4} mt="xs">
                {r.tasks.map((x) => (
                  <Text key={x.id} fz="sm">
                    {x.state === "completed" ? "✓" : x.state === "cancelled" ? "–" : "○"} {x.title} · {t(`catalog.taskStates.${x.state}`)}
                  </Text>
                ))}
              </Stack>
            </Card>
          )}
          {r.actions.includes("cancel") && (
            <Card withBorder radius="md">
              {cancelling ? (
                <Stack gap="xs">
                  <Textarea label={t("catalog.request.cancelReason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={error} />
                  <Button
                    color="red"
                    style={{ alignSelf: "flex-start" }}
                    disabled={!reason.trim()}
                    onClick={async () => {
                      try {
                        await cancelRequest(r.id, reason.trim());
                        await qc.invalidateQueries({ queryKey: ["request"] });
                        setCancelling(false);
                      } catch (e) {
                        setError(e instanceof ApiError ? e.message : t("errors.generic"));
                      }
                    }}
                  >
                    {t("catalog.request.confirmCancel")}
                  </Button>
                </Stack>
              ) : (
                <Button variant="default" onClick={() => setCancelling(true)} style={{ alignSelf: "flex-start" }}>
                  {t("catalog.request.cancel")}
                </Button>
              )}
            </Card>
          )}
        </Stack>
        <Card withBorder radius="md">
          <Conversation base="requests" ref={r.id} />
        </Card>
      </SimpleGrid>
    </Stack>
  );
}

/** One of my incidents: status, what I wrote, and the public conversation. */
export function PortalIncidentPage() {
  const { t } = useTranslation();
  const { ref } = useParams({ strict: false }) as { ref: string };
  const inc = useQuery({ queryKey: ["incident", ref], queryFn: ({ signal }) => api<TIncident>("GET", `/api/v1/incidents/${ref}`, { signal }) });
  if (inc.isLoading) return <Loader />;
  if (!inc.data) return <Alert color="red">{inc.error instanceof ApiError ? inc.error.message : t("errors.generic")}</Alert>;
  const i = inc.data;
  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Text c="dimmed" fz="sm">
          {i.number}
        </Text>
        <PageHeading order={1}>{i.title}</PageHeading>
        <Text fw={600}>{t(`state.${i.state}`)}</Text>
      </Stack>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Card withBorder radius="md">
          <Text style={{ whiteSpace: "pre-wrap" }}>{i.description}</Text>
        </Card>
        <Card withBorder radius="md">
          <Conversation base="incidents" ref={i.id} />
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
