import { Button, Group, List, Loader, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TTimelineEvent } from "../../../../contracts/work-items";
import { api } from "../../app/api";
import { RelativeTime } from "../../app/time";
import { errorText } from "../incidents/components/form-errors";
import { automationActor } from "../automation/timeline-bits";

const show = (v: unknown) => (v === null || v === undefined || v === "" ? "—" : typeof v === "string" ? v : JSON.stringify(v));

/** The activity of a problem or change (newest first) with a work-note composer. */
export function ItemActivity({ base, queryKey }: { base: string; queryKey: readonly unknown[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const timeline = useQuery({
    queryKey: [...queryKey, "timeline"],
    queryFn: ({ signal }) => api<{ items: TTimelineEvent[] }>("GET", `${base}/timeline?limit=500`, { signal }).then((r) => r.items.reverse()),
  });
  const [note, setNote] = useState("");
  const add = useMutation({
    mutationFn: (body: string) => api("POST", `${base}/comments`, { body: { body, visibility: "internal" } }),
    onSuccess: () => {
      setNote("");
      void qc.invalidateQueries({ queryKey });
    },
    onError: (e) => notifications.show({ color: "red", message: errorText(e, t) }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (note.trim()) add.mutate(note.trim());
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="activity-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="activity-heading">
          {t("problems.activity.title")}
        </Title>
        <form onSubmit={submit}>
          <Stack gap="xs">
            <Textarea
              label={t("problems.activity.note")}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              autosize
              minRows={2}
              maxLength={100000}
            />
            <Group justify="flex-end">
              <Button type="submit" size="xs" loading={add.isPending} disabled={!note.trim()}>
                {t("problems.activity.send")}
              </Button>
            </Group>
          </Stack>
        </form>
        {timeline.isPending && <Loader size="sm" aria-label={t("app.loading")} />}
        {timeline.data?.length === 0 && <Text c="dimmed">{t("problems.activity.empty")}</Text>}
        <Stack component="ol" gap="sm" p={0} m={0} style={{ listStyle: "none" }}>
          {timeline.data?.map((e) => {
            const d = e.data as Record<string, unknown>;
            return (
              <li key={e.id}>
                <Text size="sm">
                  <Text span fw={600}>
                    {e.actor?.name ?? automationActor(e, t) ?? "Portico"}
                  </Text>{" "}
                  {t(`problems.activity.kinds.${e.kind}` as never, { number: String(d.number ?? ""), defaultValue: e.kind.replaceAll("_", " ") })}
                  {" · "}
                  <Text span c="dimmed" size="xs">
                    <RelativeTime iso={e.createdAt} />
                  </Text>
                </Text>
                {typeof d.body === "string" && (
                  <Text size="sm" className="entry-body" style={{ whiteSpace: "pre-wrap" }}>
                    {d.body}
                  </Text>
                )}
                {typeof d.comment === "string" && (
                  <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
                    {d.comment}
                  </Text>
                )}
                {typeof d.reason === "string" && (
                  <Text size="sm" c="dimmed">
                    {d.reason}
                  </Text>
                )}
                {e.changes.length > 0 && (
                  <List size="xs" c="dimmed">
                    {e.changes.map((c) => (
                      <List.Item key={c.field}>
                        {c.field}: {c.fromLabel ?? show(c.from)} → {c.toLabel ?? show(c.to)}
                      </List.Item>
                    ))}
                  </List>
                )}
              </li>
            );
          })}
        </Stack>
      </Stack>
    </Paper>
  );
}
