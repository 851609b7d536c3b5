import { Alert, Badge, Button, Card, Group, Loader, SegmentedControl, Select, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { useNavigate } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TCandidateCluster } from "../../../../contracts/problems";
import { AppModal } from "../../app/app-modal";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { RelativeTime } from "../../app/time";
import { PriorityBadge } from "../incidents/components/badges";
import { errorText } from "../incidents/components/form-errors";
import { useServices } from "../reference/reference.api";
import { ProblemStateBadge } from "./problem-badges";
import { useCandidates, useCreateProblem, useProblems } from "./problems.api";

/** Problems: the list (open by default), the candidate clusters and raising a new problem. */
export function ProblemsListPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState("true");
  const [q, setQ] = useState("");
  const list = useProblems({ open: filter === "all" ? undefined : filter, q: q.trim() || undefined });
  const [draft, setDraft] = useState<{ title: string; serviceId: string | null; incidents: string[] } | null>(null);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <PageHeading>{t("problems.title")}</PageHeading>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setDraft({ title: "", serviceId: null, incidents: [] })}>
          {t("problems.new")}
        </Button>
      </Group>
      <Group align="flex-end" wrap="wrap">
        <SegmentedControl
          aria-label={t("problems.filter.label")}
          value={filter}
          onChange={setFilter}
          data={[
            { value: "true", label: t("problems.filter.open") },
            { value: "false", label: t("problems.filter.resolved") },
            { value: "all", label: t("problems.filter.all") },
          ]}
        />
        <TextInput
          aria-label={t("problems.search")}
          placeholder={t("problems.search")}
          leftSection={<IconSearch size={14} aria-hidden />}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          maw={320}
        />
      </Group>
      {list.isPending && <Loader aria-label={t("app.loading")} />}
      {list.isError && <Alert color="red">{errorText(list.error, t)}</Alert>}
      {list.data && list.data.items.length === 0 && <Text c="dimmed">{t("problems.empty")}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={860}>
          <Table highlightOnHover verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("problems.field.number")}</Table.Th>
                <Table.Th>{t("problems.field.title")}</Table.Th>
                <Table.Th>{t("problems.field.priority")}</Table.Th>
                <Table.Th>{t("problems.field.state")}</Table.Th>
                <Table.Th>{t("problems.field.service")}</Table.Th>
                <Table.Th>{t("problems.field.incidents")}</Table.Th>
                <Table.Th>{t("problems.field.knownError")}</Table.Th>
                <Table.Th>{t("problems.field.updated")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td ff="monospace">{p.number}</Table.Td>
                  <Table.Td>
                    <AnchorLink to="/problems/$problemId" params={{ problemId: p.number }}>
                      {p.title}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td>
                    <PriorityBadge priority={p.priority} />
                  </Table.Td>
                  <Table.Td>
                    <ProblemStateBadge state={p.state} />
                  </Table.Td>
                  <Table.Td>{p.service?.name ?? "—"}</Table.Td>
                  <Table.Td>
                    {p.incidentCount}
                    {p.openIncidentCount > 0 && (
                      <Text span c="dimmed" size="xs">
                        {" "}
                        ({p.openIncidentCount} {t("problems.filter.open").toLowerCase()})
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ff="monospace">{p.knownErrorNumber ?? "—"}</Table.Td>
                  <Table.Td>
                    <RelativeTime iso={p.updatedAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Candidates onOpen={(c) => setDraft({ title: c.suggestedTitle, serviceId: c.service?.id ?? null, incidents: c.incidents.map((i) => i.number) })} />
      {draft && <NewProblemModal initial={draft} onClose={() => setDraft(null)} />}
    </Stack>
  );
}

function Candidates({ onOpen }: { onOpen(c: TCandidateCluster): void }) {
  const { t } = useTranslation();
  const candidates = useCandidates();
  return (
    <Stack gap="sm" component="section" aria-labelledby="candidates-heading" mt="md">
      <Title order={2} fz="h4" id="candidates-heading">
        {t("problems.candidates.title")}
      </Title>
      <Text size="sm" c="dimmed">
        {t("problems.candidates.intro")}
      </Text>
      {candidates.isPending && <Loader size="sm" aria-label={t("app.loading")} />}
      {candidates.data?.length === 0 && <Text size="sm">{t("problems.candidates.empty")}</Text>}
      {candidates.data?.map((c) => (
        <Card key={c.incidents[0].id} withBorder radius="md" p="sm">
          <Group justify="space-between" align="flex-start" wrap="wrap">
            <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
              <Group gap="xs">
                <Text fw={600}>{c.suggestedTitle}</Text>
                {c.service && (
                  <Badge variant="outline" tt="none">
                    {c.service.name}
                  </Badge>
                )}
              </Group>
              <Text size="xs" c="dimmed">
                {t("problems.candidates.count", { count: c.incidents.length })} · {t("problems.candidates.similarity", { score: c.score })}
              </Text>
              <Group gap="xs">
                {c.incidents.map((i) => (
                  <AnchorLink key={i.id} to="/incidents/$incidentId" params={{ incidentId: i.number }} size="sm" ff="monospace" title={i.title}>
                    {i.number}
                  </AnchorLink>
                ))}
              </Group>
            </Stack>
            <Button variant="light" onClick={() => onOpen(c)}>
              {t("problems.candidates.open")}
            </Button>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}

function NewProblemModal({ initial, onClose }: { initial: { title: string; serviceId: string | null; incidents: string[] }; onClose(): void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const services = useServices();
  const create = useCreateProblem();
  const [title, setTitle] = useState(initial.title);
  const [description, setDescription] = useState("");
  const [serviceId, setServiceId] = useState<string | null>(initial.serviceId);
  const [impact, setImpact] = useState<"high" | "medium" | "low">("medium");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const p = await create.mutateAsync({
        title,
        description,
        impact,
        urgency: "medium",
        serviceId,
        incidents: initial.incidents.length ? initial.incidents : undefined,
      });
      notifications.show({ color: "green", message: t("problems.created", { number: p.number }) });
      onClose();
      void navigate({ to: "/problems/$problemId", params: { problemId: p.number } });
    } catch (err) {
      setError(errorText(err, t));
    }
  };
  return (
    <AppModal opened onClose={onClose} title={t("problems.new")} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput
            label={t("problems.field.title")}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            required
            maxLength={300}
            data-autofocus
          />
          <Textarea label={t("problems.field.description")} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={3} />
          <Group grow>
            <Select
              label={t("problems.field.service")}
              data={(services.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
              value={serviceId}
              onChange={setServiceId}
              clearable
              searchable
            />
            <Select
              label={t("problems.field.impact")}
              data={(["high", "medium", "low"] as const).map((l) => ({ value: l, label: t(`level.${l}`) }))}
              value={impact}
              onChange={(v) => v && setImpact(v as typeof impact)}
              allowDeselect={false}
            />
          </Group>
          {initial.incidents.length > 0 && (
            <Text size="sm">
              {t("problems.field.incidents")}:{" "}
              <Text span ff="monospace">
                {initial.incidents.join(", ")}
              </Text>
            </Text>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending} disabled={!title.trim()}>
              {t("problems.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
