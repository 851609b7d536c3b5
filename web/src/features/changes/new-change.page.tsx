import {
  Alert,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useNavigate } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ChangeType, TRiskAnswers } from "../../../../contracts/changes";
import { PageHeading } from "../../app/page";
import { errorText } from "../incidents/components/form-errors";
import { useServices } from "../reference/reference.api";
import { useCreateChange, useTemplates } from "./changes.api";
import { DEFAULT_ANSWERS, RiskQuestionnaire } from "./risk-questionnaire";

/** datetime-local ("2031-01-03T10:00") in the browser's zone → ISO with offset. */
export const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** Raising a change: type, template (standard), window, services, plans, optional risk answers. */
export function NewChangePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const services = useServices();
  const templates = useTemplates();
  const create = useCreateChange();
  const [type, setType] = useState<ChangeType>("normal");
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [f, setF] = useState({
    title: "",
    description: "",
    justification: "",
    start: "",
    end: "",
    implementationPlan: "",
    backoutPlan: "",
    testPlan: "",
    problem: "",
  });
  const [serviceIds, setServiceIds] = useState<string[]>([]);
  const [withRisk, setWithRisk] = useState(true);
  const [answers, setAnswers] = useState<TRiskAnswers>(DEFAULT_ANSWERS);
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const c = await create.mutateAsync({
        type,
        templateId: type === "standard" ? (templateId ?? undefined) : undefined,
        title: f.title.trim() || undefined,
        description: f.description,
        justification: f.justification,
        impact: "medium",
        urgency: "medium",
        plannedStart: toIso(f.start),
        plannedEnd: toIso(f.end),
        implementationPlan: type === "standard" ? undefined : f.implementationPlan,
        backoutPlan: type === "standard" ? undefined : f.backoutPlan,
        testPlan: type === "standard" ? undefined : f.testPlan,
        serviceIds: serviceIds.length ? serviceIds : undefined,
        riskAnswers: withRisk && type !== "standard" ? answers : undefined,
        problem: f.problem.trim() || undefined,
      });
      notifications.show({ color: "green", message: t("changes.created", { number: c.number }) });
      void navigate({ to: "/changes/$changeId", params: { changeId: c.number } });
    } catch (err) {
      setError(errorText(err, t));
    }
  };

  return (
    <Stack gap="md" maw={900}>
      <PageHeading>{t("changes.new")}</PageHeading>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500} id="change-type-label">
              {t("changes.field.type")}
            </Text>
            <SegmentedControl
              aria-labelledby="change-type-label"
              value={type}
              onChange={(v) => setType(v as ChangeType)}
              data={(["standard", "normal", "emergency"] as const).map((x) => ({ value: x, label: t(`changes.type.${x}`) }))}
              style={{ alignSelf: "flex-start" }}
            />
            <Text size="xs" c="dimmed">
              {t(`changes.typeHint.${type}`)}
            </Text>
          </Stack>
          {type === "standard" && (
            <Select
              label={t("changes.field.template")}
              data={(templates.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
              value={templateId}
              onChange={setTemplateId}
              required
              searchable
            />
          )}
          <TextInput label={t("changes.field.title")} value={f.title} onChange={set("title")} required={type !== "standard"} maxLength={300} />
          <Textarea label={t("changes.field.description")} value={f.description} onChange={set("description")} autosize minRows={2} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput type="datetime-local" label={t("changes.field.plannedStart")} value={f.start} onChange={set("start")} />
            <TextInput type="datetime-local" label={t("changes.field.plannedEnd")} value={f.end} onChange={set("end")} />
          </SimpleGrid>
          <MultiSelect
            label={t("changes.field.services")}
            data={(services.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
            value={serviceIds}
            onChange={setServiceIds}
            searchable
          />
          {type !== "standard" && (
            <>
              <Textarea label={t("changes.field.justification")} value={f.justification} onChange={set("justification")} autosize minRows={2} />
              <Textarea label={t("changes.field.implementationPlan")} value={f.implementationPlan} onChange={set("implementationPlan")} autosize minRows={2} />
              <Textarea label={t("changes.field.backoutPlan")} value={f.backoutPlan} onChange={set("backoutPlan")} autosize minRows={2} />
              <Textarea label={t("changes.field.testPlan")} value={f.testPlan} onChange={set("testPlan")} autosize minRows={2} />
              <Paper withBorder p="md" radius="md">
                <Stack gap="sm">
                  <Group justify="space-between">
                    <Title order={2} fz="h5">
                      {t("changes.questions.title")}
                    </Title>
                    <Checkbox label={t("changes.questions.assess")} checked={withRisk} onChange={(e) => setWithRisk(e.currentTarget.checked)} />
                  </Group>
                  {withRisk && <RiskQuestionnaire value={answers} onChange={setAnswers} />}
                </Stack>
              </Paper>
            </>
          )}
          <TextInput label={t("changes.field.problem")} placeholder="PRB0000001" value={f.problem} onChange={set("problem")} maxLength={64} />
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending}>
              {t("changes.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
