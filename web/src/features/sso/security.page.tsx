import { Badge, Button, Container, Group, Modal, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../app/api";
import { PageHeading } from "../../app/page";
import { CodeInput, MfaSetupForm, RecoveryCodesPanel } from "./mfa-components";

interface MfaStatus {
  enabled: boolean;
  pending: boolean;
  recoveryCodesLeft: number;
  required: boolean;
}

const mfaKey = ["me", "mfa"] as const;

/** Asks for a current code (or a recovery code) before a sensitive change. */
function ConfirmWithCode({
  opened,
  title,
  onClose,
  onConfirm,
}: {
  opened: boolean;
  title: string;
  onClose: () => void;
  onConfirm: (v: { code?: string; recoveryCode?: string }) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function go() {
    setPending(true);
    setError(null);
    try {
      await onConfirm(recovery.trim() ? { recoveryCode: recovery.trim() } : { code });
      setCode("");
      setRecovery("");
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t("errors.generic"));
    } finally {
      setPending(false);
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack>
        <Text size="sm">{t("sso.security.confirmWithCode")}</Text>
        <CodeInput value={code} onChange={setCode} error={error} />
        <TextInput label={t("sso.mfa.recoveryCode")} value={recovery} onChange={(e) => setRecovery(e.currentTarget.value)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("sso.security.cancel")}
          </Button>
          <Button loading={pending} onClick={() => void go()} disabled={code.length !== 6 && recovery.trim().length < 8}>
            {title}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The person's own security page: two-step verification (set up, recovery codes, turn off). */
export function SecurityPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const status = useQuery({ queryKey: mfaKey, queryFn: () => api<MfaStatus>("GET", "/api/v1/me/mfa") });
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [confirm, setConfirm] = useState<"off" | "codes" | null>(null);
  const start = useMutation({
    mutationFn: () => api<{ secret: string; otpauthUri: string }>("POST", "/api/v1/me/mfa/setup"),
    onSuccess: setSetup,
    onError: (err) => notifications.show({ color: "red", message: err instanceof ApiError ? err.message : t("errors.generic") }),
  });
  const s = status.data;

  return (
    <Container size="sm" py="lg">
      <PageHeading documentTitle={t("sso.security.title")}>{t("sso.security.heading")}</PageHeading>
      <Paper withBorder p="lg" mt="lg" radius="md">
        <Stack>
          <Group justify="space-between">
            <Title order={2} fz="h4">
              {t("sso.security.mfaSection")}
            </Title>
            {s && (
              <Group gap="xs">
                {s.required && (
                  <Badge color="grape" variant="light">
                    {t("sso.security.required")}
                  </Badge>
                )}
                <Badge color={s.enabled ? "green" : "gray"}>{s.enabled ? t("sso.security.on") : t("sso.security.off")}</Badge>
              </Group>
            )}
          </Group>
          {codes ? (
            <RecoveryCodesPanel
              codes={codes}
              onDone={() => {
                setCodes(null);
                void qc.invalidateQueries({ queryKey: mfaKey });
              }}
            />
          ) : setup ? (
            <MfaSetupForm
              setup={setup}
              intro={t("sso.mfa.setupIntro")}
              submitLabel={t("sso.mfa.confirm")}
              onConfirm={async (code) => {
                const r = await api<{ recoveryCodes: string[] }>("POST", "/api/v1/me/mfa/activate", { body: { code } });
                setSetup(null);
                setCodes(r.recoveryCodes);
                notifications.show({ color: "green", message: t("sso.security.turnedOn") });
              }}
              extra={
                <Button variant="default" onClick={() => setSetup(null)}>
                  {t("sso.security.cancel")}
                </Button>
              }
            />
          ) : s?.enabled ? (
            <>
              <Text size="sm">{t("sso.security.onText", { count: s.recoveryCodesLeft })}</Text>
              <Group gap="xs">
                <Button variant="default" onClick={() => setConfirm("codes")}>
                  {t("sso.security.newCodes")}
                </Button>
                {!s.required && (
                  <Button variant="light" color="red" onClick={() => setConfirm("off")}>
                    {t("sso.security.turnOff")}
                  </Button>
                )}
              </Group>
            </>
          ) : (
            s && (
              <>
                <Text size="sm">{t("sso.security.offText")}</Text>
                <Group>
                  <Button loading={start.isPending} onClick={() => start.mutate()}>
                    {t("sso.security.setUp")}
                  </Button>
                </Group>
              </>
            )
          )}
          <Text size="xs" c="dimmed">
            {t("sso.security.ssoNote")}
          </Text>
        </Stack>
      </Paper>
      <ConfirmWithCode
        opened={confirm !== null}
        title={confirm === "off" ? t("sso.security.turnOff") : t("sso.security.newCodes")}
        onClose={() => setConfirm(null)}
        onConfirm={async (v) => {
          if (confirm === "off") {
            await api("POST", "/api/v1/me/mfa/disable", { body: v });
            notifications.show({ color: "green", message: t("sso.security.turnedOff") });
          } else {
            const r = await api<{ recoveryCodes: string[] }>("POST", "/api/v1/me/mfa/recovery-codes", { body: v });
            setCodes(r.recoveryCodes);
          }
          setConfirm(null);
          await qc.invalidateQueries({ queryKey: mfaKey });
        }}
      />
    </Container>
  );
}
