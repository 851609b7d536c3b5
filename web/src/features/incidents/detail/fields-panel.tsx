import { Alert, Button, Group, Paper, Select, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconUserCheck } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { TIncident } from "../../../../../contracts/incidents";
import { computePriority, type Level, LEVELS, priorityLabel } from "../../../../../contracts/priority";
import { useMe } from "../../../app/auth";
import { useCategories, useGroups, useIsStaff, useServices, useStaff } from "../../reference/reference.api";
import { PriorityBadge } from "../components/badges";
import { errorText } from "../components/form-errors";
import { useUpdateIncident } from "../incidents.api";
import { ConflictAlert } from "./conflict-alert";
import { useIncidentDraft } from "./use-incident-draft";

const CLOSED_STATES = new Set(["closed", "cancelled"]);

/** Closed and cancelled incidents are history (and requesters only read): fields shown as text, not disabled inputs. */
function ReadOnlyFields({ incident: inc }: { incident: TIncident }) {
  const { t } = useTranslation();
  const none = t("field.none");
  const rows: Array<[string, string]> = [
    [t("field.impact"), t(`level.${inc.impact}`)],
    [t("field.urgency"), t(`level.${inc.urgency}`)],
    [t("field.assignmentGroup"), inc.assignmentGroup?.name ?? none],
    [t("field.assignee"), inc.assignee?.name ?? t("field.unassigned")],
    [t("field.service"), inc.service?.name ?? none],
    [t("field.category"), inc.category?.name ?? none],
    [t("field.subcategory"), inc.subcategory?.name ?? none],
  ];
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="fields-heading">
      <Title order={2} fz="h4" id="fields-heading" mb="sm">
        {t("detail.details")}
      </Title>
      <Stack component="dl" gap="xs" m={0}>
        {rows.map(([label, value]) => (
          <div key={label}>
            <Text component="dt" size="xs" fw={600} c="dimmed">
              {label}
            </Text>
            <Text component="dd" size="sm" m={0}>
              {value}
            </Text>
          </div>
        ))}
      </Stack>
    </Paper>
  );
}

/** Classification and assignment, edited together and saved with the version that was read. */
export function FieldsPanel(props: { incident: TIncident; incidentRef: string; onReload(): Promise<unknown> }) {
  // Requesters read the fields; agents edit them until the incident is closed.
  const isStaff = useIsStaff();
  return !isStaff || CLOSED_STATES.has(props.incident.state) ? <ReadOnlyFields incident={props.incident} /> : <EditableFields {...props} />;
}

function EditableFields({ incident, incidentRef, onReload }: { incident: TIncident; incidentRef: string; onReload(): Promise<unknown> }) {
  const { t } = useTranslation();
  const me = useMe();
  const draft = useIncidentDraft(incident, incidentRef);
  const assign = useUpdateIncident(incidentRef);
  const categories = useCategories();
  const services = useServices();
  const groups = useGroups();
  const staff = useStaff();
  const v = draft.values;

  const group = groups.data?.find((g) => g.id === v.assignmentGroupId);
  const agents = (staff.data ?? []).filter((u) => (u.active || u.id === v.assigneeId) && (!group || group.memberIds.includes(u.id)));
  const assigneeOptions = agents.map((u) => ({ value: u.id, label: u.name }));
  if (incident.assignee && !assigneeOptions.some((o) => o.value === incident.assignee?.id))
    assigneeOptions.unshift({ value: incident.assignee.id, label: incident.assignee.name });
  const levelOptions = LEVELS.map((l) => ({ value: l, label: t(`level.${l}`) }));
  const top = (categories.data ?? []).filter((c) => c.parentId === null && (c.active || c.id === v.categoryId));
  const subs = (categories.data ?? []).filter((c) => c.parentId !== null && c.parentId === v.categoryId && (c.active || c.id === v.subcategoryId));
  const fieldErrors = draft.error?.fieldErrors() ?? {};
  const canAssignMe = incident.assignee?.id !== me.id;

  async function assignToMe() {
    try {
      await assign.mutateAsync({ assigneeId: me.id, version: incident.version });
    } catch (err) {
      notifications.show({ color: "red", message: errorText(err, t) });
    }
  }

  async function save() {
    if (await draft.save()) notifications.show({ color: "green", message: t("detail.saved") });
  }

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="fields-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="fields-heading">
          {t("detail.details")}
        </Title>
        {draft.conflict && (
          <ConflictAlert
            onReload={async () => {
              await onReload();
              draft.discard();
            }}
          />
        )}
        <Group grow gap="sm" align="flex-start">
          <Select
            label={t("field.impact")}
            data={levelOptions}
            value={v.impact}
            onChange={(x) => x && draft.set({ impact: x as Level })}
            allowDeselect={false}
            error={fieldErrors.impact}
          />
          <Select
            label={t("field.urgency")}
            data={levelOptions}
            value={v.urgency}
            onChange={(x) => x && draft.set({ urgency: x as Level })}
            allowDeselect={false}
            error={fieldErrors.urgency}
          />
        </Group>
        {(draft.dirty.includes("impact") || draft.dirty.includes("urgency")) && (
          <Group gap="xs">
            <Text size="sm">{t("create.priorityPreview")}:</Text>
            <PriorityBadge priority={priorityLabel(computePriority(v.impact, v.urgency))} long />
          </Group>
        )}
        <Select
          label={t("field.assignmentGroup")}
          data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
          value={v.assignmentGroupId}
          onChange={(x) => {
            const next = groups.data?.find((g) => g.id === x);
            draft.set({ assignmentGroupId: x, ...(v.assigneeId && next && !next.memberIds.includes(v.assigneeId) ? { assigneeId: null } : {}) });
          }}
          searchable
          clearable
          error={fieldErrors.assignmentGroupId}
        />
        <Select
          label={t("field.assignee")}
          data={assigneeOptions}
          value={v.assigneeId}
          onChange={(x) => draft.set({ assigneeId: x })}
          placeholder={t("field.unassigned")}
          searchable
          clearable
          nothingFoundMessage={t("create.nobodyFound")}
          error={fieldErrors.assigneeId}
        />
        {canAssignMe && (
          <Button
            variant="light"
            size="xs"
            leftSection={<IconUserCheck size={16} aria-hidden />}
            onClick={assignToMe}
            loading={assign.isPending}
            disabled={draft.isDirty}
            style={{ alignSelf: "flex-start" }}
          >
            {t("detail.assignToMe")}
          </Button>
        )}
        <Select
          label={t("field.service")}
          data={(services.data ?? []).filter((s) => s.active || s.id === v.serviceId).map((s) => ({ value: s.id, label: s.name }))}
          value={v.serviceId}
          onChange={(x) => draft.set({ serviceId: x })}
          searchable
          clearable
          error={fieldErrors.serviceId}
        />
        <Select
          label={t("field.category")}
          data={top.map((c) => ({ value: c.id, label: c.name }))}
          value={v.categoryId}
          onChange={(x) => draft.set({ categoryId: x, subcategoryId: null })}
          searchable
          clearable
          error={fieldErrors.categoryId}
        />
        <Select
          label={t("field.subcategory")}
          data={subs.map((c) => ({ value: c.id, label: c.name }))}
          value={v.subcategoryId}
          onChange={(x) => draft.set({ subcategoryId: x })}
          placeholder={v.categoryId ? undefined : t("create.pickCategoryFirst")}
          searchable
          clearable
          disabled={!v.categoryId}
          error={fieldErrors.subcategoryId}
        />
        {draft.error && !Object.keys(fieldErrors).length && (
          <Alert color="red" role="alert">
            {errorText(draft.error, t)}
          </Alert>
        )}
        {draft.isDirty && (
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Text size="sm" c="orange.9" fw={500}>
              {t("detail.unsaved")}
            </Text>
            <Group gap="xs">
              <Button variant="default" size="xs" onClick={draft.discard}>
                {t("detail.discard")}
              </Button>
              <Button size="xs" onClick={save} loading={draft.saving}>
                {t("detail.save")}
              </Button>
            </Group>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
