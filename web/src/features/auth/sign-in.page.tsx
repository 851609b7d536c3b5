import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ZLoginRequest } from "../../../../contracts/identity";
import { ApiError } from "../../app/api";
import { useAuth } from "../../app/auth";
import { useDocumentTitle } from "../../app/page";

/** Email + password sign-in; afterwards goes back where the person was heading (or the queue). */
export function SignInPage() {
  const { t } = useTranslation();
  const { state, signIn } = useAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);
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
      // The sign-in route's guard sends the person on (to ?redirect= or the queue).
      await signIn(parsed.data);
    } catch (err) {
      setPending(false);
      if (err instanceof ApiError) {
        setError(err.code === "NETWORK" ? t("errors.network") : err.message);
        setFieldErrors(err.fieldErrors());
      } else setError(t("errors.generic"));
    }
  }

  const notice =
    state.status === "signedOut" && state.reason === "expired"
      ? t("auth.sessionEnded")
      : state.status === "signedOut" && state.reason === "signedOut"
        ? t("auth.signedOut")
        : null;

  return (
    <Center component="main" mih="100dvh" p="md" bg="gray.1">
      <Box w="100%" maw={400}>
        <Stack gap="xs" mb="lg" align="center">
          <Text fw={800} fz={28} c="blue.9" aria-hidden>
            {t("app.name")}
          </Text>
          <Title order={1} fz="h3">
            {t("auth.heading")}
          </Title>
          <Text c="dimmed" size="sm">
            {t("auth.intro")}
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" p="lg" radius="md">
          <form onSubmit={onSubmit} noValidate>
            <Stack>
              {notice && !error && (
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
        </Paper>
      </Box>
    </Center>
  );
}
