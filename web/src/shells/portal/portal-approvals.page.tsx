import { Card, Group, Loader, SegmentedControl, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { PageHeading } from "../../app/page";
import { RelativeTime } from "../../app/time";
import { useMyApprovals } from "../../features/catalog/catalog.api";
import { DecideButtons } from "../../features/catalog/request-parts";

/** What waits for my approval, with the request's details, and what I decided before. */
export function PortalApprovalsPage() {
  const { t } = useTranslation();
  const [which, setWhich] = useState<"pending" | "decided">("pending");
  const list = useMyApprovals(which);
  return (
    <Stack gap="lg">
      <PageHeading order={1}>{t("catalog.portal.approvals")}</PageHeading>
      <SegmentedControl
        value={which}
        onChange={(v) => setWhich(v as "pending")}
        data={[
          { value: "pending", label: t("catalog.approval.states.pending") },
          { value: "decided", label: t("catalog.approval.decided") },
        ]}
        style={{ alignSelf: "flex-start" }}
      />
      {list.isLoading && <Loader size="sm" />}
      {list.data?.length === 0 && which === "pending" && <Text c="dimmed">{t("catalog.approval.none")}</Text>}
      {(list.data ?? []).map((a) => (
        <Card key={a.id} withBorder radius="md" padding="md">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <div style={{ minWidth: 0 }}>
              <Text fw={700} fz="lg">
                {a.item.title}
              </Text>
              <Text fz="sm" c="dimmed">
                {a.item.number} · {t("catalog.approval.requestedBy", { name: a.item.requester.name })} · <RelativeTime iso={a.item.createdAt} />
              </Text>
              <Text fz="sm" c="dimmed">
                {t("catalog.approval.stage", { name: a.stage.name })}
              </Text>
            </div>
            <Text fz="sm" fw={600}>
              {t(`catalog.approval.states.${a.state}`)}
            </Text>
          </Group>
          <Text mt="sm" style={{ whiteSpace: "pre-wrap" }}>
            {a.item.description}
          </Text>
          {a.comment && (
            <Text mt="xs" fz="sm" fs="italic" c="dimmed">
              “{a.comment}”
            </Text>
          )}
          {a.canDecide && <DecideButtons approvalId={a.id} />}
        </Card>
      ))}
    </Stack>
  );
}
