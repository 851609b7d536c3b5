import { Alert, Anchor, Badge, Button, Group, SegmentedControl, Stack, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../app/links";
import { RelativeTime } from "../../app/time";
import { useDeliveries, useInbound, useRetryInbound } from "./mail.api";

const OUTCOME_COLOR = { ticket: "green", comment: "blue", ignored: "gray", quarantined: "red" } as const;
const DELIVERY_COLOR = { queued: "gray", sending: "blue", sent: "green", failed: "red", skipped: "orange" } as const;

/** Received mail and the quarantine. */
export function ReceivedPanel() {
  const { t } = useTranslation();
  const [status, setStatus] = useState("all");
  const list = useInbound(status);
  const retry = useRetryInbound();
  return (
    <Stack gap="md">
      <Text c="dimmed" maw={760}>
        {t("mail.received.intro")}
      </Text>
      <SegmentedControl
        aria-label={t("mail.received.filter")}
        value={status}
        onChange={setStatus}
        data={[
          { value: "all", label: t("mail.received.all") },
          ...(["quarantined", "ticket", "comment", "ignored"] as const).map((s) => ({ value: s, label: t(`mail.received.status.${s}`) })),
        ]}
        style={{ alignSelf: "flex-start" }}
      />
      {list.isError && <Alert color="red">{t("mail.loadFailed")}</Alert>}
      {list.data && list.data.items.length === 0 && <Text c="dimmed">{t("mail.received.empty")}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped>
            <Table.Caption>{t("mail.received.caption")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {(["received", "from", "subject", "outcome", "ticket", "actions"] as const).map((c) => (
                  <Table.Th key={c}>{t(`mail.received.col.${c}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <RelativeTime iso={m.receivedAt} />
                  </Table.Td>
                  <Table.Td>{m.from ?? "—"}</Table.Td>
                  <Table.Td maw={320}>
                    <Text size="sm" truncate="end">
                      {m.subject ?? "—"}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={OUTCOME_COLOR[m.status]} tt="none">
                      {t(`mail.received.status.${m.status}`)}
                    </Badge>
                    {m.reason && (
                      <Text size="xs" c="dimmed" maw={280}>
                        {m.reason}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {m.workItemNumber ? (
                      <AnchorLink to="/incidents/$incidentId" params={{ incidentId: m.workItemNumber }}>
                        {m.workItemNumber}
                      </AnchorLink>
                    ) : (
                      "—"
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {m.rawUrl && (
                        <Anchor href={m.rawUrl} size="sm">
                          {t("mail.received.raw")}
                        </Anchor>
                      )}
                      {m.status === "quarantined" && m.rawUrl && (
                        <Button
                          size="xs"
                          variant="default"
                          loading={retry.isPending && retry.variables === m.id}
                          onClick={() =>
                            retry.mutate(m.id, {
                              onSuccess: (r) =>
                                notifications.show({ message: t("mail.received.retried", { status: t(`mail.received.status.${r.status}`, r.status) }) }),
                              onError: (e) => notifications.show({ color: "red", message: e.message }),
                            })
                          }
                        >
                          {t("mail.received.retry")}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

/** The outgoing mail log. */
export function SentPanel() {
  const { t } = useTranslation();
  const list = useDeliveries("all");
  return (
    <Stack gap="md">
      <Text c="dimmed" maw={760}>
        {t("mail.sent.intro")}
      </Text>
      {list.isError && <Alert color="red">{t("mail.loadFailed")}</Alert>}
      {list.data && list.data.items.length === 0 && <Text c="dimmed">{t("mail.sent.empty")}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped>
            <Table.Caption>{t("mail.sent.caption")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {(["created", "to", "subject", "status", "attempts"] as const).map((c) => (
                  <Table.Th key={c}>{t(`mail.sent.col.${c}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <RelativeTime iso={d.createdAt} />
                  </Table.Td>
                  <Table.Td>{d.to}</Table.Td>
                  <Table.Td maw={380}>
                    <Text size="sm" truncate="end">
                      {d.subject}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={DELIVERY_COLOR[d.status]} tt="none">
                      {t(`mail.sent.status.${d.status}`)}
                    </Badge>
                    {d.lastError && d.status !== "sent" && (
                      <Text size="xs" c="dimmed" maw={280}>
                        {d.lastError}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{d.attempts}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
