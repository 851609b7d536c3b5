import { Alert, Avatar, Badge, Box, Group, List, Loader, Paper, Stack, Text, VisuallyHidden } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { TComment, TTimelineEvent } from "../../../../../../contracts/work-items";
import { RelativeTime } from "../../../../app/time";
import { type NameLookup, useNameLookup } from "../../../reference/reference.api";
import { useComments, useTimeline } from "../../incidents.api";
import { fieldLabel, formatValue } from "./describe-change";
import { deskWorkHeadline } from "../../../desk-work/timeline-headline";
import { automationActor, automationHeadline } from "../../../automation/timeline-bits";

function headline(e: TTimelineEvent, t: TFunction): string {
  const d = e.data as Record<string, string | number | undefined>;
  switch (e.kind) {
    case "created":
      return d.channel
        ? t("activity.kinds.created_via", { channel: t(`channel.${d.channel}` as never, { defaultValue: String(d.channel) }) })
        : t("activity.kinds.created");
    case "state_changed":
      return d.action
        ? String(t(`activity.kinds.action_${d.action}` as never, { defaultValue: t("activity.kinds.state_changed") }))
        : t("activity.kinds.state_changed");
    case "updated":
    case "comment_added":
    case "work_note_added":
    case "link_removed":
      return t(`activity.kinds.${e.kind}`);
    case "watcher_removed":
      return d.userId && d.userId === e.actor?.id ? t("activity.kinds.watcher_self_removed") : t("activity.kinds.watcher_removed");
    case "attachment_added":
      return t("activity.kinds.attachment_added", { filename: d.filename ?? "" });
    case "watcher_added":
      return d.userId && d.userId === e.actor?.id ? t("activity.kinds.watcher_self_added") : t("activity.kinds.watcher_added", { name: d.name ?? "" });
    case "link_added":
      return t("activity.kinds.link_added", { kind: String(t(`linkKind.${d.kind}` as never, { defaultValue: String(d.kind) })), number: d.number ?? "" });
    case "ci_linked":
      return t("cmdb.timeline.ci_linked", { name: d.name ?? "", role: String(t(`cmdb.role.${d.role}` as never, { defaultValue: String(d.role) })) });
    case "ci_unlinked":
      return t("cmdb.timeline.ci_unlinked", { name: d.name ?? "" });
    case "article_linked":
      return t("knowledge.timeline.linked", {
        kind: String(t(`knowledge.links.kind.${d.kind}` as never, { defaultValue: String(d.kind) })),
        number: d.number ?? "",
        title: d.title ?? "",
      });
    case "article_unlinked":
      return t("knowledge.timeline.unlinked", { number: d.number ?? "" });
    default:
      return deskWorkHeadline(e, t) ?? automationHeadline(e, t) ?? t("activity.kinds.other", { kind: e.kind });
  }
}

function initials(name: string) {
  return name
    .split(/\s+/)
    .slice(0, 2)
    .map((p) => p[0]?.toUpperCase() ?? "")
    .join("");
}

function Entry({ e, comment, names }: { e: TTimelineEvent; comment?: TComment; names: NameLookup }) {
  const { t } = useTranslation();
  const isNote = e.kind === "work_note_added";
  const isComment = e.kind === "comment_added";
  const body = comment?.body ?? (typeof e.data.body === "string" ? e.data.body : null);
  const actor = e.actor?.name ?? automationActor(e, t) ?? t("activity.system");
  const reason = typeof e.data.reason === "string" ? e.data.reason : null;
  return (
    <Box component="li" style={{ listStyle: "none" }}>
      <Group align="flex-start" wrap="nowrap" gap="sm">
        <Avatar radius="xl" size={32} color={isNote ? "orange" : "blue"} aria-hidden>
          {initials(actor)}
        </Avatar>
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group gap={6} wrap="wrap">
            <Text size="sm" fw={600}>
              {actor}
            </Text>
            <Text size="sm">{headline(e, t)}</Text>
            {isNote && (
              <Badge color="orange" variant="light" leftSection={<IconLock size={12} aria-hidden />} tt="none">
                {t("activity.internal")}
              </Badge>
            )}
            <Text size="xs" c="dimmed">
              <RelativeTime iso={e.createdAt} />
            </Text>
          </Group>
          {(isComment || isNote) && body && (
            <Paper p="sm" radius="sm" className={isNote ? "entry-work-note" : "entry-comment"} withBorder>
              <Text size="sm" className="entry-body">
                {body}
              </Text>
            </Paper>
          )}
          {e.changes.length > 0 && (
            <List size="sm" spacing={2} listStyleType="none" withPadding={false}>
              {e.changes.map((c) => (
                <List.Item key={c.field}>
                  <Text span size="sm" fw={500}>
                    {fieldLabel(c.field, t)}:
                  </Text>{" "}
                  {c.from === null || c.from === undefined || c.from === "" ? (
                    <Text span size="sm" c="dimmed">
                      {t("activity.empty_value")}
                    </Text>
                  ) : (
                    <Text span size="sm" c="dimmed" td="line-through">
                      {formatValue(c.field, c.from, t, names, c.fromLabel)}
                    </Text>
                  )}{" "}
                  <span aria-hidden>→</span>
                  <VisuallyHidden>{t("activity.changedTo")}</VisuallyHidden>{" "}
                  <Text span size="sm">
                    {formatValue(c.field, c.to, t, names, c.toLabel)}
                  </Text>
                </List.Item>
              ))}
            </List>
          )}
          {reason && <Text size="sm">{t("activity.withReason", { reason })}</Text>}
        </Stack>
      </Group>
    </Box>
  );
}

/** Everything that happened to the incident, newest first, comments and work notes inline. */
export function Timeline({ incidentRef, people }: { incidentRef: string; people: Array<{ id: string; name: string } | null | undefined> }) {
  const { t } = useTranslation();
  const timeline = useTimeline(incidentRef);
  const comments = useComments(incidentRef);
  const names = useNameLookup([...people, ...(timeline.data ?? []).map((e) => e.actor)]);
  if (timeline.isPending) return <Loader size="sm" aria-label={t("app.loading")} />;
  if (timeline.isError) return <Alert color="red">{t("activity.loadFailed")}</Alert>;
  const byId = new Map((comments.data ?? []).map((c) => [c.id, c]));
  const events = [...timeline.data].reverse();
  if (events.length === 0) return <Text c="dimmed">{t("activity.empty")}</Text>;
  return (
    <Stack component="ol" gap="md" p={0} m={0} aria-label={t("activity.title")}>
      {events.map((e) => (
        <Entry key={e.id} e={e} comment={typeof e.data.commentId === "string" ? byId.get(e.data.commentId) : undefined} names={names} />
      ))}
    </Stack>
  );
}
