import { Alert, Anchor, Box, Button, Code, CopyButton, Group, Image, PinInput, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { type FormEvent, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { renderSVG } from "uqr";
import { ApiError } from "../../app/api";

/** The otpauth URI as a QR code (rendered locally: the secret never leaves the page). */
export function TotpQrCode({ uri }: { uri: string }) {
  const { t } = useTranslation();
  const src = useMemo(() => `data:image/svg+xml;utf8,${encodeURIComponent(renderSVG(uri, { border: 2 }))}`, [uri]);
  return <Image src={src} alt={t("sso.mfa.qrAlt")} w={184} h={184} fit="contain" bg="white" radius="sm" />;
}

/** The base32 secret in groups of four, for typing into an app by hand. */
export function ManualKey({ secret }: { secret: string }) {
  const { t } = useTranslation();
  return (
    <Box>
      <Text size="sm" c="dimmed">
        {t("sso.mfa.manualKey")}
      </Text>
      <Code fz="sm" style={{ wordBreak: "break-all" }}>
        {secret.match(/.{1,4}/g)?.join(" ")}
      </Code>
    </Box>
  );
}

/** Six digits from the authenticator: one field, numeric keyboard on phones, pasted codes accepted. */
export function CodeInput({ value, onChange, error }: { value: string; onChange: (v: string) => void; error?: string | null }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Text component="label" htmlFor="mfa-code" size="sm" fw={500}>
        {t("sso.mfa.code")}
      </Text>
      <PinInput
        id="mfa-code"
        length={6}
        type="number"
        oneTimeCode
        autoFocus
        value={value}
        onChange={onChange}
        error={Boolean(error)}
        aria-label={t("sso.mfa.code")}
        size="md"
      />
      {error && (
        <Text size="sm" c="red.8" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}

/** Shows freshly issued recovery codes once, with copy and download. */
export function RecoveryCodesPanel({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const text = codes.join("\n");
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(`${text}\n`)}`;
  return (
    <Stack>
      <Text fw={600}>{t("sso.mfa.recoveryHeading")}</Text>
      <Text size="sm" c="dimmed">
        {t("sso.mfa.recoveryIntro")}
      </Text>
      <SimpleGrid cols={2} spacing={6} component="ul" p={0} m={0} style={{ listStyle: "none" }}>
        {codes.map((c) => (
          <Code key={c} component="li" fz="sm" ta="center" py={4}>
            {c}
          </Code>
        ))}
      </SimpleGrid>
      <Group gap="xs">
        <CopyButton value={text}>
          {({ copied, copy }) => (
            <Button variant="default" size="xs" onClick={copy}>
              {copied ? t("sso.mfa.copied") : t("sso.mfa.copy")}
            </Button>
          )}
        </CopyButton>
        <Button component="a" variant="default" size="xs" href={download} download="portico-recovery-codes.txt">
          {t("sso.mfa.download")}
        </Button>
      </Group>
      <Button onClick={onDone}>{t("sso.mfa.saved")}</Button>
    </Stack>
  );
}

/** Second sign-in step: a TOTP code, or a recovery code. */
export function MfaVerifyForm({ onSubmit, onBack }: { onSubmit: (v: { code?: string; recoveryCode?: string }) => Promise<void>; onBack: () => void }) {
  const { t } = useTranslation();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (useRecovery ? recovery.trim().length < 8 : code.length !== 6) {
      setError(t("errors.required"));
      return;
    }
    setPending(true);
    setError(null);
    try {
      await onSubmit(useRecovery ? { recoveryCode: recovery.trim() } : { code });
    } catch (err) {
      setPending(false);
      setCode("");
      setError(err instanceof ApiError ? (err.code === "NETWORK" ? t("errors.network") : err.message) : t("errors.generic"));
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text fw={600}>{t("sso.mfa.heading")}</Text>
        {!useRecovery ? (
          <>
            <Text size="sm" c="dimmed">
              {t("sso.mfa.intro")}
            </Text>
            <CodeInput value={code} onChange={setCode} error={error} />
          </>
        ) : (
          <TextInput
            label={t("sso.mfa.recoveryCode")}
            value={recovery}
            onChange={(e) => setRecovery(e.currentTarget.value)}
            error={error}
            autoComplete="one-time-code"
            autoFocus
          />
        )}
        <Button type="submit" loading={pending} fullWidth>
          {t("sso.mfa.verify")}
        </Button>
        <Group justify="space-between">
          <Anchor
            component="button"
            type="button"
            size="sm"
            onClick={() => {
              setUseRecovery((v) => !v);
              setError(null);
            }}
          >
            {useRecovery ? t("sso.mfa.useCode") : t("sso.mfa.useRecovery")}
          </Anchor>
          <Anchor component="button" type="button" size="sm" onClick={onBack}>
            {t("sso.mfa.back")}
          </Anchor>
        </Group>
      </Stack>
    </form>
  );
}

/** Authenticator set-up: QR code, manual key, and the first code to confirm it. */
export function MfaSetupForm({
  setup,
  intro,
  onConfirm,
  submitLabel,
  extra,
}: {
  setup: { secret: string; otpauthUri: string };
  intro: string;
  onConfirm: (code: string) => Promise<void>;
  submitLabel: string;
  extra?: React.ReactNode;
}) {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const { t } = useTranslation();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (code.length !== 6) {
      setError(t("errors.required"));
      return;
    }
    setPending(true);
    setError(null);
    try {
      await onConfirm(code);
    } catch (err) {
      setPending(false);
      setCode("");
      setError(err instanceof ApiError ? err.message : t("errors.generic"));
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">{intro}</Text>
        <Group align="flex-start" gap="md" wrap="wrap">
          <TotpQrCode uri={setup.otpauthUri} />
          <Box maw={220}>
            <ManualKey secret={setup.secret} />
          </Box>
        </Group>
        <CodeInput value={code} onChange={setCode} error={error} />
        <Group gap="xs">
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
          {extra}
        </Group>
      </Stack>
    </form>
  );
}

/** An error alert for SSO sign-in failures coming back as ?ssoError=. */
export function SsoErrorAlert({ code }: { code: string }) {
  const { t } = useTranslation();
  const known = [
    "state_invalid",
    "state_mismatch",
    "provider_error",
    "provider_unreachable",
    "token_rejected",
    "claim_missing",
    "email_unverified",
    "wrong_organization",
    "no_account",
    "account_disabled",
  ] as const;
  const key = (known as readonly string[]).includes(code) ? (code as (typeof known)[number]) : "unknown";
  return (
    <Alert color="red" variant="light" title={t("auth.failed")} role="alert">
      {t(`sso.ssoErrors.${key}`)}
    </Alert>
  );
}
