import { Alert, Button, Code, Container, CopyButton, Group, Paper, Select, Stack, Switch, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../app/api";
import { useMe } from "../../app/auth";
import { PageHeading } from "../../app/page";
import { formatAbsolute } from "../../app/time";
import { DirectoriesPanel } from "./directories.panel";
import { OidcProvidersPanel } from "./oidc-providers.panel";
import { ssoKeys, useIdentityPolicy, useUpdatePolicy } from "./sso.api";

/** MFA requirement and password sign-in switch. */
function PolicyPanel() {
  const { t } = useTranslation();
  const policy = useIdentityPolicy();
  const update = useUpdatePolicy();
  const p = policy.data;
  const change = (body: Parameters<typeof update.mutate>[0]) =>
    update.mutate(body, {
      onSuccess: () => notifications.show({ color: "green", message: t("sso.admin.saved") }),
      onError: (err) => notifications.show({ color: "red", message: err instanceof ApiError ? err.message : t("errors.generic") }),
    });
  return (
    <Stack>
      <Title order={2} fz="h4">
        {t("sso.admin.policy")}
      </Title>
      <Switch
        label={t("sso.admin.requireMfa")}
        description={t("sso.admin.requireMfaHint")}
        checked={p?.requireMfaForStaff ?? false}
        disabled={!p || update.isPending}
        onChange={(e) => change({ requireMfaForStaff: e.currentTarget.checked })}
      />
      <Switch
        label={t("sso.admin.localLogin")}
        description={t("sso.admin.localLoginHint")}
        checked={p?.localLoginEnabled ?? true}
        disabled={!p || update.isPending}
        onChange={(e) => change({ localLoginEnabled: e.currentTarget.checked })}
      />
    </Stack>
  );
}

/** The SCIM endpoint, its token (issued once) and the role of provisioned people. */
function ScimPanel() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const policy = useIdentityPolicy();
  const update = useUpdatePolicy();
  const [fresh, setFresh] = useState<string | null>(null);
  const p = policy.data;
  const base = `${window.location.origin}/scim/v2`;
  async function issue() {
    const r = await api<{ token: string }>("POST", "/api/v1/admin/scim-token");
    setFresh(r.token);
    await qc.invalidateQueries({ queryKey: ssoKeys.policy });
  }
  async function revoke() {
    await api("DELETE", "/api/v1/admin/scim-token");
    setFresh(null);
    await qc.invalidateQueries({ queryKey: ssoKeys.policy });
  }
  return (
    <Stack>
      <Title order={2} fz="h4">
        {t("sso.admin.scim")}
      </Title>
      <Text size="sm">
        {t("sso.admin.scimEndpoint")}: <Code style={{ wordBreak: "break-all" }}>{base}</Code>
      </Text>
      {fresh && (
        <Alert color="yellow" variant="light" title={t("sso.admin.scimShownOnce")}>
          <Group gap="xs" wrap="nowrap">
            <Code style={{ wordBreak: "break-all" }}>{fresh}</Code>
            <CopyButton value={fresh}>
              {({ copied, copy }) => (
                <Button size="xs" variant="default" onClick={copy}>
                  {copied ? t("sso.mfa.copied") : t("sso.mfa.copy")}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Alert>
      )}
      <Text size="sm">
        {t("sso.admin.scimToken")}:{" "}
        {p?.scimToken
          ? t("sso.admin.scimIssued", { date: formatAbsolute(p.scimToken.createdAt, i18n.language), prefix: p.scimToken.prefix })
          : t("sso.admin.scimNoToken")}
      </Text>
      <Group gap="xs">
        <Button variant="default" onClick={() => void issue()}>
          {t("sso.admin.scimNew")}
        </Button>
        {p?.scimToken && (
          <Button variant="light" color="red" onClick={() => void revoke()}>
            {t("sso.admin.scimRevoke")}
          </Button>
        )}
      </Group>
      <Select
        label={t("sso.admin.scimRole")}
        maw={280}
        data={(["requester", "agent"] as const).map((r) => ({ value: r, label: t(`sso.roles.${r}`) }))}
        value={p?.scimDefaultRole ?? "requester"}
        onChange={(v) => v && update.mutate({ scimDefaultRole: v as "requester" | "agent" })}
        allowDeselect={false}
      />
    </Stack>
  );
}

/** Admin page: sign-in policy, OpenID providers, LDAP directories, SCIM provisioning. */
export function SsoAdminPage() {
  const { t } = useTranslation();
  const me = useMe();
  if (me.role !== "admin") {
    return (
      <Container size="md" py="lg">
        <PageHeading documentTitle={t("sso.admin.title")}>{t("sso.admin.heading")}</PageHeading>
        <Text mt="md">{t("app.notFound")}</Text>
      </Container>
    );
  }
  return (
    <Container size="md" py="lg">
      <PageHeading documentTitle={t("sso.admin.title")}>{t("sso.admin.heading")}</PageHeading>
      <Stack mt="lg" gap="lg">
        <Paper withBorder p="lg" radius="md">
          <PolicyPanel />
        </Paper>
        <Paper withBorder p="lg" radius="md">
          <OidcProvidersPanel />
        </Paper>
        <Paper withBorder p="lg" radius="md">
          <DirectoriesPanel />
        </Paper>
        <Paper withBorder p="lg" radius="md">
          <ScimPanel />
        </Paper>
      </Stack>
    </Container>
  );
}
