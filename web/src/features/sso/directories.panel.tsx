import { ActionIcon, Badge, Button, Group, Modal, Paper, PasswordInput, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPencil, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../app/api";
import { RelativeTime } from "../../app/time";
import { ssoKeys, type TLdapDirectory, type TLdapSyncResult, type TLdapTestResult, useDirectories } from "./sso.api";

type Role = "requester" | "agent" | "admin";
const ATTRS = ["login", "email", "name", "department", "phone", "manager"] as const;

interface Draft {
  name: string;
  url: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  userFilter: string;
  groupBaseDn: string;
  groupFilter: string;
  disabledFilter: string;
  defaultRole: Role;
  loginEnabled: boolean;
  syncEnabled: boolean;
  attributeMap: Partial<Record<(typeof ATTRS)[number], string>>;
}

function toDraft(d: TLdapDirectory | null): Draft {
  return {
    name: d?.name ?? "",
    url: d?.url ?? "ldaps://",
    bindDn: d?.bindDn ?? "",
    bindPassword: "",
    baseDn: d?.baseDn ?? "",
    userFilter: d?.userFilter ?? "(objectClass=inetOrgPerson)",
    groupBaseDn: d?.groupBaseDn ?? "",
    groupFilter: d?.groupFilter ?? "(objectClass=groupOfNames)",
    disabledFilter: d?.disabledFilter ?? "",
    defaultRole: d?.defaultRole ?? "requester",
    loginEnabled: d?.loginEnabled ?? true,
    syncEnabled: d?.syncEnabled ?? true,
    attributeMap: d?.attributeMap ?? {},
  };
}

function DirectoryForm({ directory, onDone }: { directory: TLdapDirectory | null; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [d, setD] = useState<Draft>(toDraft(directory));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setErrors({});
    const { bindPassword, groupBaseDn, disabledFilter, attributeMap, ...rest } = d;
    const body = {
      ...rest,
      ...(bindPassword ? { bindPassword } : {}),
      groupBaseDn: groupBaseDn.trim() || null,
      disabledFilter: disabledFilter.trim() || null,
      attributeMap: Object.fromEntries(Object.entries(attributeMap).filter(([, v]) => v?.trim())),
    };
    try {
      if (directory) await api("PATCH", `/api/v1/admin/directories/${directory.id}`, { body });
      else await api("POST", "/api/v1/admin/directories", { body });
      await qc.invalidateQueries({ queryKey: ssoKeys.directories });
      notifications.show({ color: "green", message: t("sso.admin.saved") });
      onDone();
    } catch (err) {
      setPending(false);
      if (err instanceof ApiError) {
        setErrors(err.fieldErrors());
        if (!err.details.length) notifications.show({ color: "red", message: err.message });
      }
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("sso.admin.name")} required value={d.name} onChange={(e) => set("name", e.currentTarget.value)} error={errors.name} />
          <TextInput label={t("sso.admin.url")} required value={d.url} onChange={(e) => set("url", e.currentTarget.value)} error={errors.url} />
          <TextInput label={t("sso.admin.bindDn")} value={d.bindDn} onChange={(e) => set("bindDn", e.currentTarget.value)} error={errors.bindDn} />
          <PasswordInput
            label={t("sso.admin.bindPassword")}
            description={directory?.hasBindPassword ? t("sso.admin.clientSecretKeep") : undefined}
            value={d.bindPassword}
            onChange={(e) => set("bindPassword", e.currentTarget.value)}
            autoComplete="new-password"
          />
          <TextInput label={t("sso.admin.baseDn")} required value={d.baseDn} onChange={(e) => set("baseDn", e.currentTarget.value)} error={errors.baseDn} />
          <TextInput
            label={t("sso.admin.userFilter")}
            value={d.userFilter}
            onChange={(e) => set("userFilter", e.currentTarget.value)}
            error={errors.userFilter}
          />
          <TextInput
            label={t("sso.admin.groupBaseDn")}
            value={d.groupBaseDn}
            onChange={(e) => set("groupBaseDn", e.currentTarget.value)}
            error={errors.groupBaseDn}
          />
          <TextInput
            label={t("sso.admin.groupFilter")}
            value={d.groupFilter}
            onChange={(e) => set("groupFilter", e.currentTarget.value)}
            error={errors.groupFilter}
          />
          <TextInput
            label={t("sso.admin.disabledFilter")}
            placeholder="(employeeType=disabled)"
            value={d.disabledFilter}
            onChange={(e) => set("disabledFilter", e.currentTarget.value)}
            error={errors.disabledFilter}
          />
          <Select
            label={t("sso.admin.defaultRole")}
            data={(["requester", "agent", "admin"] as const).map((r) => ({ value: r, label: t(`sso.roles.${r}`) }))}
            value={d.defaultRole}
            onChange={(v) => v && set("defaultRole", v as Role)}
            allowDeselect={false}
          />
        </SimpleGrid>
        <Text size="sm" fw={500}>
          {t("sso.admin.attributes")}
        </Text>
        <SimpleGrid cols={{ base: 2, sm: 3 }}>
          {ATTRS.map((a) => (
            <TextInput
              key={a}
              label={a}
              placeholder={{ login: "uid", email: "mail", name: "cn", department: "departmentNumber", phone: "telephoneNumber", manager: "manager" }[a]}
              value={d.attributeMap[a] ?? ""}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setD((x) => ({ ...x, attributeMap: { ...x.attributeMap, [a]: v } }));
              }}
            />
          ))}
        </SimpleGrid>
        <Group>
          <Switch label={t("sso.admin.loginEnabled")} checked={d.loginEnabled} onChange={(e) => set("loginEnabled", e.currentTarget.checked)} />
          <Switch label={t("sso.admin.syncEnabled")} checked={d.syncEnabled} onChange={(e) => set("syncEnabled", e.currentTarget.checked)} />
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t("sso.security.cancel")}
          </Button>
          <Button type="submit" loading={pending}>
            {t("sso.admin.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DirectoryCard({ d, onEdit }: { d: TLdapDirectory; onEdit: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [busy, setBusy] = useState<"test" | "sync" | null>(null);
  const last = d.lastSyncResult as (TLdapSyncResult & { ok?: boolean; error?: string }) | null;

  async function run(kind: "test" | "sync") {
    setBusy(kind);
    try {
      if (kind === "test") {
        const r = await api<TLdapTestResult>("POST", `/api/v1/admin/directories/${d.id}/test`);
        notifications.show({ color: r.ok ? "green" : "red", message: r.message });
      } else {
        const r = await api<TLdapSyncResult>("POST", `/api/v1/admin/directories/${d.id}/sync`);
        notifications.show({ color: "green", message: t("sso.admin.syncResult", r) });
      }
    } catch (err) {
      notifications.show({ color: "red", message: err instanceof ApiError ? err.message : t("errors.generic") });
    } finally {
      setBusy(null);
      await qc.invalidateQueries({ queryKey: ssoKeys.directories });
    }
  }

  async function remove() {
    if (!window.confirm(t("sso.admin.confirmDelete", { name: d.name }))) return;
    await api("DELETE", `/api/v1/admin/directories/${d.id}`);
    await qc.invalidateQueries({ queryKey: ssoKeys.directories });
  }

  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Text fw={600}>{d.name}</Text>
            {d.loginEnabled && (
              <Badge variant="light" title={t("sso.admin.loginEnabled")}>
                {t("sso.admin.signInBadge")}
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed" style={{ wordBreak: "break-all" }}>
            {d.url} · {d.baseDn}
          </Text>
          <Text size="sm">
            {t("sso.admin.lastSync")}: {d.lastSyncAt ? <RelativeTime iso={d.lastSyncAt} /> : t("sso.admin.never")}
            {last?.ok === false && (
              <Text span c="red.8">
                {" "}
                · {last.error}
              </Text>
            )}
            {last?.ok && ` · ${t("sso.admin.syncResult", last)}`}
          </Text>
        </Stack>
        <Group gap={4} wrap="nowrap">
          <ActionIcon variant="subtle" aria-label={`${t("sso.admin.editDirectory")}: ${d.name}`} onClick={onEdit}>
            <IconPencil size={16} aria-hidden />
          </ActionIcon>
          <ActionIcon variant="subtle" color="red" aria-label={`${t("sso.admin.delete")}: ${d.name}`} onClick={() => void remove()}>
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        </Group>
      </Group>
      <Group gap="xs" mt="sm">
        <Button size="xs" variant="default" loading={busy === "test"} onClick={() => void run("test")}>
          {t("sso.admin.test")}
        </Button>
        <Button size="xs" variant="light" loading={busy === "sync"} onClick={() => void run("sync")}>
          {t("sso.admin.syncNow")}
        </Button>
      </Group>
    </Paper>
  );
}

/** LDAP / Active Directory connections with test and sync-now. */
export function DirectoriesPanel() {
  const { t } = useTranslation();
  const dirs = useDirectories();
  const [editing, setEditing] = useState<TLdapDirectory | "new" | null>(null);
  const items = dirs.data?.items ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} fz="h4">
          {t("sso.admin.directories")}
        </Title>
        <Button onClick={() => setEditing("new")}>{t("sso.admin.addDirectory")}</Button>
      </Group>
      {items.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t("sso.admin.noDirectories")}
        </Text>
      ) : (
        items.map((d) => <DirectoryCard key={d.id} d={d} onEdit={() => setEditing(d)} />)
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? t("sso.admin.addDirectory") : t("sso.admin.editDirectory")}
        size="xl"
      >
        {editing !== null && <DirectoryForm directory={editing === "new" ? null : editing} onDone={() => setEditing(null)} />}
      </Modal>
    </Stack>
  );
}
