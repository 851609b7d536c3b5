import { AppShell, Burger, Group, Text, UnstyledButton } from "@mantine/core";
import { useDisclosure, useHotkeys } from "@mantine/hooks";
import { Link, Outlet, useLocation, useNavigate } from "@tanstack/react-router";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "../../app/auth";
import { useLiveUpdates } from "../../app/live-updates";
import { CommandPalette } from "../../features/knowledge/command-palette";
import { OrganizationSwitcher } from "../../features/organizations/organization-switcher";
import { GlobalSearch } from "./global-search";
import { NewIncidentButton, UserMenu } from "./header-actions";
import { ViewsNav } from "./views-nav";

/** The agent workspace: header, views sidebar, main area (the route guard ensures a signed-in person). */
export function AgentLayout() {
  const { state } = useAuth();
  // Signed out a moment ago: the guard is about to redirect to sign-in.
  if (state.status !== "signedIn") return null;
  return <Shell meId={state.user.id} staff={state.user.role !== "requester"} />;
}

/** Requesters (until the self-service portal) get the same pages without the agents' views and tools. */
function Shell({ meId, staff }: { meId: string; staff: boolean }) {
  const { t } = useTranslation();
  const [navOpen, nav] = useDisclosure(false);
  const navigate = useNavigate();
  const searchRef = useRef<HTMLInputElement>(null);
  const href = useLocation({ select: (l) => l.href });
  useLiveUpdates(meId);

  // Close the mobile navigation after following a link.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation
  useEffect(() => nav.close(), [href]);

  useHotkeys([
    ["/", () => searchRef.current?.focus()],
    ["n", () => void navigate({ to: "/incidents/new" })],
  ]);

  return (
    <AppShell header={{ height: 60 }} navbar={staff ? { width: 250, breakpoint: "sm", collapsed: { mobile: !navOpen } } : undefined} padding="md">
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <AppShell.Header component="header">
        <Group h="100%" px="md" gap="sm" wrap="nowrap" justify="space-between">
          <Group gap="sm" wrap="nowrap">
            {staff && (
              <Burger
                opened={navOpen}
                onClick={nav.toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={navOpen ? t("shell.closeMenu") : t("shell.openMenu")}
                aria-expanded={navOpen}
                aria-controls="main-nav"
              />
            )}
            <UnstyledButton component={Link} to="/">
              <Text fw={800} fz="xl" c="blue.9">
                {t("app.name")}
              </Text>
            </UnstyledButton>
          </Group>
          <GlobalSearch inputRef={searchRef} />
          <Group gap="xs" wrap="nowrap">
            <OrganizationSwitcher variant="agent" />
            <NewIncidentButton />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      {staff && (
        <AppShell.Navbar component="nav" id="main-nav" aria-label={t("shell.mainNav")} p="sm">
          <ViewsNav />
        </AppShell.Navbar>
      )}
      <AppShell.Main id="main" component="main" tabIndex={-1} style={{ outline: "none" }}>
        <Outlet />
      </AppShell.Main>
      <CommandPalette />
    </AppShell>
  );
}
