import { Alert, Button } from "@mantine/core";
import { IconAlertTriangle, IconRefresh } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

/** Shown when a save was refused (409) or would be: someone changed the same incident. */
export function ConflictAlert({ onReload }: { onReload(): void }) {
  const { t } = useTranslation();
  return (
    <Alert color="orange" variant="light" role="alert" icon={<IconAlertTriangle size={18} aria-hidden />} title={t("detail.conflictTitle")}>
      {t("detail.conflictBody")}
      <div>
        <Button mt="sm" size="xs" color="orange.9" leftSection={<IconRefresh size={14} aria-hidden />} onClick={onReload}>
          {t("detail.reload")}
        </Button>
      </div>
    </Alert>
  );
}
