import { Alert, Loader, Modal, Stack, Switch, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { usePreferences, useSavePreference } from "./mail.api";
import { eventKey } from "./notifications-panel";

/** The signed-in person's choice of which events mail them (from the user menu). */
export function PreferencesModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const prefs = usePreferences(opened);
  const save = useSavePreference();
  return (
    <Modal opened={opened} onClose={onClose} title={t("mail.prefs.title")} closeButtonProps={{ "aria-label": t("app.close") }}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t("mail.prefs.intro")}
        </Text>
        {prefs.isLoading && <Loader size="sm" aria-label={t("app.loading")} />}
        {prefs.isError && <Alert color="red">{t("mail.loadFailed")}</Alert>}
        {save.error && <Alert color="red">{save.error.message}</Alert>}
        {prefs.data?.map((p) => (
          <Switch
            key={p.event}
            label={t(eventKey(p.event))}
            checked={p.email}
            onChange={(e) => save.mutate({ event: p.event, email: e.currentTarget.checked })}
          />
        ))}
      </Stack>
    </Modal>
  );
}
