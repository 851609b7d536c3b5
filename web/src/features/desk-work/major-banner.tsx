import { Alert, Anchor, Badge, Button, Collapse, Group, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconAlertOctagon } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { RESOLUTION_CODES } from "../../../../contracts/incidents";
import type { TMajorIncident } from "../../../../contracts/major-incidents";
import { AnchorLink } from "../../app/links";
import { RelativeTime } from "../../app/time";
import { errorText } from "../incidents/components/form-errors";
import { useMajorAction, useMajorContext } from "./desk-work.api";

/** The major-incident banner on an incident: what it is part of, updates, resolve-all and the review. */
export function MajorBanner({ incidentRef }: { incidentRef: string }) {
  const { t } = useTranslation();
  const ctx = useMajorContext(incidentRef, true);
  if (!ctx.data) return null;
  if (ctx.data.parentMajor) {
    const p = ctx.data.parentMajor;
    return (
      <Alert color="red" variant="light" icon={<IconAlertOctagon aria-hidden />} role="status">
        <Group gap="xs">
          <Text fw={600}>{t("deskWork.major.bannerChild", { number: p.number })}</Text>
          <AnchorLink to="/incidents/$incidentId" params={{ incidentId: p.number }} size="sm">
            {p.title}
          </AnchorLink>
          <Badge color={p.status === "active" ? "red" : "gray"}>{t(`deskWork.major.status.${p.status}`)}</Badge>
        </Group>
      </Alert>
    );
  }
  if (!ctx.data.major) return null;
  return <MajorPanel major={ctx.data.major} incidentRef={incidentRef} />;
}

function MajorPanel({ major: m, incidentRef }: { major: TMajorIncident; incidentRef: string }) {
  const { t } = useTranslation();
  const act = useMajorAction(incidentRef);
  const [update, setUpdate] = useState("");
  const [code, setCode] = useState<string | null>(null);
  const [notes, setNotes] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [resolveOpen, resolve] = useDisclosure(false);
  const active = m.status === "active";

  async function run(a: Parameters<typeof act.mutateAsync>[0], done: string) {
    setError(null);
    try {
      await act.mutateAsync(a);
      notifications.show({ color: "green", message: done });
      return true;
    } catch (err) {
      setError(errorText(err, t));
      return false;
    }
  }
  const post = async (e: FormEvent) => {
    e.preventDefault();
    if (!update.trim()) return setError(t("errors.required"));
    const open = m.children.filter((c) => ["new", "in_progress", "on_hold"].includes(c.state)).length;
    if (await run({ kind: "update", body: update.trim() }, t("deskWork.major.updatePosted", { count: open }))) setUpdate("");
  };
  const resolveAll = async (e: FormEvent) => {
    e.preventDefault();
    if (!code || !notes.trim()) return setError(t("errors.required"));
    if (await run({ kind: "resolve", resolutionCode: code, resolutionNotes: notes.trim() }, t("deskWork.major.resolved"))) resolve.close();
  };

  return (
    <Alert
      color="red"
      variant={active ? "filled" : "light"}
      icon={<IconAlertOctagon aria-hidden />}
      title={t("deskWork.major.banner")}
      data-testid="major-banner"
    >
      <Stack gap="xs">
        <Group gap="md">
          <Badge color={active ? "white" : "gray"} c={active ? "red.9" : undefined}>
            {t(`deskWork.major.status.${m.status}`)}
          </Badge>
          <Text size="sm">{t("deskWork.major.managedBy", { name: m.manager.name })}</Text>
          <Text size="sm">{t("deskWork.major.children", { count: m.children.length })}</Text>
          {m.nextUpdateDueAt && (
            <Text size="sm">
              {t("deskWork.major.nextUpdate")} <RelativeTime iso={m.nextUpdateDueAt} />
            </Text>
          )}
        </Group>
        {m.audience && (
          <Text size="sm">
            {t("deskWork.major.audience")}: {m.audience}
          </Text>
        )}
        {m.children.length > 0 && (
          <Group gap={6}>
            {m.children.map((c) => (
              <Anchor key={c.id} href={`/incidents/${c.number}`} size="sm" c="inherit" underline="always" ff="monospace">
                {c.number} ({t(`state.${c.state}`, { defaultValue: c.state })})
              </Anchor>
            ))}
          </Group>
        )}
        {active && (
          <form onSubmit={post}>
            <Group align="flex-end" gap="xs">
              <Textarea
                label={t("deskWork.major.updateLabel")}
                value={update}
                onChange={(e) => setUpdate(e.currentTarget.value)}
                autosize
                minRows={1}
                maxRows={6}
                style={{ flex: 1, minWidth: 240 }}
                styles={{ label: { color: "inherit" } }}
              />
              <Button type="submit" variant="white" color="red" loading={act.isPending && act.variables?.kind === "update"}>
                {t("deskWork.major.postUpdate")}
              </Button>
              <Button variant="outline" color="white" onClick={resolve.toggle} aria-expanded={resolveOpen}>
                {t("deskWork.major.resolveAll")}
              </Button>
            </Group>
          </form>
        )}
        <Collapse expanded={active && resolveOpen}>
          <form onSubmit={resolveAll}>
            <Group align="flex-end" gap="xs">
              <Select
                label={t("field.resolutionCode")}
                data={RESOLUTION_CODES.map((r) => ({ value: r, label: t(`resolutionCode.${r}`) }))}
                value={code}
                onChange={setCode}
                w={220}
                styles={{ label: { color: "inherit" } }}
              />
              <TextInput
                label={t("field.resolutionNotes")}
                value={notes}
                onChange={(e) => setNotes(e.currentTarget.value)}
                style={{ flex: 1, minWidth: 200 }}
                styles={{ label: { color: "inherit" } }}
              />
              <Button type="submit" variant="white" color="red" loading={act.isPending && act.variables?.kind === "resolve"}>
                {t("deskWork.major.resolveAll")}
              </Button>
            </Group>
          </form>
        </Collapse>
        {error && (
          <Text size="sm" fw={600} role="alert">
            {error}
          </Text>
        )}
        {m.updates.length > 0 && (
          <Stack gap={2}>
            <Text size="sm" fw={600}>
              {t("deskWork.major.updates")}
            </Text>
            {m.updates.slice(0, 3).map((u) => (
              <Text key={u.id} size="sm">
                <RelativeTime iso={u.createdAt} /> — {u.body}
              </Text>
            ))}
          </Stack>
        )}
        {m.review && <Review major={m} incidentRef={incidentRef} />}
      </Stack>
    </Alert>
  );
}

function Review({ major: m, incidentRef }: { major: TMajorIncident; incidentRef: string }) {
  const { t } = useTranslation();
  const act = useMajorAction(incidentRef);
  const r = m.review as NonNullable<TMajorIncident["review"]>;
  const [v, setV] = useState({ summary: r.summary, rootCause: r.rootCause, lessonsLearned: r.lessonsLearned, followUpActions: r.followUpActions });
  const field = (k: keyof typeof v, label: string) => (
    <Textarea
      label={label}
      autosize
      minRows={2}
      value={v[k]}
      onChange={(e) => setV({ ...v, [k]: e.currentTarget.value })}
      styles={{ label: { color: "inherit" } }}
    />
  );
  const save = async (status?: "completed") => {
    await act.mutateAsync({ kind: "review", patch: { ...v, ...(status ? { status } : {}) } });
    notifications.show({ color: "green", message: t("deskWork.major.reviewSaved") });
  };
  return (
    <Stack gap="xs" component="section" aria-label={t("deskWork.major.review")}>
      <Group gap="xs">
        <Text fw={600}>{t("deskWork.major.review")}</Text>
        <Badge variant="light">{r.status}</Badge>
      </Group>
      {field("summary", t("deskWork.major.reviewSummary"))}
      {field("rootCause", t("deskWork.major.rootCause"))}
      {field("lessonsLearned", t("deskWork.major.lessons"))}
      {field("followUpActions", t("deskWork.major.followUp"))}
      <Group gap="xs">
        <Button variant="default" onClick={() => void save()} loading={act.isPending}>
          {t("deskWork.major.saveReview")}
        </Button>
        {r.status !== "completed" && (
          <Button variant="default" onClick={() => void save("completed")}>
            {t("deskWork.major.completeReview")}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
