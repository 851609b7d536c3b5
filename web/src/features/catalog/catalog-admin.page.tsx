import { Alert, Badge, Button, Card, Fieldset, Grid, Group, Loader, Select, Stack, Switch, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { type TApprovalStageDefinition, ZApprovalChain } from "../../../../contracts/approvals";
import { AUDIENCES, CATALOG_ICONS, type TCatalogItem, type TCatalogItemSummary, type TFulfilmentTask, ZFulfilmentTask } from "../../../../contracts/catalog";
import { type TFormVariable, ZCatalogForm } from "../../../../contracts/catalog-form";
import { ApiError, api } from "../../app/api";
import { PageHeading } from "../../app/page";
import { RelativeTime } from "../../app/time";
import { useDesks } from "./catalog.api";
import { ApprovalChainEditor, FormBuilder, FulfilmentPlanEditor, issuesByPath } from "./catalog-editors";
import { RequestForm } from "./request-form";

const ZPlan = z.array(ZFulfilmentTask);

/** Admins: the catalog's items, and an editor whose every saved change to the definition is a new version. */
export function CatalogAdminPage() {
  const { t } = useTranslation();
  const items = useQuery({
    queryKey: ["catalog", "admin"],
    queryFn: ({ signal }) => api<{ items: TCatalogItemSummary[] }>("GET", "/api/v1/catalog/items?all=true&limit=100", { signal }).then((r) => r.items),
  });
  const [editing, setEditing] = useState<string | "new" | null>(null);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <PageHeading order={1}>{t("catalog.admin.title")}</PageHeading>
        <Button onClick={() => setEditing("new")}>{t("catalog.admin.new")}</Button>
      </Group>
      {editing && <ItemEditor key={editing} id={editing} onDone={() => setEditing(null)} />}
      {items.isLoading && <Loader size="sm" />}
      <Table.ScrollContainer minWidth={640}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("catalog.admin.name")}</Table.Th>
              <Table.Th>{t("catalog.admin.desk")}</Table.Th>
              <Table.Th>{t("catalog.admin.audience")}</Table.Th>
              <Table.Th>{t("catalog.admin.version")}</Table.Th>
              <Table.Th>{t("catalog.admin.updated")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(items.data ?? []).map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>
                  <Button variant="subtle" size="compact-sm" onClick={() => setEditing(i.id)}>
                    {i.name}
                  </Button>{" "}
                  {!i.active && <Badge color="gray">{t("catalog.admin.inactive")}</Badge>}
                </Table.Td>
                <Table.Td>{i.desk.name}</Table.Td>
                <Table.Td>{t(`catalog.admin.audiences.${i.audience}`)}</Table.Td>
                <Table.Td>{i.version}</Table.Td>
                <Table.Td>
                  <RelativeTime iso={i.updatedAt} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function ItemEditor({ id, onDone }: { id: string; onDone(): void }) {
  const isNew = id === "new";
  const existing = useQuery({
    queryKey: ["catalog", "item", id],
    enabled: !isNew,
    queryFn: ({ signal }) => api<TCatalogItem>("GET", `/api/v1/catalog/items/${id}`, { signal }),
  });
  if (!isNew && !existing.data) return <Loader size="sm" />;
  return <EditorForm item={existing.data ?? null} onDone={onDone} />;
}

function EditorForm({ item, onDone }: { item: TCatalogItem | null; onDone(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const desks = useDesks();
  const [name, setName] = useState(item?.name ?? "");
  const [summary, setSummary] = useState(item?.summary ?? "");
  const [description, setDescription] = useState(item?.description ?? "");
  const [deskId, setDeskId] = useState<string | null>(item?.desk.id ?? null);
  const [icon, setIcon] = useState<string>(item?.icon ?? "package");
  const [audience, setAudience] = useState<string>(item?.audience ?? "everyone");
  const [active, setActive] = useState(item?.active ?? true);
  const [variables, setVariables] = useState<TFormVariable[]>(item?.form.variables ?? []);
  const [approvals, setApprovals] = useState<TApprovalStageDefinition[]>(item?.approvals ?? []);
  const [fulfilment, setFulfilment] = useState<TFulfilmentTask[]>(item?.fulfilment ?? []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The same contracts as the server: a definition the editors show as valid is one the server accepts.
  const f = ZCatalogForm.safeParse({ variables });
  const a = ZApprovalChain.safeParse(approvals);
  const p = ZPlan.safeParse(fulfilment);
  const save = async () => {
    if (!f.success || !a.success || !p.success) return;
    setBusy(true);
    setError(null);
    const body = { name, summary, description, deskId, icon, audience, active, form: f.data, approvals: a.data, fulfilment: p.data };
    try {
      if (item) await api("PATCH", `/api/v1/catalog/items/${item.id}`, { body: { ...body, version: item.version } });
      else await api("POST", "/api/v1/catalog/items", { body });
      await qc.invalidateQueries({ queryKey: ["catalog"] });
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t("errors.generic"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder>
      <Title order={2} fz="lg" mb="sm">
        {item ? t("catalog.admin.editing", { name: item.name, version: item.version }) : t("catalog.admin.new")}
      </Title>
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="sm">
            <TextInput label={t("catalog.admin.name")} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <TextInput label={t("catalog.admin.summary")} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} />
            <Textarea label={t("catalog.admin.description")} autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
            <Group grow>
              <Select
                label={t("catalog.admin.desk")}
                required
                data={(desks.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
                value={deskId}
                onChange={setDeskId}
              />
              <Select label={t("catalog.admin.icon")} data={[...CATALOG_ICONS]} value={icon} onChange={(v) => setIcon(v ?? "package")} />
              <Select
                label={t("catalog.admin.audience")}
                data={AUDIENCES.map((x) => ({ value: x, label: t(`catalog.admin.audiences.${x}`) }))}
                value={audience}
                onChange={(v) => setAudience(v ?? "everyone")}
              />
            </Group>
            <Switch label={t("catalog.admin.active")} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
            <Fieldset legend={t("catalog.admin.form")}>
              <FormBuilder variables={variables} onChange={setVariables} errors={issuesByPath(f.error, 1)} />
            </Fieldset>
            <Fieldset legend={t("catalog.admin.approvals")}>
              <Text size="sm" c="dimmed" mb="xs">
                {t("catalog.admin.approvalsHint")}
              </Text>
              <ApprovalChainEditor stages={approvals} onChange={setApprovals} errors={issuesByPath(a.error)} />
            </Fieldset>
            <Fieldset legend={t("catalog.admin.fulfilment")}>
              <Text size="sm" c="dimmed" mb="xs">
                {t("catalog.admin.fulfilmentHint")}
              </Text>
              <FulfilmentPlanEditor tasks={fulfilment} onChange={setFulfilment} errors={issuesByPath(p.error)} />
            </Fieldset>
            {error && (
              <Alert color="red" variant="light" role="alert">
                {error}
              </Alert>
            )}
            <Group>
              <Button onClick={save} loading={busy} disabled={!f.success || !a.success || !p.success || !name.trim() || !deskId}>
                {t("catalog.admin.save")}
              </Button>
              <Button variant="default" onClick={onDone}>
                {t("catalog.admin.close")}
              </Button>
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }} style={{ position: "sticky", top: 16, alignSelf: "flex-start" }}>
          <Text fw={700} mb="xs">
            {t("catalog.admin.preview")}
          </Text>
          <Card withBorder bg="gray.0" component="section" aria-label={t("catalog.admin.preview")}>
            {f.success ? (
              <RequestForm form={f.data} submitting={false} onSubmit={() => {}} canPickPeople />
            ) : (
              <Text c="dimmed">{t("catalog.builder.fixToPreview")}</Text>
            )}
          </Card>
        </Grid.Col>
      </Grid>
    </Card>
  );
}
