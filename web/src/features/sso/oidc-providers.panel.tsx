import { ActionIcon, Badge, Button, Code, Group, Modal, PasswordInput, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPencil, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../app/api";
import { splitList, ssoKeys, type TOidcProvider, useProviders } from "./sso.api";

type Role = "requester" | "agent" | "admin";

interface Draft {
  slug: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  defaultRole: Role;
  jitCreate: boolean;
  enabled: boolean;
  email: string;
  nameClaim: string;
  groups: string;
  adminValues: string;
  agentValues: string;
  organizationClaim: string;
  organizationValue: string;
}

const empty: Draft = {
  slug: "",
  name: "",
  issuer: "",
  clientId: "",
  clientSecret: "",
  scopes: "openid email profile",
  defaultRole: "requester",
  jitCreate: true,
  enabled: true,
  email: "",
  nameClaim: "",
  groups: "",
  adminValues: "",
  agentValues: "",
  organizationClaim: "",
  organizationValue: "",
};

function toDraft(p: TOidcProvider): Draft {
  const m = p.claimMapping;
  return {
    slug: p.slug,
    name: p.name,
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecret: "",
    scopes: p.scopes,
    defaultRole: p.defaultRole,
    jitCreate: p.jitCreate,
    enabled: p.enabled,
    email: m.email ?? "",
    nameClaim: m.name ?? "",
    groups: m.groups ?? "",
    adminValues: (m.adminValues ?? []).join(", "),
    agentValues: (m.agentValues ?? []).join(", "),
    organizationClaim: m.organizationClaim ?? "",
    organizationValue: m.organizationValue ?? "",
  };
}

function ProviderForm({ provider, onDone }: { provider: TOidcProvider | null; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [d, setD] = useState<Draft>(provider ? toDraft(provider) : empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const roles: { value: Role; label: string }[] = (["requester", "agent", "admin"] as const).map((r) => ({ value: r, label: t(`sso.roles.${r}`) }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setErrors({});
    const claimMapping = {
      ...(d.email ? { email: d.email } : {}),
      ...(d.nameClaim ? { name: d.nameClaim } : {}),
      ...(d.groups ? { groups: d.groups } : {}),
      ...(d.adminValues ? { adminValues: splitList(d.adminValues) } : {}),
      ...(d.agentValues ? { agentValues: splitList(d.agentValues) } : {}),
      ...(d.organizationClaim ? { organizationClaim: d.organizationClaim, organizationValue: d.organizationValue } : {}),
    };
    const body = {
      name: d.name,
      issuer: d.issuer,
      clientId: d.clientId,
      ...(d.clientSecret ? { clientSecret: d.clientSecret } : {}),
      scopes: d.scopes,
      defaultRole: d.defaultRole,
      jitCreate: d.jitCreate,
      enabled: d.enabled,
      claimMapping,
    };
    try {
      if (provider) await api("PATCH", `/api/v1/admin/oidc-providers/${provider.id}`, { body });
      else await api("POST", "/api/v1/admin/oidc-providers", { body: { ...body, slug: d.slug } });
      await qc.invalidateQueries({ queryKey: ssoKeys.providers });
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
          <TextInput
            label={t("sso.admin.slug")}
            required
            disabled={Boolean(provider)}
            value={d.slug}
            onChange={(e) => set("slug", e.currentTarget.value)}
            error={errors.slug}
          />
        </SimpleGrid>
        <TextInput
          label={t("sso.admin.issuer")}
          required
          placeholder="https://login.example.com/"
          value={d.issuer}
          onChange={(e) => set("issuer", e.currentTarget.value)}
          error={errors.issuer}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t("sso.admin.clientId")}
            required
            value={d.clientId}
            onChange={(e) => set("clientId", e.currentTarget.value)}
            error={errors.clientId}
          />
          <PasswordInput
            label={t("sso.admin.clientSecret")}
            description={provider?.hasClientSecret ? t("sso.admin.clientSecretKeep") : undefined}
            value={d.clientSecret}
            onChange={(e) => set("clientSecret", e.currentTarget.value)}
            error={errors.clientSecret}
            autoComplete="new-password"
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("sso.admin.scopes")} value={d.scopes} onChange={(e) => set("scopes", e.currentTarget.value)} error={errors.scopes} />
          <Select
            label={t("sso.admin.defaultRole")}
            data={roles}
            value={d.defaultRole}
            onChange={(v) => v && set("defaultRole", v as Role)}
            allowDeselect={false}
          />
        </SimpleGrid>
        <Title order={3} fz="h5">
          {t("sso.admin.mapping")}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t("sso.admin.emailClaim")} placeholder="email" value={d.email} onChange={(e) => set("email", e.currentTarget.value)} />
          <TextInput label={t("sso.admin.nameClaim")} placeholder="name" value={d.nameClaim} onChange={(e) => set("nameClaim", e.currentTarget.value)} />
          <TextInput label={t("sso.admin.groupsClaim")} placeholder="groups" value={d.groups} onChange={(e) => set("groups", e.currentTarget.value)} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("sso.admin.adminValues")} value={d.adminValues} onChange={(e) => set("adminValues", e.currentTarget.value)} />
          <TextInput label={t("sso.admin.agentValues")} value={d.agentValues} onChange={(e) => set("agentValues", e.currentTarget.value)} />
          <TextInput
            label={t("sso.admin.tenantClaim")}
            placeholder="tid"
            value={d.organizationClaim}
            onChange={(e) => set("organizationClaim", e.currentTarget.value)}
          />
          <TextInput label={t("sso.admin.tenantValue")} value={d.organizationValue} onChange={(e) => set("organizationValue", e.currentTarget.value)} />
        </SimpleGrid>
        <Group>
          <Switch label={t("sso.admin.jit")} checked={d.jitCreate} onChange={(e) => set("jitCreate", e.currentTarget.checked)} />
          <Switch label={t("sso.admin.enabled")} checked={d.enabled} onChange={(e) => set("enabled", e.currentTarget.checked)} />
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

/** OpenID Connect providers: list, add, edit, delete; shows the redirect URI to register. */
export function OidcProvidersPanel() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const providers = useProviders();
  const [editing, setEditing] = useState<TOidcProvider | "new" | null>(null);
  const items = providers.data?.items ?? [];

  async function remove(p: TOidcProvider) {
    if (!window.confirm(t("sso.admin.confirmDelete", { name: p.name }))) return;
    await api("DELETE", `/api/v1/admin/oidc-providers/${p.id}`);
    await qc.invalidateQueries({ queryKey: ssoKeys.providers });
    notifications.show({ color: "green", message: t("sso.admin.deleted") });
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} fz="h4">
          {t("sso.admin.providers")}
        </Title>
        <Button onClick={() => setEditing("new")}>{t("sso.admin.addProvider")}</Button>
      </Group>
      {items.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t("sso.admin.noProviders")}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("sso.admin.name")}</Table.Th>
                <Table.Th>{t("sso.admin.issuer")}</Table.Th>
                <Table.Th>{t("sso.admin.defaultRole")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>
                    <Group gap="xs">
                      <Text fw={600} size="sm">
                        {p.name}
                      </Text>
                      {!p.enabled && <Badge color="gray">{t("sso.security.off")}</Badge>}
                    </Group>
                    <Text size="xs" c="dimmed">
                      {p.slug}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ wordBreak: "break-all" }}>
                      {p.issuer}
                    </Text>
                  </Table.Td>
                  <Table.Td>{t(`sso.roles.${p.defaultRole}`)}</Table.Td>
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <ActionIcon variant="subtle" aria-label={`${t("sso.admin.editProvider")}: ${p.name}`} onClick={() => setEditing(p)}>
                        <IconPencil size={16} aria-hidden />
                      </ActionIcon>
                      <ActionIcon variant="subtle" color="red" aria-label={`${t("sso.admin.delete")}: ${p.name}`} onClick={() => void remove(p)}>
                        <IconTrash size={16} aria-hidden />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {items[0] && (
        <Text size="sm">
          {t("sso.admin.redirectUri")}: <Code style={{ wordBreak: "break-all" }}>{items[0].redirectUri}</Code>
        </Text>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? t("sso.admin.addProvider") : t("sso.admin.editProvider")}
        size="lg"
      >
        {editing !== null && <ProviderForm provider={editing === "new" ? null : editing} onDone={() => setEditing(null)} />}
      </Modal>
    </Stack>
  );
}
