import { Alert, Badge, Button, Group, NumberInput, Paper, Progress, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../../app/auth";
import { PageHeading } from "../../app/page";
import { errorText } from "../incidents/components/form-errors";
import { useContractReport, useContracts, useCreateContract } from "./desk-work.api";

const thisMonth = () => new Date().toISOString().slice(0, 7);
const monthsAgo = (n: number) => {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString().slice(0, 7);
};

/** Support contracts with their monthly hour budgets, and billable vs included hours per month. */
export function ContractsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const contracts = useContracts();
  const [from, setFrom] = useState(monthsAgo(5));
  const [to, setTo] = useState(thisMonth());
  const valid = /^\d{4}-\d{2}$/.test(from) && /^\d{4}-\d{2}$/.test(to);
  const report = useContractReport(valid ? from : thisMonth(), valid ? to : thisMonth());

  return (
    <Stack gap="md">
      <PageHeading fz="h2">{t("deskWork.contracts.title")}</PageHeading>
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          {contracts.data?.length === 0 && <Text c="dimmed">{t("deskWork.contracts.none")}</Text>}
          {contracts.data?.map((c) => (
            <Stack key={c.id} gap={4}>
              <Group justify="space-between">
                <Text fw={600}>{c.name}</Text>
                <Text size="sm" c="dimmed">
                  {c.startsOn} – {c.endsOn ?? "…"} · {t("deskWork.contracts.perMonth", { hours: c.monthlyHours })}
                </Text>
              </Group>
              {c.current && (
                <>
                  <Progress
                    value={Math.min(100, c.current.percentUsed)}
                    color={c.current.percentUsed >= 100 ? "red" : c.current.percentUsed >= 80 ? "orange" : "teal"}
                    aria-label={`${t("deskWork.contracts.thisMonth")}: ${c.current.percentUsed} %`}
                  />
                  <Text size="sm">
                    {t("deskWork.contracts.thisMonth")}: {c.current.billableHours} / {c.current.includedHours} h ({c.current.percentUsed} %)
                  </Text>
                </>
              )}
            </Stack>
          ))}
        </Stack>
      </Paper>
      {me.role === "admin" && <AddContract />}
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="report-heading">
        <Stack gap="sm">
          <Title order={2} fz="h4" id="report-heading">
            {t("deskWork.contracts.report")}
          </Title>
          <Group gap="xs">
            <TextInput label={t("deskWork.contracts.from")} type="month" value={from} onChange={(e) => setFrom(e.currentTarget.value)} w={180} />
            <TextInput label={t("deskWork.contracts.to")} type="month" value={to} onChange={(e) => setTo(e.currentTarget.value)} w={180} />
          </Group>
          {report.isError && <Alert color="red">{errorText(report.error, t)}</Alert>}
          {report.data && report.data.rows.length === 0 && <Text c="dimmed">{t("deskWork.contracts.noRows")}</Text>}
          {report.data && report.data.rows.length > 0 && (
            <Table.ScrollContainer minWidth={640}>
              <Table striped data-testid="contract-report">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("deskWork.contracts.month")}</Table.Th>
                    <Table.Th>{t("deskWork.contracts.organization")}</Table.Th>
                    <Table.Th>{t("deskWork.contracts.contract")}</Table.Th>
                    <Table.Th ta="right">{t("deskWork.contracts.included")}</Table.Th>
                    <Table.Th ta="right">{t("deskWork.contracts.billableHours")}</Table.Th>
                    <Table.Th ta="right">{t("deskWork.contracts.nonBillable")}</Table.Th>
                    <Table.Th ta="right">{t("deskWork.contracts.used")}</Table.Th>
                    <Table.Th>{t("deskWork.contracts.warnings")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {report.data.rows.map((r) => (
                    <Table.Tr key={`${r.contract.id}-${r.month}`}>
                      <Table.Td>{r.month}</Table.Td>
                      <Table.Td>{r.organization.name}</Table.Td>
                      <Table.Td>{r.contract.name}</Table.Td>
                      <Table.Td ta="right">{r.includedHours}</Table.Td>
                      <Table.Td ta="right">{r.billableHours}</Table.Td>
                      <Table.Td ta="right">{r.nonBillableHours}</Table.Td>
                      <Table.Td ta="right" c={r.percentUsed >= 100 ? "red.8" : undefined} fw={r.percentUsed >= 100 ? 700 : undefined}>
                        {r.percentUsed} %
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {r.warnings.map((w) => (
                            <Badge key={w} color={w >= 100 ? "red" : "orange"} variant="light">
                              {w} %
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}

function AddContract() {
  const { t } = useTranslation();
  const create = useCreateContract();
  const [name, setName] = useState("");
  const [startsOn, setStartsOn] = useState(`${thisMonth()}-01`);
  const [endsOn, setEndsOn] = useState("");
  const [hours, setHours] = useState<number | string>(20);
  const [thresholds, setThresholds] = useState("80, 100");
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await create.mutateAsync({
        name: name.trim(),
        startsOn,
        endsOn: endsOn || null,
        monthlyHours: Number(hours),
        thresholds: thresholds
          .split(/[,\s]+/)
          .filter(Boolean)
          .map(Number),
      });
      notifications.show({ color: "green", message: t("deskWork.contracts.created") });
      setName("");
    } catch (err) {
      setError(errorText(err, t));
    }
  }
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="add-contract-heading">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} fz="h4" id="add-contract-heading">
            {t("deskWork.contracts.add")}
          </Title>
          <Group gap="xs" align="flex-end" wrap="wrap">
            <TextInput label={t("deskWork.contracts.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} required w={240} />
            <TextInput label={t("deskWork.contracts.startsOn")} type="date" value={startsOn} onChange={(e) => setStartsOn(e.currentTarget.value)} required />
            <TextInput label={t("deskWork.contracts.endsOn")} type="date" value={endsOn} onChange={(e) => setEndsOn(e.currentTarget.value)} />
            <NumberInput label={t("deskWork.contracts.monthlyHours")} value={hours} onChange={setHours} min={0.25} max={10000} w={200} />
            <TextInput label={t("deskWork.contracts.thresholds")} value={thresholds} onChange={(e) => setThresholds(e.currentTarget.value)} w={300} />
            <Button type="submit" loading={create.isPending}>
              {t("deskWork.contracts.add")}
            </Button>
          </Group>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
