import { Alert, Box, Button, Center, Divider, Image, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconKey } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ZLoginRequest } from "../../../../contracts/identity";
import type { TMfaChallenge } from "../../../../contracts/sso";
import { ApiError, api } from "../../app/api";
import { type SessionResponse, useAuth } from "../../app/auth";
import { useDocumentTitle } from "../../app/page";
import { useBranding } from "../organizations/organizations.api";
import { MfaSetupForm, MfaVerifyForm, RecoveryCodesPanel, SsoErrorAlert } from "../sso/mfa-components";

type Step =
  | { kind: "password" }
  | { kind: "verify"; challenge: TMfaChallenge }
  | { kind: "enrol"; challenge: TMfaChallenge; setup: { secret: string; otpauthUri: string } }
  | { kind: "codes"; codes: string[]; session: SessionResponse };

/** Where to go after signing in: ?redirect= (same-site paths only). */
function redirectTarget(): string {
  const r = new URLSearchParams(window.location.search).get("redirect");
  return r && /^\/(?![/\\])/.test(r) ? r : "/";
}

/** "Sign in with …" buttons for the organization's identity providers. */
function SsoButtons() {
  const { t } = useTranslation();
  const providers = useQuery({
    queryKey: ["sso-providers"],
    queryFn: () => api<{ items: { slug: string; name: string; startUrl: string }[] }>("GET", "/api/v1/auth/sso-providers", { quiet401: true }),
    staleTime: 60_000,
  });
  const items = providers.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Stack gap="xs">
      {items.map((p) => (
        <Button
          key={p.slug}
          component="a"
          href={`${p.startUrl}?returnTo=${encodeURIComponent(redirectTarget())}`}
          variant="default"
          fullWidth
          leftSection={<IconKey size={16} aria-hidden />}
        >
          {t("sso.signInWith", { name: p.name })}
        </Button>
      ))}
      <Divider label={t("sso.or")} labelPosition="center" my={4} />
    </Stack>
  );
}

/** Sign-in: SSO buttons, email + password, then the second step when two-step verification is due. */
export function SignInPage() {
  const { t } = useTranslation();
  const { state, signIn, acceptSession, switchOrganization } = useAuth();
  // The portal's host name may belong to one organization: show its look, and act in it after signing in.
  const branding = useBranding().data;
  const hostOrg = branding?.organizationId ?? null;
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);
  const [step, setStep] = useState<Step>({ kind: "password" });
  const [ssoError] = useState(() => new URLSearchParams(window.location.search).get("ssoError"));
  useDocumentTitle(t("auth.title"));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const parsed = ZLoginRequest.safeParse({ email, password });
    if (!parsed.success) {
      const errs: Record<string, string> = {};
      for (const issue of parsed.error.issues) errs[String(issue.path[0])] ??= t("errors.required");
      setFieldErrors(errs);
      return;
    }
    setFieldErrors({});
    setPending(true);
    try {
      // With a session, the sign-in route's guard sends the person on (to ?redirect= or the queue).
      const r = await signIn(parsed.data);
      if (!("mfa" in r) && hostOrg && r.organization.id !== hostOrg && r.memberships.some((m) => m.organization.id === hostOrg)) {
        await switchOrganization(hostOrg);
      }
      if ("mfa" in r) {
        setPassword("");
        setPending(false);
        if (r.mfa === "verify") setStep({ kind: "verify", challenge: r });
        else {
          const setup = await api<{ secret: string; otpauthUri: string }>("POST", "/api/v1/auth/mfa/setup", {
            body: { challengeToken: r.challengeToken },
            quiet401: true,
          });
          setStep({ kind: "enrol", challenge: r, setup });
        }
      }
    } catch (err) {
      setPending(false);
      if (err instanceof ApiError) {
        setError(err.code === "NETWORK" ? t("errors.network") : err.message);
        setFieldErrors(err.fieldErrors());
      } else setError(t("errors.generic"));
    }
  }

  const back = () => {
    setStep({ kind: "password" });
    setPending(false);
  };

  const notice =
    state.status === "signedOut" && state.reason === "expired"
      ? t("auth.sessionEnded")
      : state.status === "signedOut" && state.reason === "signedOut"
        ? t("auth.signedOut")
        : null;

  return (
    <Center component="main" mih="100dvh" p="md" bg="gray.1">
      <Box w="100%" maw={step.kind === "enrol" ? 480 : 400}>
        <Stack gap="xs" mb="lg" align="center">
          {branding?.logoUrl && <Image src={branding.logoUrl} h={48} w="auto" alt={t("organizations.admin.logoAlt", { name: branding.displayName })} />}
          <Text fw={800} fz={28} c={hostOrg ? undefined : "blue.9"} style={hostOrg ? { color: branding?.primaryColor } : undefined} aria-hidden>
            {hostOrg ? branding?.displayName : t("app.name")}
          </Text>
          <Title order={1} fz="h3">
            {step.kind === "enrol"
              ? t("sso.mfa.enrolHeading")
              : hostOrg && branding
                ? t("organizations.signIn.to", { name: branding.displayName })
                : t("auth.heading")}
          </Title>
          {step.kind === "password" && !hostOrg && (
            <Text c="dimmed" size="sm">
              {t("auth.intro")}
            </Text>
          )}
        </Stack>
        <Paper withBorder shadow="sm" p="lg" radius="md">
          {step.kind === "verify" && (
            <MfaVerifyForm
              onBack={back}
              onSubmit={async (v) => {
                const s = await api<SessionResponse>("POST", "/api/v1/auth/mfa/verify", {
                  body: { challengeToken: step.challenge.challengeToken, ...v },
                  quiet401: true,
                });
                acceptSession(s);
              }}
            />
          )}
          {step.kind === "enrol" && (
            <MfaSetupForm
              setup={step.setup}
              intro={t("sso.mfa.enrolIntro")}
              submitLabel={t("sso.mfa.confirm")}
              onConfirm={async (code) => {
                const r = await api<SessionResponse & { recoveryCodes: string[] }>("POST", "/api/v1/auth/mfa/activate", {
                  body: { challengeToken: step.challenge.challengeToken, code },
                  quiet401: true,
                });
                setStep({ kind: "codes", codes: r.recoveryCodes, session: { user: r.user, csrfToken: r.csrfToken } });
              }}
            />
          )}
          {step.kind === "codes" && <RecoveryCodesPanel codes={step.codes} onDone={() => acceptSession(step.session)} />}
          {step.kind === "password" && (
            <Stack>
              {ssoError && !error && <SsoErrorAlert code={ssoError} />}
              <SsoButtons />
              <form onSubmit={onSubmit} noValidate>
                <Stack>
                  {notice && !error && !ssoError && (
                    <Alert color="blue" variant="light">
                      {notice}
                    </Alert>
                  )}
                  {error && (
                    <Alert color="red" variant="light" title={t("auth.failed")} role="alert">
                      {error}
                    </Alert>
                  )}
                  <TextInput
                    label={t("auth.email")}
                    type="email"
                    autoComplete="username"
                    required
                    value={email}
                    onChange={(e) => setEmail(e.currentTarget.value)}
                    error={fieldErrors.email}
                    data-autofocus
                    autoFocus
                  />
                  <PasswordInput
                    label={t("auth.password")}
                    autoComplete="current-password"
                    required
                    value={password}
                    onChange={(e) => setPassword(e.currentTarget.value)}
                    error={fieldErrors.password}
                    visibilityToggleButtonProps={{ "aria-label": t("auth.togglePassword") }}
                  />
                  <Button type="submit" loading={pending} fullWidth>
                    {t("auth.submit")}
                  </Button>
                </Stack>
              </form>
            </Stack>
          )}
        </Paper>
      </Box>
    </Center>
  );
}
