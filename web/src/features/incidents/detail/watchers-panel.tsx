import { ActionIcon, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconEye, IconEyeOff, IconX } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { TIncident } from "../../../../../contracts/incidents";
import { api } from "../../../app/api";
import { errorText } from "../components/form-errors";
import { useMe } from "../../../app/auth";
import { incidentPath, useChildMutation, useWatchers } from "../incidents.api";

/** Who gets told about changes; watch or stop watching yourself, remove others. */
export function WatchersPanel({ incident, incidentRef }: { incident: TIncident; incidentRef: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const watchers = useWatchers(incidentRef);
  const change = useChildMutation(incidentRef, ({ userId, add }: { userId: string; add: boolean }) =>
    add ? api("POST", `${incidentPath(incidentRef)}/watchers`, { body: { userId } }) : api("DELETE", `${incidentPath(incidentRef)}/watchers/${userId}`),
  );
  const watching = watchers.data ? watchers.data.some((w) => w.id === me.id) : incident.watching;
  const run = (userId: string, add: boolean) =>
    change.mutate({ userId, add }, { onError: (err) => notifications.show({ color: "red", message: errorText(err, t) }) });

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="watchers-heading">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} fz="h4" id="watchers-heading">
            {t("watchers.title")}
          </Title>
          <Button
            size="xs"
            variant={watching ? "default" : "light"}
            leftSection={watching ? <IconEyeOff size={14} aria-hidden /> : <IconEye size={14} aria-hidden />}
            onClick={() => run(me.id, !watching)}
            loading={change.isPending && change.variables?.userId === me.id}
            aria-pressed={watching}
          >
            {watching ? t("watchers.unwatch") : t("watchers.watch")}
          </Button>
        </Group>
        {watchers.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("watchers.empty")}
          </Text>
        )}
        {!!watchers.data?.length && (
          <Stack component="ul" gap={4} p={0} m={0} style={{ listStyle: "none" }}>
            {watchers.data.map((w) => (
              <Group component="li" key={w.id} justify="space-between" wrap="nowrap">
                <Text size="sm" title={w.email} truncate>
                  {w.id === me.id ? t("watchers.you", { name: w.name }) : w.name}
                </Text>
                {w.id !== me.id && (
                  <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t("watchers.remove", { name: w.name })} onClick={() => run(w.id, false)}>
                    <IconX size={14} aria-hidden />
                  </ActionIcon>
                )}
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
