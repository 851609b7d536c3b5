import { Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { TTimelineEvent } from "../../../../contracts/work-items";
import { api } from "../../app/api";
import { RelativeTime } from "../../app/time";
import { Conversation } from "../../shells/portal/portal-bits";

/** What happened to a request, oldest first, and its conversation. */
export function ActivityTimeline({ refId }: { refId: string }) {
  const { t } = useTranslation();
  const events = useQuery({
    queryKey: ["request", refId, "timeline"],
    queryFn: ({ signal }) => api<{ items: TTimelineEvent[] }>("GET", `/api/v1/requests/${refId}/timeline?limit=200`, { signal }).then((r) => r.items),
  });
  return (
    <Stack gap="md">
      <Stack gap={6}>
        {(events.data ?? []).map((e) => (
          <Text key={e.id} fz="sm">
            <Text span c="dimmed" fz="xs">
              <RelativeTime iso={e.createdAt} />
            </Text>{" "}
            <b>{e.actor?.name ?? "Portico"}</b> · {t(`catalog.events.${e.kind}`, { defaultValue: e.kind, ...(e.data as Record<string, string>) })}
          </Text>
        ))}
      </Stack>
      <Conversation base="requests" ref={refId} />
    </Stack>
  );
}
