import { Alert, Badge, Button, Card, Group, Loader, SegmentedControl, SimpleGrid, Stack, Table, Tabs, Text, TextInput, Title } from "@mantine/core";
import { Link, useParams } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../app/api";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { RelativeTime } from "../../app/time";
import { RequestStateBadge } from "../../shells/portal/portal-bits";
import { useRequest, useRequests, useTasks } from "../catalog/catalog.api";
import { AnswerList, ApprovalStages, TaskTable } from "../catalog/request-parts";
import { ActivityTimeline } from "./request-activity";

/** The desk's requests and the fulfilment tasks of my groups. */
export function RequestsPage() {
  const { t } = useTranslation();
  const [open, setOpen] = useState<"true" | "false" | "">("true");
  const [q, setQ] = useState("");
  const requests = useRequests({ open: open || undefined, q: q.trim() || undefined });
  const tasks = useTasks({ assignmentGroupId: "mine", open: "true" });
  return (
    <Stack gap="md">
      <PageHeading order={1}>{t("catalog.request.requests")}</PageHeading>
      <Tabs defaultValue="requests" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="requests">{t("catalog.request.requests")}</Tabs.Tab>
          <Tabs.Tab value="tasks">
            {t("catalog.request.myGroups")}{" "}
            {!!tasks.data?.length && (
              <Badge size="sm" variant="light" ml={4}>
                {tasks.data.length}
              </Badge>
            )}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="requests" pt="md">
          <Group mb="sm">
            <SegmentedControl
              value={open}
              onChange={(v) => setOpen(v as "true")}
              data={[
                { value: "true", label: t("catalog.request.open") },
                { value: "false", label: t("catalog.request.closed") },
                { value: "", label: t("catalog.request.all") },
              ]}
            />
            <TextInput aria-label={t("catalog.portal.searchLabel")} placeholder="REQ…" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
          </Group>
          {requests.isLoading && <Loader size="sm" />}
          {requests.data?.length === 0 && <Text c="dimmed">{t("catalog.request.empty")}</Text>}
          {!!requests.data?.length && (
            <Table.ScrollContainer minWidth={700}>
              <Table striped highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("catalog.request.number")}</Table.Th>
                    <Table.Th>{t("catalog.request.item")}</Table.Th>
                    <Table.Th>{t("catalog.request.requester")}</Table.Th>
                    <Table.Th>{t("catalog.request.state")}</Table.Th>
                    <Table.Th>{t("catalog.request.progress")}</Table.Th>
                    <Table.Th>{t("catalog.request.created")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {requests.data.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>
                        <AnchorLink to="/requests/$ref" params={{ ref: r.number }} fw={600}>
                          {r.number}
                        </AnchorLink>
                      </Table.Td>
                      <Table.Td>
                        {r.title}{" "}
                        <Text span c="dimmed" fz="xs">
                          {r.desk.name}
                        </Text>
                      </Table.Td>
                      <Table.Td>{r.requester.name}</Table.Td>
                      <Table.Td>
                        <RequestStateBadge state={r.state} />
                      </Table.Td>
                      <Table.Td>{r.totalTasks ? t("catalog.request.openTasks", { open: r.openTasks, total: r.totalTasks }) : "—"}</Table.Td>
                      <Table.Td>
                        <RelativeTime iso={r.createdAt} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="tasks" pt="md">
          {tasks.isLoading && <Loader size="sm" />}
          {tasks.data?.length === 0 && <Text c="dimmed">{t("catalog.request.noTasks")}</Text>}
          {(tasks.data ?? []).map((task) => (
            <Card key={task.id} withBorder mb="xs" padding="sm">
              <Group justify="space-between" wrap="nowrap">
                <Text fz="sm">
                  <AnchorLink to="/requests/$ref" params={{ ref: task.request.number }} fw={600}>
                    {task.request.number}
                  </AnchorLink>{" "}
                  · {task.request.title} · {task.requester.name}
                </Text>
              </Group>
              <TaskTable tasks={[task]} staff actionsById={{ [task.id]: task.actions }} />
            </Card>
          ))}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** One request for the desk: answers, approvals, tasks (worked here), activity. */
export function RequestDetailPage() {
  const { t } = useTranslation();
  const { ref } = useParams({ strict: false }) as { ref: string };
  const req = useRequest(ref);
  if (req.isLoading) return <Loader />;
  if (!req.data) return <Alert color="red">{req.error instanceof ApiError ? req.error.message : t("errors.generic")}</Alert>;
  const r = req.data;
  return (
    <Stack gap="md">
      <Button component={Link} to="/requests" variant="subtle" size="compact-sm" style={{ alignSelf: "flex-start" }}>
        ← {t("catalog.request.requests")}
      </Button>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Text c="dimmed" fz="sm">
            {r.number} · {r.desk.name} · {t("catalog.request.version", { version: r.catalogItem.version })}
          </Text>
          <PageHeading order={1}>{r.title}</PageHeading>
          <Text fz="sm">
            {t("catalog.request.requester")}: {r.requester.name} · <RelativeTime iso={r.createdAt} />
          </Text>
        </Stack>
        <RequestStateBadge state={r.state} />
      </Group>
      {r.closeReason && (
        <Alert color={r.state === "rejected" ? "red" : "gray"} variant="light" title={t("catalog.request.closeReason")}>
          {r.closeReason}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Stack gap="md">
          <Card withBorder>
            <Title order={2} fz="lg" mb="sm">
              {t("catalog.request.fulfilment")}
            </Title>
            <TaskTable tasks={r.tasks} staff />
          </Card>
          <Card withBorder>
            <Title order={2} fz="lg" mb="sm">
              {t("catalog.request.answers")}
            </Title>
            <AnswerList answers={r.answers} />
          </Card>
          <Card withBorder>
            <Title order={2} fz="lg" mb="sm">
              {t("catalog.request.approvals")}
            </Title>
            <ApprovalStages stages={r.approvals} />
          </Card>
        </Stack>
        <Card withBorder>
          <ActivityTimeline refId={r.id} />
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
