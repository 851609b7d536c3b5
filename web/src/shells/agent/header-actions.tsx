import { ActionIcon, Avatar, Button, Kbd, Menu, Text, Tooltip } from "@mantine/core";
import { IconBell, IconLogout, IconPlus, IconShieldLock } from "@tabler/icons-react";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuth, useMe } from "../../app/auth";
import { PreferencesModal } from "../../features/mail/preferences-modal";

/** "New incident" (also the N key). */
export function NewIncidentButton() {
  const { t } = useTranslation();
  return (
    <>
      <Tooltip label={t("shell.newIncidentHint")} openDelay={400}>
        <Button component={Link} to="/incidents/new" leftSection={<IconPlus size={16} aria-hidden />} visibleFrom="sm" aria-keyshortcuts="n">
          {t("shell.newIncident")}{" "}
          <Kbd ml={8} size="xs" aria-hidden>
            N
          </Kbd>
        </Button>
      </Tooltip>
      <ActionIcon component={Link} to="/incidents/new" hiddenFrom="sm" size="lg" aria-label={t("shell.newIncident")} aria-keyshortcuts="n">
        <IconPlus size={18} aria-hidden />
      </ActionIcon>
    </>
  );
}

function initials(name: string) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]?.toUpperCase())
    .join("");
}

/** Who is signed in, and sign out. */
export function UserMenu() {
  const { t } = useTranslation();
  const me = useMe();
  const { signOut } = useAuth();
  const [prefsOpen, setPrefsOpen] = useState(false);
  return (
    <>
      <PreferencesModal opened={prefsOpen} onClose={() => setPrefsOpen(false)} />
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" size="lg" radius="xl" aria-label={t("shell.userMenu", { name: me.name })}>
            <Avatar color="blue" radius="xl" size={32}>
              {initials(me.name)}
            </Avatar>
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            <Text size="sm" fw={600} c="dark">
              {me.name}
            </Text>
            <Text size="xs" c="dimmed">
              {t("shell.signedInAs", { email: me.email })}
            </Text>
          </Menu.Label>
          <Menu.Divider />
          <Menu.Item leftSection={<IconBell size={16} aria-hidden />} onClick={() => setPrefsOpen(true)}>
            {t("mail.prefs.menu")}
          </Menu.Item>
          <Menu.Item component={Link} to="/account/security" leftSection={<IconShieldLock size={16} aria-hidden />}>
            {t("auth.security")}
          </Menu.Item>
          <Menu.Item leftSection={<IconLogout size={16} aria-hidden />} onClick={() => void signOut()}>
            {t("auth.signOut")}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </>
  );
}
