import { Alert, Badge, Group, Loader, MultiSelect, Select, Stack, Switch, Table, Text } from "@mantine/core";
import { DateInput } from "@mantine/dates";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { ASSIGNMENT_STRATEGIES } from "../../../../contracts/automation";
import { useCategories, useServices } from "../reference/reference.api";
import { useCalendars } from "../sla/sla.api";
import { useAgents, useGroupAssignments, useSaveAgent, useSaveGroupAssignment, type TAgentAvailability } from "./automation.api";

/** Each group's assignment strategy and working hours, with its members' availability and load. */
export function AssignmentPanel() {
  const { t } = useTranslation();
  const groups = useGroupAssignments();
  const calendars = useCalendars();
  const save = useSaveGroupAssignment();
  if (groups.isPending) return <Loader size="sm" aria-label={t("app.loading")} />;
  if (groups.isError) return <Alert color="red">{t("automation.loadFailed")}</Alert>;
  const calOptions = [{ value: "", label: t("automation.assignment.anyTime") }, ...(calendars.data ?? []).map((c) => ({ value: c.id, label: c.name }))];
  const done = () => notifications.show({ color: "teal", message: t("automation.saved") });
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed" maw={760}>
        {t("automation.assignment.intro")}
      </Text>
      <Table.ScrollContainer minWidth={760}>
        <Table striped verticalSpacing="xs">
          <Table.Caption>{t("automation.assignment.caption")}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              {(["group", "strategy", "calendar", "members"] as const).map((k) => (
                <Table.Th key={k}>{t(`automation.assignment.col.${k}`)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {groups.data.map((g) => (
              <Table.Tr key={g.groupId}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {g.groupName}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={t("automation.assignment.strategyFor", { name: g.groupName })}
                    data={ASSIGNMENT_STRATEGIES.map((s) => ({ value: s, label: t(`automation.assignment.strategy.${s}`) }))}
                    value={g.strategy}
                    onChange={(v) =>
                      save.mutate({ groupId: g.groupId, input: { strategy: (v ?? "none") as "none", calendarId: g.calendarId } }, { onSuccess: done })
                    }
                    allowDeselect={false}
                    w={170}
                  />
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={t("automation.assignment.calendarFor", { name: g.groupName })}
                    data={calOptions}
                    value={g.calendarId ?? ""}
                    onChange={(v) => save.mutate({ groupId: g.groupId, input: { strategy: g.strategy, calendarId: v || null } }, { onSuccess: done })}
                    allowDeselect={false}
                    w={200}
                  />
                </Table.Td>
                <Table.Td>
                  {g.members.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      {t("automation.assignment.noMembers")}
                    </Text>
                  ) : (
                    <Group gap={6}>
                      {g.members.map((m) => (
                        <Badge key={m.id} variant="light" color={m.away ? "gray" : "blue"} tt="none">
                          {m.name} · {m.openItems} · {m.load}
                          {m.away ? ` · ${t("automation.assignment.away")}` : ""}
                        </Badge>
                      ))}
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

type Option = { value: string; label: string };
const LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt", "pl"];

/** Skills an agent can have: the organization's categories and services, and languages. */
function useSkillOptions(): Option[] {
  const { t } = useTranslation();
  const categories = useCategories().data ?? [];
  const services = useServices().data ?? [];
  const lang = new Intl.DisplayNames(undefined, { type: "language" });
  return [
    ...categories.map((c) => ({ value: `category:${c.id}`, label: t("automation.agents.category", { name: c.name }) })),
    ...services.map((s) => ({ value: `service:${s.id}`, label: t("automation.agents.service", { name: s.name }) })),
    ...LANGUAGES.map((l) => ({ value: `language:${l}`, label: t("automation.agents.language", { name: lang.of(l) ?? l }) })),
  ];
}

function AgentRow({ a, calOptions, skillOptions }: { a: TAgentAvailability; calOptions: Option[]; skillOptions: Option[] }) {
  const { t } = useTranslation();
  const save = useSaveAgent();
  const put = (patch: Partial<TAgentAvailability>) => {
    const next = { ...a, ...patch };
    save.mutate(
      { userId: a.userId, input: { away: next.away, awayUntil: next.awayUntil, calendarId: next.calendarId, skills: next.skills } },
      {
        onSuccess: () => notifications.show({ color: "teal", message: t("automation.saved") }),
        onError: (e) => notifications.show({ color: "red", message: e.message }),
      },
    );
  };
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {a.name}
        </Text>
      </Table.Td>
      <Table.Td>
        <Switch
          checked={a.away}
          onChange={(e) => put({ away: e.currentTarget.checked, awayUntil: e.currentTarget.checked ? a.awayUntil : null })}
          aria-label={t("automation.agents.awayFor", { name: a.name })}
        />
      </Table.Td>
      <Table.Td>
        <DateInput
          aria-label={t("automation.agents.untilFor", { name: a.name })}
          value={a.awayUntil ? new Date(a.awayUntil) : null}
          onChange={(d) => put({ awayUntil: d ? new Date(d).toISOString() : null })}
          disabled={!a.away}
          clearable
          w={150}
          minDate={new Date()}
        />
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={t("automation.agents.calendarFor", { name: a.name })}
          data={calOptions}
          value={a.calendarId ?? ""}
          onChange={(v) => put({ calendarId: v || null })}
          allowDeselect={false}
          w={180}
        />
      </Table.Td>
      <Table.Td>
        <MultiSelect
          aria-label={t("automation.agents.skillsFor", { name: a.name })}
          placeholder={a.skills.length ? undefined : t("automation.agents.skillsPlaceholder")}
          data={[...skillOptions, ...a.skills.filter((s) => !skillOptions.some((o) => o.value === s)).map((s) => ({ value: s, label: s }))]}
          value={a.skills}
          onChange={(v) => put({ skills: v })}
          searchable
          clearable
          maw={420}
        />
      </Table.Td>
    </Table.Tr>
  );
}

/** Agents' away flag, working hours and skills. */
export function AgentsPanel() {
  const { t } = useTranslation();
  const agents = useAgents();
  const calendars = useCalendars();
  const skillOptions = useSkillOptions();
  if (agents.isPending) return <Loader size="sm" aria-label={t("app.loading")} />;
  if (agents.isError) return <Alert color="red">{t("automation.loadFailed")}</Alert>;
  const calOptions = [{ value: "", label: t("automation.agents.groupHours") }, ...(calendars.data ?? []).map((c) => ({ value: c.id, label: c.name }))];
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed" maw={760}>
        {t("automation.agents.intro")}
      </Text>
      <Table.ScrollContainer minWidth={820}>
        <Table striped verticalSpacing="xs">
          <Table.Caption>{t("automation.agents.caption")}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              {(["name", "away", "until", "calendar", "skills"] as const).map((k) => (
                <Table.Th key={k}>{t(`automation.agents.col.${k}`)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {agents.data.map((a) => (
              <AgentRow key={a.userId} a={a} calOptions={calOptions} skillOptions={skillOptions} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
