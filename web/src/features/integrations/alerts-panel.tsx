import { Alert, Badge, Button, Code, Group, Modal, NumberInput, Select, Stack, Switch, Table, Text, TextInput } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TAlertIntegration } from "../../../../contracts/alerts";
import { ApiError } from "../../app/api";
import { AnchorLink } from "../../app/links";
import { RelativeTime } from "../../app/time";
import { useGroups, useServices, useStaff } from "../reference/reference.api";
import { useAlertIntegrations, useAlerts, useDeleteAlertIntegration, useRotateAlertSecret, useSaveAlertIntegration } from "./integrations.api";
import { SecretModal } from "./secret-modal";

interface FormState {
  name: string;
  runAsUserId: string | null;
  assignmentGroupId: string | null;
  serviceId: string | null;
  autoResolve: boolean;
  repeatNoteMinutes: number;
  active: boolean;
}

function IntegrationModal({
  item,
  onClose,
  onSecret,
}: {
  item: TAlertIntegration | null;
  onClose: () => void;
  onSecret: (name: string, secret: string) => void;
}) {
  const { t } = useTranslation();
  const save = useSaveAlertIntegration();
  const groups = useGroups();
  const services = useServices();
  const staff = useStaff();
  const [f, setF] = useState<FormState>({
    name: item?.name ?? "",
    runAsUserId: item?.runAs.id ?? null,
    assignmentGroupId: item?.assignmentGroup?.id ?? null,
    serviceId: item?.service?.id ?? null,
    autoResolve: item?.autoResolve ?? false,
    repeatNoteMinutes: item?.repeatNoteMinutes ?? 15,
    active: item?.active ?? true,
  });
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));
  const errors = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  const submit = () => {
    const { runAsUserId, ...rest } = f;
    save.mutate(
      { id: item?.id, body: { ...rest, ...(runAsUserId ? { runAsUserId } : {}) } },
      {
        onSuccess: (r) => {
          onClose();
          if (r.secret) onSecret(r.name, r.secret);
        },
      },
    );
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={item ? t("integrations.alerts.editTitle") : t("integrations.alerts.addTitle")}
      size="lg"
      closeButtonProps={{ "aria-label": t("app.close") }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          {save.error && !Object.keys(errors).length && <Alert color="red">{save.error.message}</Alert>}
          <TextInput
            label={t("integrations.alerts.field.name")}
            required
            value={f.name}
            onChange={(e) => set("name", e.currentTarget.value)}
            error={errors.name}
          />
          <Select
            label={t("integrations.alerts.field.runAs")}
            description={t("integrations.alerts.field.runAsHint")}
            searchable
            data={(staff.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
            value={f.runAsUserId}
            onChange={(v) => set("runAsUserId", v)}
            error={errors.runAsUserId}
          />
          <Select
            label={t("integrations.alerts.field.group")}
            placeholder={t("integrations.alerts.field.none")}
            clearable
            data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
            value={f.assignmentGroupId}
            onChange={(v) => set("assignmentGroupId", v)}
            error={errors.assignmentGroupId}
          />
          <Select
            label={t("integrations.alerts.field.service")}
            placeholder={t("integrations.alerts.field.none")}
            clearable
            searchable
            data={(services.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
            value={f.serviceId}
            onChange={(v) => set("serviceId", v)}
            error={errors.serviceId}
          />
          <NumberInput
            label={t("integrations.alerts.field.repeatNote")}
            min={1}
            max={1440}
            value={f.repeatNoteMinutes}
            onChange={(v) => set("repeatNoteMinutes", Number(v) || 15)}
            maw={320}
          />
          <Switch label={t("integrations.alerts.field.autoResolve")} checked={f.autoResolve} onChange={(e) => set("autoResolve", e.currentTarget.checked)} />
          <Switch label={t("integrations.alerts.field.active")} checked={f.active} onChange={(e) => set("active", e.currentTarget.checked)} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              {t("integrations.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t("integrations.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RecentAlertsModal({ item, onClose }: { item: TAlertIntegration; onClose: () => void }) {
  const { t } = useTranslation();
  const alerts = useAlerts(item.id);
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <Modal
      opened
      onClose={onClose}
      title={t("integrations.alerts.recentTitle", { name: item.name })}
      size="xl"
      closeButtonProps={{ "aria-label": t("app.close") }}
    >
      <Stack gap="sm">
        <Text size="sm" fw={500}>
          {t("integrations.alerts.howTo")}
        </Text>
        <Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
          {`curl -X POST ${origin}${item.endpoint} \\\n  -H "Authorization: Bearer <secret>" -H "Content-Type: application/json" \\\n  -d '{"key":"db-1/disk","title":"Disk 95% full on db-1","severity":"critical","status":"firing"}'`}
        </Code>
        {alerts.data?.length === 0 && <Text c="dimmed">{t("integrations.alerts.noAlerts")}</Text>}
        {!!alerts.data?.length && (
          <Table.ScrollContainer minWidth={640}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  {(["key", "title", "status", "count", "incident", "last"] as const).map((c) => (
                    <Table.Th key={c}>{t(`integrations.alerts.alertCol.${c}`)}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {alerts.data.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td ff="monospace">{a.key}</Table.Td>
                    <Table.Td>{a.title}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={a.status === "firing" ? "red" : "gray"} tt="none">
                        {t(`integrations.alerts.status.${a.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{t("integrations.alerts.count", { count: a.count })}</Table.Td>
                    <Table.Td>
                      {a.incident ? (
                        <AnchorLink to="/incidents/$incidentId" params={{ incidentId: a.incident.number }} ff="monospace">
                          {a.incident.number}
                        </AnchorLink>
                      ) : (
                        "—"
                      )}
                    </Table.Td>
                    <Table.Td>
                      <RelativeTime iso={a.lastSeenAt} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Modal>
  );
}

/** Alert integrations: where monitors send alerts, and what became of them. */
export function AlertsPanel() {
  const { t } = useTranslation();
  const list = useAlertIntegrations();
  const remove = useDeleteAlertIntegration();
  const rotate = useRotateAlertSecret();
  const [editing, setEditing] = useState<TAlertIntegration | null | "new">(null);
  const [recent, setRecent] = useState<TAlertIntegration | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Text c="dimmed" maw={720}>
          {t("integrations.alerts.intro")}
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing("new")}>
          {t("integrations.alerts.add")}
        </Button>
      </Group>
      {list.isError && <Alert color="red">{t("integrations.loadFailed")}</Alert>}
      {list.data?.length === 0 && <Text c="dimmed">{t("integrations.alerts.empty")}</Text>}
      {!!list.data?.length && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover>
            <Table.Caption>{t("integrations.alerts.caption")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {(["name", "endpoint", "routing", "open", "last", "actions"] as const).map((c) => (
                  <Table.Th key={c}>{t(`integrations.alerts.col.${c}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td>
                    <Text fw={500}>{i.name}</Text>
                    <Badge variant="light" color={i.active ? "green" : "gray"} tt="none" size="sm">
                      {i.active ? t("integrations.active") : t("integrations.inactive")}
                    </Badge>
                  </Table.Td>
                  <Table.Td maw={280} style={{ wordBreak: "break-all" }}>
                    <Text size="xs" ff="monospace">
                      {i.endpoint}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{[i.assignmentGroup?.name, i.service?.name].filter(Boolean).join(" · ") || "—"}</Text>
                  </Table.Td>
                  <Table.Td>{i.openAlerts}</Table.Td>
                  <Table.Td>{i.lastReceivedAt ? <RelativeTime iso={i.lastReceivedAt} /> : t("integrations.never")}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setEditing(i)} aria-label={`${t("integrations.edit")}: ${i.name}`}>
                        {t("integrations.edit")}
                      </Button>
                      <Button size="xs" variant="default" onClick={() => setRecent(i)}>
                        {t("integrations.alerts.recent")}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => {
                          if (window.confirm(t("integrations.alerts.rotateConfirm", { name: i.name })))
                            rotate.mutate(i.id, { onSuccess: (r) => setSecret({ name: r.name, secret: r.secret }) });
                        }}
                      >
                        {t("integrations.alerts.rotate")}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        aria-label={`${t("integrations.remove")}: ${i.name}`}
                        onClick={() => {
                          if (window.confirm(t("integrations.alerts.removeConfirm", { name: i.name }))) remove.mutate(i.id);
                        }}
                      >
                        {t("integrations.remove")}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing && (
        <IntegrationModal item={editing === "new" ? null : editing} onClose={() => setEditing(null)} onSecret={(name, s) => setSecret({ name, secret: s })} />
      )}
      {recent && <RecentAlertsModal item={recent} onClose={() => setRecent(null)} />}
      {secret && <SecretModal title={secret.name} secret={secret.secret} onClose={() => setSecret(null)} />}
    </Stack>
  );
}
