import { ActionIcon, Alert, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import { AnchorLink } from "../../../app/links";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { INCIDENT_STATES, type IncidentState } from "../../../../../contracts/incidents";
import { LINK_KINDS } from "../../../../../contracts/work-items";
import { ApiError, api } from "../../../app/api";
import { StateBadge } from "../components/badges";
import { errorText } from "../components/form-errors";
import { incidentPath, type LinkKind, useChildMutation, useLinks } from "../incidents.api";

const isIncidentState = (s: string): s is IncidentState => (INCIDENT_STATES as readonly string[]).includes(s);

/** Parent/child, duplicate and related links to other work items. */
export function LinksPanel({ incidentRef }: { incidentRef: string }) {
  const { t } = useTranslation();
  const links = useLinks(incidentRef);
  const [kind, setKind] = useState<LinkKind>("related_to");
  const [target, setTarget] = useState("");
  const [error, setError] = useState<string | null>(null);
  const add = useChildMutation(incidentRef, (v: { kind: LinkKind; target: string }) => api("POST", `${incidentPath(incidentRef)}/links`, { body: v }));
  const remove = useChildMutation(incidentRef, (linkId: string) => api("DELETE", `${incidentPath(incidentRef)}/links/${linkId}`));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const value = target.trim().toUpperCase();
    if (!value) {
      setError(t("errors.required"));
      return;
    }
    setError(null);
    try {
      await add.mutateAsync({ kind, target: value });
      setTarget("");
    } catch (err) {
      setError(err instanceof ApiError ? (Object.values(err.fieldErrors())[0] ?? errorText(err, t)) : errorText(err, t));
    }
  }

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="links-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="links-heading">
          {t("links.title")}
        </Title>
        {links.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("links.empty")}
          </Text>
        )}
        {!!links.data?.length && (
          <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: "none" }}>
            {links.data.map((l) => (
              <Group component="li" key={l.id} justify="space-between" wrap="nowrap" align="flex-start">
                <div style={{ minWidth: 0 }}>
                  <Text size="xs" c="dimmed">
                    {t(`linkKind.${l.kind}`)}
                  </Text>
                  <Group gap={6} wrap="wrap">
                    {l.target.type === "problem" ? (
                      <AnchorLink to="/problems/$problemId" params={{ problemId: l.target.number }} size="sm" ff="monospace">
                        {l.target.number}
                      </AnchorLink>
                    ) : (
                      <AnchorLink to="/incidents/$incidentId" params={{ incidentId: l.target.number }} size="sm" ff="monospace">
                        {l.target.number}
                      </AnchorLink>
                    )}
                    {isIncidentState(l.target.state) ? <StateBadge state={l.target.state} /> : <Text size="xs">{l.target.state}</Text>}
                  </Group>
                  <Text size="sm" truncate>
                    {l.target.title}
                  </Text>
                </div>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="sm"
                  aria-label={t("links.remove", { number: l.target.number })}
                  onClick={() => remove.mutate(l.id)}
                  loading={remove.isPending && remove.variables === l.id}
                >
                  <IconTrash size={14} aria-hidden />
                </ActionIcon>
              </Group>
            ))}
          </Stack>
        )}
        <form onSubmit={onSubmit} noValidate>
          <Stack gap="xs">
            <Select
              label={t("links.kind")}
              data={LINK_KINDS.map((k) => ({ value: k, label: t(`linkKind.${k}`) }))}
              value={kind}
              onChange={(v) => v && setKind(v as LinkKind)}
              allowDeselect={false}
            />
            <TextInput
              label={t("links.target")}
              placeholder={t("links.targetPlaceholder")}
              value={target}
              onChange={(e) => setTarget(e.currentTarget.value)}
              error={error}
              maxLength={64}
            />
            <Button type="submit" variant="default" size="xs" loading={add.isPending} style={{ alignSelf: "flex-start" }}>
              {t("links.add")}
            </Button>
          </Stack>
        </form>
        {remove.isError && <Alert color="red">{errorText(remove.error, t)}</Alert>}
      </Stack>
    </Paper>
  );
}
