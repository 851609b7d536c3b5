import { Alert, Button, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../app/api";
import { useAddAllowedHost, useAllowedHosts, useRemoveAllowedHost } from "./integrations.api";

/** Hosts webhooks may reach on private addresses. */
export function HostsPanel() {
  const { t } = useTranslation();
  const list = useAllowedHosts();
  const add = useAddAllowedHost();
  const remove = useRemoveAllowedHost();
  const [host, setHost] = useState("");
  const [note, setNote] = useState("");
  const errors = add.error instanceof ApiError ? add.error.fieldErrors() : {};
  return (
    <Stack gap="md">
      <Text c="dimmed" maw={720}>
        {t("integrations.hosts.intro")}
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate(
            { host, note },
            {
              onSuccess: () => {
                setHost("");
                setNote("");
              },
            },
          );
        }}
      >
        <Group align="flex-start" wrap="wrap">
          <TextInput label={t("integrations.hosts.host")} required value={host} onChange={(e) => setHost(e.currentTarget.value)} error={errors.host} />
          <TextInput label={t("integrations.hosts.note")} value={note} onChange={(e) => setNote(e.currentTarget.value)} miw={260} />
          <Button type="submit" mt={24} loading={add.isPending}>
            {t("integrations.hosts.add")}
          </Button>
        </Group>
      </form>
      {list.isError && <Alert color="red">{t("integrations.loadFailed")}</Alert>}
      {list.data?.length === 0 && <Text c="dimmed">{t("integrations.hosts.empty")}</Text>}
      {!!list.data?.length && (
        <Table striped maw={760}>
          <Table.Caption>{t("integrations.hosts.caption")}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("integrations.hosts.host")}</Table.Th>
              <Table.Th>{t("integrations.hosts.note")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((h) => (
              <Table.Tr key={h.host}>
                <Table.Td ff="monospace">{h.host}</Table.Td>
                <Table.Td>{h.note}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={`${t("integrations.remove")}: ${h.host}`}
                    onClick={() => {
                      if (window.confirm(t("integrations.hosts.removeConfirm", { host: h.host }))) remove.mutate(h.host);
                    }}
                  >
                    {t("integrations.remove")}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
