import { Alert, Badge, Button, Group, List, Paper, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TChange, TRiskAnswers } from "../../../../contracts/changes";
import { errorText } from "../incidents/components/form-errors";
import { formatWindow, RiskBadge } from "./change-badges";
import { useAddTask, useAssessRisk, useCompleteTask, useDecide, useFreezeOverride } from "./changes.api";
import { DEFAULT_ANSWERS, RiskQuestionnaire } from "./risk-questionnaire";

type Stage = {
  id: string;
  name: string;
  rule: string;
  quorum: number | null;
  state: string;
  approvals: Array<{ id: string; approver: { name: string }; state: string; comment: string | null; canDecide: boolean }>;
};

function useNotify() {
  const { t } = useTranslation();
  return {
    ok: (message: string) => notifications.show({ color: "green", message }),
    fail: (err: unknown) => notifications.show({ color: "red", message: errorText(err, t) }),
  };
}

/** Collisions and freeze windows for the planned window, with the change manager's override. */
export function ConflictsPanel({ change: c }: { change: TChange }) {
  const { t } = useTranslation();
  const override = useFreezeOverride(c.number);
  const n = useNotify();
  const [reason, setReason] = useState("");
  const frozen = c.conflicts.some((x) => x.kind === "freeze" && !x.overridden);
  if (!c.conflicts.length) return null;
  return (
    <Alert color="orange" title={t("changes.conflicts.title")} role="status">
      <Stack gap="xs">
        <List size="sm">
          {c.conflicts.map((x) => (
            <List.Item key={`${x.kind}-${x.id}`}>
              {x.kind === "change"
                ? t("changes.conflicts.change", { number: x.number ?? "", services: x.services.map((s) => s.name).join(", ") })
                : t("changes.conflicts.freeze", { name: x.name })}{" "}
              <Text span size="xs" c="dimmed">
                ({formatWindow(x.start, x.end)})
              </Text>
              {x.overridden && (
                <Text span size="xs" fw={600}>
                  {" "}
                  — {t("changes.conflicts.overridden")}
                </Text>
              )}
            </List.Item>
          ))}
        </List>
        {frozen && (
          <form
            onSubmit={async (e: FormEvent) => {
              e.preventDefault();
              try {
                await override.mutateAsync(reason);
                setReason("");
                n.ok(t("changes.saved"));
              } catch (err) {
                n.fail(err);
              }
            }}
          >
            <Group align="flex-end" gap="xs">
              <TextInput label={t("changes.field.overrideReason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} style={{ flex: 1 }} />
              <Button type="submit" variant="white" color="orange" disabled={!reason.trim()} loading={override.isPending}>
                {t("changes.conflicts.override")}
              </Button>
            </Group>
          </form>
        )}
      </Stack>
    </Alert>
  );
}

/** The approval chain (CAB, change manager) with approve/reject for the caller's own pending approval. */
export function ApprovalsPanel({ change: c }: { change: TChange }) {
  const { t } = useTranslation();
  const decide = useDecide();
  const n = useNotify();
  const [comment, setComment] = useState("");
  const stages = c.approvals as Stage[];
  const run = async (id: string, decision: "approve" | "reject") => {
    try {
      await decide.mutateAsync({ id, decision, comment: comment.trim() || undefined });
      setComment("");
      n.ok(t("changes.approvals.decided"));
    } catch (err) {
      n.fail(err);
    }
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="approvals-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="approvals-heading">
          {t("changes.approvals.title")}
        </Title>
        {!stages.length && (
          <Text size="sm" c="dimmed">
            {t("changes.approvals.none")}
          </Text>
        )}
        {stages.map((s) => (
          <Stack key={s.id} gap={4}>
            <Group gap="xs">
              <Text fw={600} size="sm">
                {s.name}
              </Text>
              <Badge variant="light" size="sm" tt="none" c="dark.8">
                {s.state}
              </Badge>
              <Text size="xs" c="dimmed">
                {s.rule === "quorum" ? `quorum ${s.quorum}` : s.rule}
              </Text>
            </Group>
            {s.approvals.map((a) => (
              <Stack key={a.id} gap={4} pl="sm">
                <Text size="sm">
                  {a.approver.name} · {a.state}
                  {a.comment ? ` — “${a.comment}”` : ""}
                </Text>
                {a.canDecide && (
                  <Stack gap="xs">
                    <Textarea label={t("changes.approvals.comment")} value={comment} onChange={(e) => setComment(e.currentTarget.value)} autosize minRows={1} />
                    <Group gap="xs">
                      <Button size="xs" color="teal" onClick={() => void run(a.id, "approve")} loading={decide.isPending}>
                        {t("changes.approvals.approve")}
                      </Button>
                      <Button size="xs" color="red" variant="light" onClick={() => void run(a.id, "reject")} loading={decide.isPending}>
                        {t("changes.approvals.reject")}
                      </Button>
                    </Group>
                  </Stack>
                )}
              </Stack>
            ))}
          </Stack>
        ))}
      </Stack>
    </Paper>
  );
}

/** The risk: level, score and how it was reached; the questionnaire while it may still change. */
export function RiskPanel({ change: c }: { change: TChange }) {
  const { t } = useTranslation();
  const assess = useAssessRisk(c.number);
  const n = useNotify();
  const [answers, setAnswers] = useState<TRiskAnswers>(c.riskAnswers ?? DEFAULT_ANSWERS);
  const open = ["new", "assess", "authorize"].includes(c.state);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="risk-heading">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} fz="h4" id="risk-heading">
            {t("changes.field.risk")}
          </Title>
          <Group gap="xs">
            <RiskBadge risk={c.risk} />
            {c.riskScore !== null && (
              <Text size="xs" c="dimmed">
                {t("changes.questions.score", { score: c.riskScore })}
              </Text>
            )}
          </Group>
        </Group>
        {c.riskFactors.length > 0 && (
          <List size="xs" c="dimmed">
            {c.riskFactors.map((f) => (
              <List.Item key={f.factor}>
                {f.factor.replace("questionnaire.", "")}: {f.detail} ({f.points > 0 ? "+" : ""}
                {f.points})
              </List.Item>
            ))}
          </List>
        )}
        {open && c.type !== "standard" && (
          <form
            onSubmit={async (e: FormEvent) => {
              e.preventDefault();
              try {
                await assess.mutateAsync(answers);
                n.ok(t("changes.saved"));
              } catch (err) {
                n.fail(err);
              }
            }}
          >
            <Stack gap="sm">
              <RiskQuestionnaire value={answers} onChange={setAnswers} />
              <Group justify="flex-end">
                <Button type="submit" variant="light" loading={assess.isPending}>
                  {t("changes.questions.assess")}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}

/** Change tasks: add one, complete open ones. */
export function TasksPanel({ change: c }: { change: TChange }) {
  const { t } = useTranslation();
  const add = useAddTask(c.number);
  const complete = useCompleteTask();
  const n = useNotify();
  const [title, setTitle] = useState("");
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="tasks-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="tasks-heading">
          {t("changes.tasks.title")}
        </Title>
        {!c.tasks.length && (
          <Text size="sm" c="dimmed">
            {t("changes.tasks.none")}
          </Text>
        )}
        {c.tasks.map((x) => (
          <Group key={x.id} justify="space-between" wrap="nowrap">
            <Text size="sm">
              <Text span ff="monospace">
                {x.number}
              </Text>{" "}
              {x.title} · {x.state.replace("_", " ")}
            </Text>
            {!["closed", "cancelled"].includes(x.state) && (
              <Button
                size="xs"
                variant="subtle"
                onClick={() => complete.mutate(x.number, { onError: n.fail })}
                aria-label={t("changes.tasks.complete", { number: x.number })}
              >
                ✓
              </Button>
            )}
          </Group>
        ))}
        {!["review", "closed", "cancelled"].includes(c.state) && (
          <form
            onSubmit={async (e: FormEvent) => {
              e.preventDefault();
              try {
                await add.mutateAsync(title.trim());
                setTitle("");
              } catch (err) {
                n.fail(err);
              }
            }}
          >
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <TextInput
                label={t("changes.tasks.newTitle")}
                value={title}
                onChange={(e) => setTitle(e.currentTarget.value)}
                style={{ flex: 1 }}
                maxLength={300}
              />
              <Button type="submit" variant="light" disabled={!title.trim()} loading={add.isPending}>
                {t("changes.tasks.add")}
              </Button>
            </Group>
          </form>
        )}
      </Stack>
    </Paper>
  );
}
