import { Alert, Button, Card, Radio, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TIncident } from "../../../../contracts/incidents";
import { ApiError, api, randomKey } from "../../app/api";
import { PageHeading } from "../../app/page";
import { useDeflectionJourney } from "../../features/knowledge/article-suggestions";
import { SuggestedArticles } from "./portal-bits";

/** Reporting an incident from the portal, through the incident API; the requester answers in words, not ITIL fields. */
export function PortalReportPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [blocking, setBlocking] = useState<"yes" | "no">("no");
  const [key] = useState(randomKey);
  const journey = useDeflectionJourney();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return setErrors({ title: t("errors.required") });
    setBusy(true);
    setError(null);
    try {
      const level = blocking === "yes" ? "high" : "medium";
      const inc = await api<TIncident>("POST", "/api/v1/incidents", {
        body: { title: title.trim(), description, impact: "low", urgency: level },
        headers: { "idempotency-key": key },
      });
      journey.ticketCreated();
      await navigate({ to: "/portal/incidents/$ref", params: { ref: inc.number } });
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fieldErrors());
        setError(err.message);
      } else setError(t("errors.generic"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="lg" maw={720}>
      <PageHeading order={1}>{t("catalog.report.title")}</PageHeading>
      <Text c="dimmed">{t("catalog.report.intro")}</Text>
      <Card withBorder radius="md" padding="lg">
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <TextInput label={t("catalog.report.what")} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.title} />
            <SuggestedArticles query={title} journeyId={journey.journeyId} />
            <Textarea
              label={t("catalog.report.details")}
              description={t("catalog.report.detailsHint")}
              autosize
              minRows={4}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              error={errors.description}
            />
            <Radio.Group label={t("catalog.report.urgent")} value={blocking} onChange={(v) => setBlocking(v as "yes")}>
              <Stack gap={6} mt={6}>
                <Radio value="yes" label={t("catalog.item.yes")} />
                <Radio value="no" label={t("catalog.item.no")} />
              </Stack>
            </Radio.Group>
            {error && (
              <Alert color="red" variant="light" role="alert">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy} style={{ alignSelf: "flex-start" }}>
              {t("catalog.report.submit")}
            </Button>
          </Stack>
        </form>
      </Card>
    </Stack>
  );
}
