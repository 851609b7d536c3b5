import { ActionIcon, Alert, Button, Code, Group, Paper, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconTrash } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TFreezeWindow } from "../../../../contracts/changes";
import { errorText } from "../incidents/components/form-errors";
import { formatWindow } from "./change-badges";
import { useCreateFeed, useCreateFreeze, useFeeds, useRevokeFeed } from "./changes.api";
import { toIso } from "./new-change.page";

/** Freeze windows (change managers add them) and the caller's iCalendar subscription addresses. */
export function CalendarAdmin({ freezes }: { freezes: TFreezeWindow[] }) {
  const { t } = useTranslation();
  const feeds = useFeeds();
  const createFeed = useCreateFeed();
  const revoke = useRevokeFeed();
  const createFreeze = useCreateFreeze();
  const [fresh, setFresh] = useState<string | null>(null);
  const [fw, setFw] = useState({ name: "", start: "", end: "" });
  const fail = (err: unknown) => notifications.show({ color: "red", message: errorText(err, t) });
  const addFreeze = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await createFreeze.mutateAsync({ name: fw.name, reason: "", startsAt: toIso(fw.start) ?? "", endsAt: toIso(fw.end) ?? "", serviceId: null });
      setFw({ name: "", start: "", end: "" });
    } catch (err) {
      fail(err);
    }
  };
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="freeze-heading">
        <Stack gap="sm">
          <Title order={2} fz="h4" id="freeze-heading">
            {t("changes.calendar.freezeWindows")}
          </Title>
          {freezes.map((f) => (
            <Text key={f.id} size="sm">
              <Text span fw={600}>
                {f.name}
              </Text>{" "}
              · {formatWindow(f.startsAt, f.endsAt)}
              {f.service ? ` · ${f.service.name}` : ""}
            </Text>
          ))}
          <form onSubmit={addFreeze}>
            <Stack gap="xs">
              <TextInput label={t("changes.calendar.name")} value={fw.name} onChange={(e) => setFw({ ...fw, name: e.currentTarget.value })} maxLength={200} />
              <Group grow>
                <TextInput
                  type="datetime-local"
                  label={t("changes.calendar.startsAt")}
                  value={fw.start}
                  onChange={(e) => setFw({ ...fw, start: e.currentTarget.value })}
                />
                <TextInput
                  type="datetime-local"
                  label={t("changes.calendar.endsAt")}
                  value={fw.end}
                  onChange={(e) => setFw({ ...fw, end: e.currentTarget.value })}
                />
              </Group>
              <Group justify="flex-end">
                <Button type="submit" variant="light" disabled={!fw.name.trim() || !fw.start || !fw.end} loading={createFreeze.isPending}>
                  {t("changes.calendar.addFreeze")}
                </Button>
              </Group>
            </Stack>
          </form>
        </Stack>
      </Paper>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="feeds-heading">
        <Stack gap="sm">
          <Title order={2} fz="h4" id="feeds-heading">
            {t("changes.calendar.feeds")}
          </Title>
          <Text size="sm" c="dimmed">
            {t("changes.calendar.feedIntro")}
          </Text>
          {fresh && (
            <Alert color="blue">
              <Text size="sm">{t("changes.calendar.copyOnce")}</Text>
              <Code block style={{ wordBreak: "break-all", whiteSpace: "pre-wrap" }}>
                {fresh}
              </Code>
            </Alert>
          )}
          {feeds.data?.map((f) => (
            <Group key={f.id} justify="space-between" wrap="nowrap">
              <Text size="sm">
                {f.name}{" "}
                <Text span ff="monospace" size="xs" c="dimmed">
                  {f.prefix}…
                </Text>
              </Text>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t("changes.calendar.revoke", { name: f.name })}
                onClick={() => revoke.mutate(f.id, { onError: fail })}
              >
                <IconTrash size={14} aria-hidden />
              </ActionIcon>
            </Group>
          ))}
          <Button
            variant="light"
            style={{ alignSelf: "flex-start" }}
            loading={createFeed.isPending}
            onClick={() =>
              createFeed.mutate(t("changes.calendarTitle"), {
                onSuccess: (f) => setFresh(f.url ?? null),
                onError: fail,
              })
            }
          >
            {t("changes.calendar.newFeed")}
          </Button>
        </Stack>
      </Paper>
    </SimpleGrid>
  );
}
