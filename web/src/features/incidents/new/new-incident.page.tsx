import { Alert, Button, Grid, Group, Paper, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { Link, useNavigate } from "@tanstack/react-router";
import { type FormEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { type TCreateIncidentRequest, ZCreateIncidentRequest } from "../../../../../contracts/incidents";
import { computePriority, type Level, LEVELS, priorityLabel } from "../../../../../contracts/priority";
import { ApiError, randomKey } from "../../../app/api";
import { useMe } from "../../../app/auth";
import { PageHeading } from "../../../app/page";
import { PersonPicker } from "../../reference/person-picker";
import { ArticleSuggestions, useDeflectionJourney } from "../../knowledge/article-suggestions";
import { useCategories, useGroups, useIsStaff, useServices, useStaff } from "../../reference/reference.api";
import { PriorityBadge } from "../components/badges";
import { errorText, zodFieldErrors } from "../components/form-errors";
import { useCreateIncident } from "../incidents.api";

interface FormValues {
  title: string;
  description: string;
  impact: Level;
  urgency: Level;
  serviceId: string | null;
  categoryId: string | null;
  subcategoryId: string | null;
  assignmentGroupId: string | null;
  assigneeId: string | null;
  requesterId: string | null;
}

/** Report an incident on someone's behalf: validated with the same zod schema the server uses. */
export function NewIncidentPage() {
  const { t } = useTranslation();
  const me = useMe();
  const isStaff = useIsStaff();
  const journey = useDeflectionJourney();
  const navigate = useNavigate();
  const services = useServices();
  const categories = useCategories();
  const groups = useGroups();
  const staff = useStaff();
  const create = useCreateIncident();
  const [values, setValues] = useState<FormValues>({
    title: "",
    description: "",
    impact: "medium",
    urgency: "medium",
    serviceId: null,
    categoryId: null,
    subcategoryId: null,
    assignmentGroupId: null,
    assigneeId: null,
    requesterId: me.id,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  // One key per distinct submission: a double click replays, an edited form is a new request.
  const idempotencyKey = useRef(randomKey());

  function set<K extends keyof FormValues>(key: K, value: FormValues[K], extra: Partial<FormValues> = {}) {
    idempotencyKey.current = randomKey();
    setValues((v) => ({ ...v, [key]: value, ...extra }));
    setErrors((e) => ({ ...e, [key]: "" }));
  }

  const levelOptions = LEVELS.map((l) => ({ value: l, label: t(`level.${l}`) }));
  const topCategories = (categories.data ?? []).filter((c) => c.active && c.parentId === null);
  const subcategories = (categories.data ?? []).filter((c) => c.active && c.parentId !== null && c.parentId === values.categoryId);
  const group = groups.data?.find((g) => g.id === values.assignmentGroupId);
  const agents = (staff.data ?? []).filter((u) => u.active && (!group || group.memberIds.includes(u.id)));
  const priority = priorityLabel(computePriority(values.impact, values.urgency));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const input: TCreateIncidentRequest = {
      title: values.title,
      description: values.description,
      impact: values.impact,
      urgency: values.urgency,
      serviceId: values.serviceId,
      categoryId: values.categoryId,
      subcategoryId: values.subcategoryId,
      // Requesters report for themselves; routing is the desk's job.
      ...(isStaff
        ? { assignmentGroupId: values.assignmentGroupId, assigneeId: values.assigneeId, ...(values.requesterId ? { requesterId: values.requesterId } : {}) }
        : {}),
    };
    const parsed = ZCreateIncidentRequest.safeParse(input);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error, t));
      setFormError(t("create.fixErrors"));
      return;
    }
    try {
      const inc = await create.mutateAsync({ input: parsed.data, idempotencyKey: idempotencyKey.current });
      if (!isStaff) journey.ticketCreated();
      notifications.show({ color: "green", message: t("create.created", { number: inc.number }) });
      await navigate({ to: "/incidents/$incidentId", params: { incidentId: inc.number } });
    } catch (err) {
      idempotencyKey.current = randomKey();
      if (err instanceof ApiError) {
        const fields = err.fieldErrors();
        setErrors(fields);
        setFormError(Object.keys(fields).length ? t("create.fixErrors") : errorText(err, t));
      } else setFormError(t("errors.generic"));
    }
  }

  return (
    <Stack maw={960}>
      <PageHeading fz="h2" documentTitle={t("create.title")}>
        {t("create.heading")}
      </PageHeading>
      <Paper withBorder p="lg" radius="md" component="form" onSubmit={onSubmit} noValidate>
        <Stack>
          {formError && (
            <Alert color="red" role="alert">
              {formError}
            </Alert>
          )}
          <TextInput
            label={t("field.title")}
            placeholder={t("create.titlePlaceholder")}
            required
            maxLength={300}
            value={values.title}
            onChange={(e) => set("title", e.currentTarget.value)}
            error={errors.title}
            data-autofocus
            autoFocus
          />
          {/* Deflection: requesters see matching articles while they type the subject. */}
          {!isStaff && <ArticleSuggestions subject={values.title} journeyId={journey.journeyId} />}
          <Textarea
            label={t("field.description")}
            placeholder={t("create.descriptionPlaceholder")}
            autosize
            minRows={4}
            maxRows={14}
            value={values.description}
            onChange={(e) => set("description", e.currentTarget.value)}
            error={errors.description}
          />
          <Grid>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <Select
                label={t("field.impact")}
                required
                data={levelOptions}
                value={values.impact}
                onChange={(v) => v && set("impact", v as Level)}
                allowDeselect={false}
                error={errors.impact}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <Select
                label={t("field.urgency")}
                required
                data={levelOptions}
                value={values.urgency}
                onChange={(v) => v && set("urgency", v as Level)}
                allowDeselect={false}
                error={errors.urgency}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <Text size="sm" fw={500} mb={6} id="priority-preview-label">
                {t("create.priorityPreview")}
              </Text>
              <Group h={36} aria-labelledby="priority-preview-label" role="status">
                <PriorityBadge priority={priority} long />
              </Group>
            </Grid.Col>
            {isStaff && (
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <PersonPicker
                  label={t("field.requester")}
                  description={t("create.requesterHint")}
                  value={values.requesterId}
                  selected={values.requesterId === me.id ? { id: me.id, name: me.name, email: me.email } : undefined}
                  onChange={(v) => set("requesterId", v)}
                  error={errors.requesterId}
                  clearable={false}
                />
              </Grid.Col>
            )}
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <Select
                label={t("field.service")}
                data={(services.data ?? []).filter((s) => s.active).map((s) => ({ value: s.id, label: s.name }))}
                value={values.serviceId}
                onChange={(v) => {
                  const svc = services.data?.find((s) => s.id === v);
                  // The service's support group is the usual first stop.
                  set("serviceId", v, isStaff && !values.assignmentGroupId && svc?.supportGroupId ? { assignmentGroupId: svc.supportGroupId } : {});
                }}
                searchable
                clearable
                nothingFoundMessage={t("create.nothingFound")}
                error={errors.serviceId}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <Select
                label={t("field.category")}
                data={topCategories.map((c) => ({ value: c.id, label: c.name }))}
                value={values.categoryId}
                onChange={(v) => set("categoryId", v, { subcategoryId: null })}
                searchable
                clearable
                error={errors.categoryId}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <Select
                label={t("field.subcategory")}
                data={subcategories.map((c) => ({ value: c.id, label: c.name }))}
                value={values.subcategoryId}
                onChange={(v) => set("subcategoryId", v)}
                disabled={!values.categoryId}
                placeholder={values.categoryId ? undefined : t("create.pickCategoryFirst")}
                searchable
                clearable
                error={errors.subcategoryId}
              />
            </Grid.Col>
            {isStaff && (
              <>
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <Select
                    label={t("field.assignmentGroup")}
                    data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
                    value={values.assignmentGroupId}
                    onChange={(v) => {
                      const next = groups.data?.find((g) => g.id === v);
                      set("assignmentGroupId", v, values.assigneeId && next && !next.memberIds.includes(values.assigneeId) ? { assigneeId: null } : {});
                    }}
                    searchable
                    clearable
                    error={errors.assignmentGroupId}
                  />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <Select
                    label={t("field.assignee")}
                    description={group ? t("create.assigneeHint") : undefined}
                    data={agents.map((u) => ({ value: u.id, label: u.name }))}
                    value={values.assigneeId}
                    onChange={(v) => set("assigneeId", v)}
                    searchable
                    clearable
                    nothingFoundMessage={t("create.nobodyFound")}
                    error={errors.assigneeId}
                  />
                </Grid.Col>
              </>
            )}
          </Grid>
          <Group justify="flex-end">
            <Button variant="default" component={Link} to="/incidents">
              {t("create.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("create.submit")}
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
