import { Alert, Button, Grid, Group, Paper, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useParams } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { PROBLEM_CLOSE_CODES, type ProblemAction, type TProblem } from "../../../../contracts/problems";
import { ApiError } from "../../app/api";
import { AppModal } from "../../app/app-modal";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { PriorityBadge } from "../incidents/components/badges";
import { errorText } from "../incidents/components/form-errors";
import { ItemActivity } from "../work-item-ui/item-activity";
import { KnownErrorPanel } from "./known-error-panel";
import { LinkedIncidentsPanel } from "./linked-incidents-panel";
import { ProblemStateBadge } from "./problem-badges";
import { problemKeys, useProblem, useProblemTransition, useUpdateProblem } from "./problems.api";
import { RecordFallback } from "../../app/record-gate";
import { ClocksPanel } from "../sla/clocks-panel";

/** One problem: state and actions, analysis (root cause, workaround, fix), incidents, known error, activity. */
export function ProblemDetailPage() {
  const { t } = useTranslation();
  const { problemId } = useParams({ from: "/_agent/problems/$problemId" });
  const query = useProblem(problemId);
  if (!query.isSuccess) return <RecordFallback query={query} reference={problemId} back={{ to: "/problems", label: t("problems.title") }} />;
  const p = query.data;
  return (
    <Stack gap="md">
      <AnchorLink to="/problems" size="sm" style={{ alignSelf: "flex-start" }}>
        ← {t("problems.title")}
      </AnchorLink>
      <Stack gap={6}>
        <Group gap="xs">
          <Text ff="monospace" fw={600} c="dimmed">
            {p.number}
          </Text>
          <ProblemStateBadge state={p.state} />
          <PriorityBadge priority={p.priority} long />
          {p.service && (
            <Text size="sm" c="dimmed">
              {p.service.name}
            </Text>
          )}
        </Group>
        <PageHeading fz="h2" documentTitle={`${p.number} ${p.title}`}>
          {p.title}
        </PageHeading>
        {p.description && (
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {p.description}
          </Text>
        )}
      </Stack>
      <ProblemActions problem={p} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Analysis problem={p} key={p.version} />
            <ItemActivity base={`/api/v1/problems/${encodeURIComponent(p.id)}`} queryKey={problemKeys.detail(problemId)} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <ClocksPanel itemRef={p.number} />
            <LinkedIncidentsPanel problem={p} problemRef={problemId} />
            <KnownErrorPanel problem={p} problemRef={problemId} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

const NEEDS: Partial<Record<ProblemAction, Array<"rootCause" | "fix" | "closeCode" | "reason">>> = {
  start_fix: ["rootCause"],
  resolve: ["fix"],
  cancel: ["closeCode", "reason"],
  reopen: ["reason"],
};

function ProblemActions({ problem: p }: { problem: TProblem }) {
  const { t } = useTranslation();
  const transition = useProblemTransition(p.number);
  const [dialog, setDialog] = useState<ProblemAction | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const needs = (a: ProblemAction) => (NEEDS[a] ?? []).filter((f) => !(f === "rootCause" && p.rootCause) && !(f === "fix" && p.fix));
  const run = async (action: ProblemAction) => {
    try {
      await transition.mutateAsync({ action, version: p.version, ...values } as never);
      notifications.show({ color: "green", message: t("problems.actionDone", { action: t(`problems.action.${action}`) }) });
      setDialog(null);
      setValues({});
      setError(null);
    } catch (err) {
      const msg = errorText(err, t);
      if (dialog) setError(msg);
      else notifications.show({ color: "red", message: msg });
    }
  };
  if (!p.actions.length) return null;
  return (
    <>
      <Group gap="xs" role="group" aria-label={t("detail.actions")}>
        {p.actions.map((a) => (
          <Button
            key={a}
            size="sm"
            variant={a === "cancel" ? "subtle" : a === "resolve" || a === "close" ? "filled" : "light"}
            color={a === "cancel" ? "red" : undefined}
            onClick={() => (needs(a).length ? setDialog(a) : void run(a))}
            loading={transition.isPending && !dialog}
          >
            {t(`problems.action.${a}`)}
          </Button>
        ))}
      </Group>
      {dialog && (
        <AppModal opened onClose={() => setDialog(null)} title={t(`problems.action.${dialog}`)}>
          <form
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              void run(dialog);
            }}
          >
            <Stack gap="sm">
              {error && (
                <Alert color="red" role="alert">
                  {error}
                </Alert>
              )}
              {needs(dialog).map((f) =>
                f === "closeCode" ? (
                  <Select
                    key={f}
                    label={t("problems.field.closeCode")}
                    data={PROBLEM_CLOSE_CODES.filter((c) => c !== "fix_applied").map((c) => ({ value: c, label: t(`problems.closeCode.${c}`) }))}
                    value={values.closeCode ?? null}
                    onChange={(v) => setValues({ ...values, closeCode: v ?? "" })}
                    required
                  />
                ) : (
                  <Textarea
                    key={f}
                    label={t(`problems.field.${f}`)}
                    value={values[f] ?? ""}
                    onChange={(e) => setValues({ ...values, [f]: e.currentTarget.value })}
                    required
                    autosize
                    minRows={3}
                    data-autofocus
                  />
                ),
              )}
              <Group justify="flex-end">
                <Button type="submit" loading={transition.isPending}>
                  {t(`problems.action.${dialog}`)}
                </Button>
              </Group>
            </Stack>
          </form>
        </AppModal>
      )}
    </>
  );
}

function Analysis({ problem: p }: { problem: TProblem }) {
  const { t } = useTranslation();
  const update = useUpdateProblem(p.number);
  const [v, setV] = useState({ rootCause: p.rootCause ?? "", workaround: p.workaround ?? "", fix: p.fix ?? "" });
  const dirty = v.rootCause !== (p.rootCause ?? "") || v.workaround !== (p.workaround ?? "") || v.fix !== (p.fix ?? "");
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await update.mutateAsync({ rootCause: v.rootCause || null, workaround: v.workaround || null, fix: v.fix || null, version: p.version });
      notifications.show({ color: "green", message: t("problems.saved") });
    } catch (err) {
      notifications.show({ color: "red", message: err instanceof ApiError ? errorText(err, t) : t("errors.generic") });
    }
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="analysis-heading">
      <form onSubmit={save}>
        <Stack gap="sm">
          <Title order={2} fz="h4" id="analysis-heading">
            {t("problems.analysis")}
          </Title>
          {(["rootCause", "workaround", "fix"] as const).map((f) => (
            <Textarea
              key={f}
              label={t(`problems.field.${f}`)}
              value={v[f]}
              onChange={(e) => setV({ ...v, [f]: e.currentTarget.value })}
              autosize
              minRows={2}
              maxLength={20000}
            />
          ))}
          <Group justify="flex-end">
            <Button type="submit" disabled={!dirty} loading={update.isPending}>
              {t("problems.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
