import { Badge, Button, Group, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TApprovalStage } from "../../../../contracts/approvals";
import type { TServiceRequest } from "../../../../contracts/catalog";
import { ApiError } from "../../app/api";
import { useDecide, useTaskAction } from "./catalog.api";

const STAGE_COLOR: Record<string, string> = { approved: "green", rejected: "red", pending: "yellow", waiting: "gray", skipped: "gray", cancelled: "gray" };

/** The answers of a request, question by question. */
export function AnswerList({ answers }: { answers: TServiceRequest["answers"] }) {
  return (
    <Stack gap={8} component="dl" m={0}>
      {answers.map((a) => (
        <div key={a.name}>
          <Text component="dt" fz="sm" c="dimmed">
            {a.label}
          </Text>
          <Text component="dd" m={0} style={{ whiteSpace: "pre-wrap" }}>
            {a.display}
          </Text>
        </div>
      ))}
    </Stack>
  );
}

/** The approval chain, stage by stage; the caller's own pending approval gets its buttons. */
export function ApprovalStages({ stages }: { stages: TApprovalStage[] }) {
  const { t } = useTranslation();
  if (!stages.length) return <Text c="dimmed">{t("catalog.request.noApprovals")}</Text>;
  return (
    <Stack gap="sm">
      {stages.map((s) => (
        <Paper key={s.id} withBorder p="sm" radius="md">
          <Group justify="space-between" mb={6}>
            <Text fw={600}>
              {s.name}{" "}
              <Text span c="dimmed" fz="sm">
                ({t(`catalog.approval.rules.${s.rule}`, { quorum: s.quorum ?? 0 })})
              </Text>
            </Text>
            <Badge color={STAGE_COLOR[s.state]} variant="light">
              {t(`catalog.approval.stageStates.${s.state}`)}
            </Badge>
          </Group>
          <Stack gap={4}>
            {s.approvals.map((a) => (
              <div key={a.id}>
                <Group gap="xs">
                  <Text fz="sm">{a.approver.name}</Text>
                  <Text fz="sm" c="dimmed">
                    · {t(`catalog.approval.states.${a.state}`)}
                  </Text>
                </Group>
                {a.comment && (
                  <Text fz="sm" c="dimmed" fs="italic">
                    “{a.comment}”
                  </Text>
                )}
                {a.canDecide && <DecideButtons approvalId={a.id} />}
              </div>
            ))}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}

/** Approve, or reject with a comment the requester will read. */
export function DecideButtons({ approvalId }: { approvalId: string }) {
  const { t } = useTranslation();
  const decide = useDecide();
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const run = async (decision: "approve" | "reject") => {
    setError(null);
    if (decision === "reject" && !comment.trim()) return setError(t("catalog.approval.commentRequired"));
    try {
      await decide.mutateAsync({ id: approvalId, decision, comment });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t("errors.generic"));
    }
  };
  return (
    <Stack gap="xs" mt="xs">
      <TextInput label={t("catalog.approval.comment")} value={comment} onChange={(e) => setComment(e.currentTarget.value)} error={error} />
      <Group gap="xs">
        <Button color="green" onClick={() => run("approve")} loading={decide.isPending}>
          {t("catalog.approval.approve")}
        </Button>
        <Button color="red" variant="light" onClick={() => run("reject")} loading={decide.isPending}>
          {t("catalog.approval.reject")}
        </Button>
      </Group>
    </Stack>
  );
}

/** The request's fulfilment tasks; staff get the actions to work them. */
export function TaskTable({ tasks, staff, actionsById }: { tasks: TServiceRequest["tasks"]; staff: boolean; actionsById?: Record<string, string[]> }) {
  const { t } = useTranslation();
  const act = useTaskAction();
  const [error, setError] = useState<string | null>(null);
  if (!tasks.length) return <Text c="dimmed">{t("catalog.request.noTasks")}</Text>;
  const run = async (id: string, action: "start" | "complete" | "cancel") => {
    setError(null);
    let notes: string | undefined;
    if (action === "cancel") {
      notes = window.prompt(t("catalog.taskActions.notesRequired")) ?? undefined;
      if (!notes) return;
    }
    try {
      await act.mutateAsync({ id, action, notes });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t("errors.generic"));
    }
  };
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={480}>
        <Table verticalSpacing="xs">
          <Table.Tbody>
            {tasks.map((task) => (
              <Table.Tr key={task.id}>
                <Table.Td>
                  <Text fz="sm" fw={600}>
                    {task.title}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    {task.number} · {t("catalog.request.step", { step: task.step })} · {task.assignmentGroup?.name}
                    {task.assignee ? ` · ${task.assignee.name}` : ""}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge
                    variant="light"
                    color={task.state === "completed" ? "green" : task.state === "pending" || task.state === "cancelled" ? "gray" : "blue"}
                  >
                    {t(`catalog.taskStates.${task.state}`)}
                  </Badge>
                </Table.Td>
                {staff && (
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      {(actionsById?.[task.id] ?? defaultActions(task.state)).map((a) => (
                        <Button
                          key={a}
                          size="compact-sm"
                          variant={a === "complete" ? "filled" : "default"}
                          onClick={() => run(task.id, a as "start")}
                          loading={act.isPending}
                        >
                          {t(`catalog.taskActions.${a as "start" | "complete" | "cancel"}`)}
                        </Button>
                      ))}
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {error && (
        <Text c="red" fz="sm" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}

function defaultActions(state: string): string[] {
  if (state === "open") return ["start", "complete", "cancel"];
  if (state === "in_progress") return ["complete", "cancel"];
  if (state === "pending") return ["cancel"];
  return [];
}
