import { Alert, Badge, Button, Center, Group, Loader, Menu, MultiSelect, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconDownload, IconPlus, IconSearch, IconUpload } from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { CI_STATUSES, type CiStatus } from "../../../../contracts/cmdb";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { RelativeTime } from "../../app/time";
import { type CiListQuery, useCiClasses, useCiList } from "./cmdb.api";
import { CiFormModal } from "./ci-form";
import { ImportModal } from "./import-modal";

/** URL search of the CMDB list: class keys, statuses, text. */
export function parseCmdbSearch(s: Record<string, unknown>): CiListQuery {
  const list = (v: unknown) => (typeof v === "string" && v ? v.split(",").filter(Boolean) : Array.isArray(v) ? v.map(String) : undefined);
  return { class: list(s.class), status: list(s.status), q: typeof s.q === "string" && s.q ? s.q : undefined };
}

const STATUS_COLOR: Record<CiStatus, string> = { planned: "gray", in_build: "cyan", operational: "green", maintenance: "orange", retired: "dark" };

/** A CI's lifecycle status as a badge. */
export function CiStatusBadge({ status }: { status: CiStatus }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={STATUS_COLOR[status]} radius="sm" tt="none">
      {t(`cmdb.status.${status}`)}
    </Badge>
  );
}

/** The CMDB: every configuration item, filtered by class, status and text. */
export function CmdbListPage() {
  const { t } = useTranslation();
  const search = useSearch({ from: "/_agent/cmdb" });
  const navigate = useNavigate({ from: "/cmdb" });
  const classes = useCiClasses();
  const [text, setText] = useState(search.q ?? "");
  const [debounced] = useDebouncedValue(text, 250);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  useEffect(() => {
    if ((debounced || undefined) !== search.q) void navigate({ search: (s) => ({ ...s, q: debounced || undefined }), replace: true });
  }, [debounced, search.q, navigate]);
  const list = useCiList(search);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <PageHeading fz="h2">{t("cmdb.title")}</PageHeading>
        <Group gap="xs">
          <Menu>
            <Menu.Target>
              <Button variant="default" leftSection={<IconDownload size={16} aria-hidden />}>
                {t("cmdb.import.export")}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item component="a" href="/api/v1/cmdb/export/cis?format=csv" download>
                {t("cmdb.import.exportCisCsv")}
              </Menu.Item>
              <Menu.Item component="a" href="/api/v1/cmdb/export/cis?format=json" download>
                {t("cmdb.import.exportCisJson")}
              </Menu.Item>
              <Menu.Item component="a" href="/api/v1/cmdb/export/relationships?format=csv" download>
                {t("cmdb.import.exportRelsCsv")}
              </Menu.Item>
              <Menu.Item component="a" href="/api/v1/cmdb/export/relationships?format=json" download>
                {t("cmdb.import.exportRelsJson")}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
          <Button variant="default" leftSection={<IconUpload size={16} aria-hidden />} onClick={() => setImporting(true)}>
            {t("cmdb.import.open")}
          </Button>
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            {t("cmdb.newCi")}
          </Button>
        </Group>
      </Group>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput
          label={t("cmdb.search")}
          placeholder={t("cmdb.searchPlaceholder")}
          leftSection={<IconSearch size={16} aria-hidden />}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          style={{ flex: "1 1 240px" }}
        />
        <MultiSelect
          label={t("cmdb.classFilter")}
          placeholder={search.class?.length ? undefined : t("cmdb.allClasses")}
          data={(classes.data ?? []).map((c) => ({ value: c.key, label: c.name }))}
          value={search.class ?? []}
          onChange={(v) => void navigate({ search: (s) => ({ ...s, class: v.length ? v : undefined }) })}
          clearable
          style={{ flex: "1 1 220px" }}
        />
        <MultiSelect
          label={t("cmdb.statusFilter")}
          placeholder={search.status?.length ? undefined : t("cmdb.anyStatus")}
          data={CI_STATUSES.map((s) => ({ value: s, label: t(`cmdb.status.${s}`) }))}
          value={search.status ?? []}
          onChange={(v) => void navigate({ search: (s) => ({ ...s, status: v.length ? v : undefined }) })}
          clearable
          style={{ flex: "1 1 200px" }}
        />
      </Group>
      {list.isPending && (
        <Center py="xl">
          <Loader aria-label={t("app.loading")} />
        </Center>
      )}
      {list.isError && <Alert color="red">{t("cmdb.loadFailed")}</Alert>}
      {list.isSuccess && items.length === 0 && <Text c="dimmed">{t("cmdb.empty")}</Text>}
      {items.length > 0 && (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={720}>
            <Table striped highlightOnHover verticalSpacing="xs">
              <Table.Caption style={{ captionSide: "top", textAlign: "left", padding: "8px 12px" }}>{t("cmdb.caption")}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("cmdb.col.name")}</Table.Th>
                  <Table.Th>{t("cmdb.col.class")}</Table.Th>
                  <Table.Th>{t("cmdb.col.status")}</Table.Th>
                  <Table.Th>{t("cmdb.col.supportGroup")}</Table.Th>
                  <Table.Th>{t("cmdb.col.location")}</Table.Th>
                  <Table.Th>{t("cmdb.col.updated")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <AnchorLink to="/cmdb/$ciId" params={{ ciId: c.id }} fw={500}>
                        {c.name}
                      </AnchorLink>
                      {(c.serialNumber || c.assetTag) && (
                        <Text size="xs" c="dimmed">
                          {[c.assetTag, c.serialNumber].filter(Boolean).join(" · ")}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{c.className}</Table.Td>
                    <Table.Td>
                      <CiStatusBadge status={c.status} />
                    </Table.Td>
                    <Table.Td>{c.supportGroup?.name ?? "—"}</Table.Td>
                    <Table.Td>{c.location ?? "—"}</Table.Td>
                    <Table.Td>
                      <RelativeTime iso={c.updatedAt} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {list.hasNextPage && (
        <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} style={{ alignSelf: "center" }}>
          {t("cmdb.loadMore")}
        </Button>
      )}
      <ImportModal opened={importing} onClose={() => setImporting(false)} />
      <CiFormModal opened={creating} onClose={() => setCreating(false)} onSaved={(ci) => void navigate({ to: "/cmdb/$ciId", params: { ciId: ci.id } })} />
    </Stack>
  );
}
