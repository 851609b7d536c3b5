import { Button, Group, Paper, Select, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../app/links";
import { errorText } from "../incidents/components/form-errors";
import { useApplyKnownError, useKnownErrors, useLinkToProblem, useProblemsOfIncident } from "./problems.api";

/** On an incident: its problem(s), "link to problem" and "apply known error" in one step. */
export function IncidentProblemPanel({ incidentRef }: { incidentRef: string }) {
  const { t } = useTranslation();
  const problems = useProblemsOfIncident(incidentRef);
  const link = useLinkToProblem(incidentRef);
  const apply = useApplyKnownError();
  const [problem, setProblem] = useState("");
  const [keSearch, setKeSearch] = useState("");
  const knownErrors = useKnownErrors(keSearch);
  const [ke, setKe] = useState<string | null>(null);
  const [resolve, setResolve] = useState(false);

  const onLink = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await link.mutateAsync(problem.trim());
      if (!r.ok) throw new Error(r.message);
      notifications.show({ color: "green", message: t("problems.incidentPanel.linkedTo", { number: problem.trim().toUpperCase() }) });
      setProblem("");
    } catch (err) {
      notifications.show({ color: "red", message: err instanceof Error && !("status" in err) ? err.message : errorText(err, t) });
    }
  };
  const onApply = async (e: FormEvent) => {
    e.preventDefault();
    if (!ke) return;
    try {
      const r = await apply.mutateAsync({ knownError: ke, incident: incidentRef, resolve });
      const number = knownErrors.data?.find((k) => k.id === ke)?.number ?? "";
      notifications.show({ color: "green", message: t("problems.ke.applied", { number, incident: r.incident.number }) });
      setKe(null);
    } catch (err) {
      notifications.show({ color: "red", message: errorText(err, t) });
    }
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="incident-problem-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="incident-problem-heading">
          {t("problems.incidentPanel.title")}
        </Title>
        {problems.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("problems.incidentPanel.none")}
          </Text>
        )}
        {problems.data?.map((p) => (
          <Text key={p.id} size="sm">
            <AnchorLink to="/problems/$problemId" params={{ problemId: p.number }} ff="monospace">
              {p.number}
            </AnchorLink>{" "}
            {p.title} · {t(`problems.state.${p.state}` as never, { defaultValue: p.state })}
          </Text>
        ))}
        <form onSubmit={onLink}>
          <Group align="flex-end" gap="xs" wrap="nowrap">
            <TextInput
              label={t("problems.incidentPanel.problemLabel")}
              placeholder="PRB0000001"
              value={problem}
              onChange={(e) => setProblem(e.currentTarget.value)}
              style={{ flex: 1 }}
              maxLength={64}
            />
            <Button type="submit" variant="light" loading={link.isPending} disabled={!problem.trim()}>
              {t("problems.incidentPanel.link")}
            </Button>
          </Group>
        </form>
        <form onSubmit={onApply}>
          <Stack gap="xs">
            <Select
              label={t("problems.incidentPanel.applyKnownError")}
              placeholder={t("problems.ke.search")}
              searchable
              searchValue={keSearch}
              onSearchChange={setKeSearch}
              data={(knownErrors.data ?? []).map((k) => ({ value: k.id, label: `${k.number} — ${k.title}` }))}
              value={ke}
              onChange={setKe}
              filter={({ options }) => options}
              nothingFoundMessage={t("problems.ke.empty")}
            />
            <Group justify="space-between">
              <Switch label={t("problems.ke.applyResolve")} checked={resolve} onChange={(e) => setResolve(e.currentTarget.checked)} />
              <Button type="submit" variant="light" loading={apply.isPending} disabled={!ke}>
                {t("problems.ke.apply")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Paper>
  );
}
