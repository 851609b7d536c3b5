import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** Shows a secret once, with a copy button. */
export function SecretModal({ title, secret, hint, onClose }: { title: string; secret: string; hint?: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={onClose} title={title} size="lg" closeButtonProps={{ "aria-label": t("app.close") }}>
      <Stack gap="sm">
        <Alert color="yellow">{t("integrations.secretOnce")}</Alert>
        <Code block style={{ wordBreak: "break-all", whiteSpace: "pre-wrap" }} data-testid="shown-secret">
          {secret}
        </Code>
        {hint && (
          <Text size="sm" c="dimmed">
            {hint}
          </Text>
        )}
        <Group justify="flex-end">
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button variant="default" onClick={copy}>
                {copied ? t("integrations.copied") : t("integrations.copy")}
              </Button>
            )}
          </CopyButton>
          <Button onClick={onClose}>{t("integrations.close")}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
