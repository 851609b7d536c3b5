import { Alert, Badge, Button, Group, Loader, Paper, Stack, Table, Tabs, Text } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { AssetForm, ContractForm, LicenceForm, VendorForm } from "./asset-forms";
import { useAssets, useContracts, useLicences, useNotices, useVendors } from "./assets.api";

const money = (v: number | null, currency: string) => (v === null ? "—" : new Intl.NumberFormat("en", { style: "currency", currency }).format(v));

function Grid({
  caption,
  head,
  rows,
  loading,
  error,
  empty,
}: {
  caption: string;
  head: string[];
  rows: ReactNode[][];
  loading: boolean;
  error: boolean;
  empty: string;
}) {
  const { t } = useTranslation();
  if (loading) return <Loader aria-label={t("app.loading")} />;
  if (error) return <Alert color="red">{t("assets.loadFailed")}</Alert>;
  if (!rows.length) return <Text c="dimmed">{empty}</Text>;
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={720}>
        <Table striped verticalSpacing="xs">
          <Table.Caption style={{ captionSide: "top", textAlign: "left", padding: "8px 12px" }}>{caption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              {head.map((h) => (
                <Table.Th key={h}>{h}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are rebuilt from the list each render
              <Table.Tr key={i}>
                {r.map((c, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                  <Table.Td key={j}>{c}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

const COMPLIANCE_COLOR = { compliant: "green", under_licensed: "red", over_licensed: "yellow" } as const;
const CONTRACT_COLOR = { pending: "gray", active: "green", expiring: "orange", expired: "red", terminated: "dark" } as const;

/** Assets, software licences, vendor contracts, vendors and renewal notices: lists and simple forms. */
export function AssetsPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<string | null>("assets");
  const [form, setForm] = useState<string | null>(null);
  const assets = useAssets();
  const licences = useLicences();
  const contracts = useContracts();
  const vendors = useVendors();
  const notices = useNotices();
  const close = () => setForm(null);
  const newLabel: Record<string, string> = {
    assets: t("assets.newAsset"),
    licences: t("assets.newLicence"),
    contracts: t("assets.newContract"),
    vendors: t("assets.newVendor"),
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <PageHeading fz="h2">{t("assets.title")}</PageHeading>
        {tab && newLabel[tab] && (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setForm(tab)}>
            {newLabel[tab]}
          </Button>
        )}
      </Group>
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List>
          <Tabs.Tab value="assets">{t("assets.tabs.assets")}</Tabs.Tab>
          <Tabs.Tab value="licences">{t("assets.tabs.licences")}</Tabs.Tab>
          <Tabs.Tab value="contracts">{t("assets.tabs.contracts")}</Tabs.Tab>
          <Tabs.Tab value="vendors">{t("assets.tabs.vendors")}</Tabs.Tab>
          <Tabs.Tab value="notices">{t("assets.tabs.notices")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="assets" pt="md">
          <Grid
            caption={t("assets.tabs.assets")}
            loading={assets.isPending}
            error={assets.isError}
            empty={t("assets.empty")}
            head={[
              t("assets.assetTag"),
              t("assets.name"),
              t("assets.status"),
              t("assets.assignedTo"),
              t("assets.ci"),
              t("assets.warrantyEnd"),
              t("assets.cost"),
            ]}
            rows={(assets.data ?? []).map((a) => [
              <Text key="t" ff="monospace" size="sm">
                {a.assetTag}
              </Text>,
              <div key="n">
                <Text size="sm">{a.name}</Text>
                <Text size="xs" c="dimmed">
                  {[a.vendor?.name, a.model, a.serialNumber].filter(Boolean).join(" · ")}
                </Text>
              </div>,
              <Badge key="s" variant="light" tt="none">
                {t(`assets.statuses.${a.status}`)}
              </Badge>,
              a.assignedTo?.name ?? "—",
              a.ci ? (
                <AnchorLink key="c" to="/cmdb/$ciId" params={{ ciId: a.ci.id }} size="sm">
                  {a.ci.name}
                </AnchorLink>
              ) : (
                "—"
              ),
              a.warrantyEnd ? (
                <Text key="w" size="sm" c={a.warrantyExpired ? "red.8" : undefined}>
                  {a.warrantyEnd}
                  {a.warrantyExpired ? ` (${t("assets.expired")})` : ""}
                </Text>
              ) : (
                "—"
              ),
              money(a.cost, a.currency),
            ])}
          />
        </Tabs.Panel>
        <Tabs.Panel value="licences" pt="md">
          <Grid
            caption={t("assets.tabs.licences")}
            loading={licences.isPending}
            error={licences.isError}
            empty={t("assets.empty")}
            head={[t("assets.name"), t("assets.licenceType"), t("assets.seats"), t("assets.compliance"), t("assets.renewalDate"), t("assets.cost")]}
            rows={(licences.data ?? []).map((l) => [
              <div key="n">
                <Text size="sm">{l.name}</Text>
                <Text size="xs" c="dimmed">
                  {[l.product, l.vendor?.name].filter(Boolean).join(" · ")}
                </Text>
              </div>,
              t(`assets.licenceTypes.${l.licenceType}`),
              `${l.used} / ${l.entitlements ?? "∞"}`,
              <Badge key="c" color={COMPLIANCE_COLOR[l.compliance]} variant="light" tt="none">
                {t(`assets.complianceStates.${l.compliance}`)}
              </Badge>,
              l.renewalDate ?? "—",
              money(l.cost, l.currency),
            ])}
          />
        </Tabs.Panel>
        <Tabs.Panel value="contracts" pt="md">
          <Grid
            caption={t("assets.tabs.contracts")}
            loading={contracts.isPending}
            error={contracts.isError}
            empty={t("assets.empty")}
            head={[t("assets.name"), t("assets.vendor"), t("assets.kind"), t("assets.period"), t("assets.status"), t("assets.sla"), t("assets.covers")]}
            rows={(contracts.data ?? []).map((c) => [
              c.name,
              c.vendor.name,
              t(`assets.kinds.${c.kind}`),
              `${c.startDate} → ${c.endDate}`,
              <Badge
                key="s"
                color={CONTRACT_COLOR[c.status]}
                variant="light"
                tt="none"
                styles={{ root: { height: "auto", paddingBlock: 2 }, label: { whiteSpace: "normal", overflow: "visible" } }}
              >
                {t(`assets.contractStates.${c.status}`, { days: c.daysLeft })}
              </Badge>,
              c.slaReference ?? "—",
              [...c.cis.map((x) => x.name), ...c.assets.map((a) => a.assetTag)].join(", ") || "—",
            ])}
          />
        </Tabs.Panel>
        <Tabs.Panel value="vendors" pt="md">
          <Grid
            caption={t("assets.tabs.vendors")}
            loading={vendors.isPending}
            error={vendors.isError}
            empty={t("assets.empty")}
            head={[t("assets.name"), t("assets.contactName"), t("assets.contactEmail"), t("assets.phone"), t("assets.website")]}
            rows={(vendors.data ?? []).map((v) => [v.name, v.contactName ?? "—", v.contactEmail ?? "—", v.phone ?? "—", v.website ?? "—"])}
          />
        </Tabs.Panel>
        <Tabs.Panel value="notices" pt="md">
          <Grid
            caption={t("assets.tabs.notices")}
            loading={notices.isPending}
            error={notices.isError}
            empty={t("assets.noNotices")}
            head={[t("assets.subject"), t("assets.dueDate"), t("assets.notified"), t("assets.sentAt")]}
            rows={(notices.data ?? []).map((n) => [
              `${t(`assets.subjectTypes.${n.subjectType}`)}: ${n.subjectName}`,
              n.dueDate,
              n.notifiedUser?.name ?? "—",
              new Date(n.createdAt).toLocaleString(),
            ])}
          />
        </Tabs.Panel>
      </Tabs>
      <AssetForm opened={form === "assets"} onClose={close} />
      <LicenceForm opened={form === "licences"} onClose={close} />
      <ContractForm opened={form === "contracts"} onClose={close} />
      <VendorForm opened={form === "vendors"} onClose={close} />
    </Stack>
  );
}
