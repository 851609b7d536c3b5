import { Alert, Button, Grid, Group, Paper, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconChevronRight } from "@tabler/icons-react";
import { useParams } from "@tanstack/react-router";
import { type FormEvent, Fragment, useState } from "react";
import { useTranslation } from "react-i18next";
import { CHANGE_OUTCOMES, type ChangeAction, type TChange } from "../../../../contracts/changes";
import { AppModal } from "../../app/app-modal";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { PriorityBadge } from "../incidents/components/badges";
import { errorText } from "../incidents/components/form-errors";
import { ItemActivity } from "../work-item-ui/item-activity";
import { ChangeStateBadge, ChangeTypeBadge, formatWindow, RiskBadge } from "./change-badges";
import { ApprovalsPanel, ConflictsPanel, RiskPanel, TasksPanel } from "./change-panels";
import { changeKeys, useChange, useChangeTransition, useUpdateChange } from "./changes.api";
import { toIso } from "./new-change.page";
import { RecordFallback } from "../../app/record-gate";
import { ClocksPanel } from "../sla/clocks-panel";

/** One change: its type's path, actions, conflicts, approvals, plans and window, risk, tasks, activity. */
export function ChangeDetailPage() {
  const { t } = useTranslation();
  const { changeId } = useParams({ from: "/_agent/changes/$changeId" });
  const query = useChange(changeId);
  if (!query.isSuccess) return <RecordFallback query={query} reference={changeId} back={{ to: "/changes", label: t("changes.title") }} />;
  const c = query.data;
  return (
    <Stack gap="md">
      <AnchorLink to="/changes" size="sm" style={{ alignSelf: "flex-start" }}>
        ← {t("changes.title")}
      </AnchorLink>
      <Stack gap={6}>
        <Group gap="xs">
          <Text ff="monospace" fw={600} c="dimmed">
            {c.number}
          </Text>
          <ChangeTypeBadge type={c.type} />
          <ChangeStateBadge state={c.state} />
          <RiskBadge risk={c.risk} />
          <PriorityBadge priority={c.priority} />
        </Group>
        <PageHeading fz="h2" documentTitle={`${c.number} ${c.title}`}>
          {c.title}
        </PageHeading>
        <Group gap={4} aria-label={t("changes.field.state")} wrap="wrap">
          {c.path.map((s, i) => (
            <Fragment key={s}>
              {i > 0 && <IconChevronRight size={12} aria-hidden />}
              <Text size="xs" fw={s === c.state ? 700 : 400} c={s === c.state ? undefined : "dimmed"} aria-current={s === c.state ? "step" : undefined}>
                {t(`changes.state.${s}`)}
              </Text>
            </Fragment>
          ))}
        </Group>
      </Stack>
      <ChangeActions change={c} />
      <ConflictsPanel change={c} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <PlanPanel change={c} key={c.version} />
            <ItemActivity base={`/api/v1/changes/${encodeURIComponent(c.id)}`} queryKey={changeKeys.detail(changeId)} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <ClocksPanel itemRef={c.number} />
            <ApprovalsPanel change={c} />
            <RiskPanel change={c} key={`risk-${c.version}`} />
            <TasksPanel change={c} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

const NEEDS: Partial<Record<ChangeAction, Array<"outcome" | "reviewNotes" | "reason">>> = {
  review: ["outcome"],
  close: ["reviewNotes"],
  cancel: ["reason"],
};

function ChangeActions({ change: c }: { change: TChange }) {
  const { t } = useTranslation();
  const transition = useChangeTransition(c.number);
  const [dialog, setDialog] = useState<ChangeAction | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const needs = (a: ChangeAction) => (NEEDS[a] ?? []).filter((f) => !(f === "reviewNotes" && c.type === "standard" && c.outcome === "successful"));
  const run = async (action: ChangeAction) => {
    try {
      await transition.mutateAsync({ action, version: c.version, ...values } as never);
      notifications.show({ color: "green", message: t("changes.actionDone", { action: t(`changes.action.${action}`) }) });
      setDialog(null);
      setValues({});
      setError(null);
    } catch (err) {
      if (dialog) setError(errorText(err, t));
      else notifications.show({ color: "red", message: errorText(err, t) });
    }
  };
  if (!c.actions.length) return null;
  return (
    <>
      <Group gap="xs" role="group" aria-label={t("detail.actions")}>
        {c.actions.map((a) => (
          <Button
            key={a}
            size="sm"
            variant={a === "cancel" ? "subtle" : "light"}
            color={a === "cancel" ? "red" : undefined}
            onClick={() => (needs(a).length ? setDialog(a) : void run(a))}
            loading={transition.isPending && !dialog}
          >
            {t(`changes.action.${a}`)}
          </Button>
        ))}
      </Group>
      {dialog && (
        <AppModal opened onClose={() => setDialog(null)} title={t(`changes.action.${dialog}`)}>
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
                f === "outcome" ? (
                  <Select
                    key={f}
                    label={t("changes.field.outcome")}
                    data={CHANGE_OUTCOMES.map((o) => ({ value: o, label: t(`changes.outcome.${o}`) }))}
                    value={values.outcome ?? null}
                    onChange={(v) => setValues({ ...values, outcome: v ?? "" })}
                    required
                  />
                ) : (
                  <Textarea
                    key={f}
                    label={t(`changes.field.${f}`)}
                    value={values[f] ?? ""}
                    onChange={(e) => setValues({ ...values, [f]: e.currentTarget.value })}
                    autosize
                    minRows={3}
                    required={f !== "reviewNotes"}
                    data-autofocus
                  />
                ),
              )}
              <Group justify="flex-end">
                <Button type="submit" loading={transition.isPending}>
                  {t(`changes.action.${dialog}`)}
                </Button>
              </Group>
            </Stack>
          </form>
        </AppModal>
      )}
    </>
  );
}

/** datetime-local value for an ISO instant, in the browser's zone. */
const toLocal = (iso: string | null) => {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

function PlanPanel({ change: c }: { change: TChange }) {
  const { t } = useTranslation();
  const update = useUpdateChange(c.number);
  const editable = !["implement", "review", "closed", "cancelled"].includes(c.state);
  const [v, setV] = useState({
    start: toLocal(c.plannedStart),
    end: toLocal(c.plannedEnd),
    implementationPlan: c.implementationPlan,
    backoutPlan: c.backoutPlan,
    testPlan: c.testPlan,
  });
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await update.mutateAsync({
        plannedStart: toIso(v.start) ?? null,
        plannedEnd: toIso(v.end) ?? null,
        implementationPlan: v.implementationPlan,
        backoutPlan: v.backoutPlan,
        testPlan: v.testPlan,
        version: c.version,
      });
      notifications.show({ color: "green", message: t("changes.saved") });
    } catch (err) {
      notifications.show({ color: "red", message: errorText(err, t) });
    }
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="plan-heading">
      <form onSubmit={save}>
        <Stack gap="sm">
          <Title order={2} fz="h4" id="plan-heading">
            {t("changes.plans")}
          </Title>
          {c.description && (
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {c.description}
            </Text>
          )}
          <Text size="sm">
            <Text span fw={600}>
              {t("changes.field.services")}:
            </Text>{" "}
            {c.services.map((s) => s.name).join(", ") || "—"}
            {c.template && ` · ${t("changes.field.template")}: ${c.template.name}`}
          </Text>
          <Text size="sm">
            <Text span fw={600}>
              {t("changes.field.window")}:
            </Text>{" "}
            {formatWindow(c.plannedStart, c.plannedEnd)}
          </Text>
          {editable && (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                type="datetime-local"
                label={t("changes.field.plannedStart")}
                value={v.start}
                onChange={(e) => setV({ ...v, start: e.currentTarget.value })}
              />
              <TextInput
                type="datetime-local"
                label={t("changes.field.plannedEnd")}
                value={v.end}
                onChange={(e) => setV({ ...v, end: e.currentTarget.value })}
              />
            </SimpleGrid>
          )}
          {(["implementationPlan", "backoutPlan", "testPlan"] as const).map((k) => (
            <Textarea
              key={k}
              label={t(`changes.field.${k}`)}
              value={v[k]}
              onChange={(e) => setV({ ...v, [k]: e.currentTarget.value })}
              autosize
              minRows={2}
              readOnly={!editable}
            />
          ))}
          {c.outcome && (
            <Text size="sm">
              {t("changes.field.outcome")}: {t(`changes.outcome.${c.outcome}`)}
              {c.reviewNotes ? ` — ${c.reviewNotes}` : ""}
            </Text>
          )}
          {editable && (
            <Group justify="flex-end">
              <Button type="submit" loading={update.isPending}>
                {t("changes.save")}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
