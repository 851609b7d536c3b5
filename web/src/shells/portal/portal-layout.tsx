import { Badge, Box, Button, Container, Group, Image, ScrollArea, Text, UnstyledButton } from "@mantine/core";
import { Link, Outlet, useLocation, useNavigate } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "../../app/auth";
import { useLiveUpdates } from "../../app/live-updates";
import { useMyApprovals } from "../../features/catalog/catalog.api";
import { OrganizationSwitcher } from "../../features/organizations/organization-switcher";
import { useBranding } from "../../features/organizations/organizations.api";

const LINKS = [
  { to: "/portal", key: "home", exact: true },
  { to: "/portal/catalog", key: "catalog" },
  { to: "/portal/requests", key: "myRequests" },
  { to: "/portal/approvals", key: "approvals" },
  { to: "/portal/report", key: "report" },
] as const;

/** The self-service portal: a light header, one row of links (scrolls sideways on a phone), the page. */
export function PortalLayout() {
  const { state, signOut } = useAuth();
  const { t } = useTranslation();
  const path = useLocation({ select: (l) => l.pathname });
  const navigate = useNavigate();
  const pending = useMyApprovals("pending");
  useLiveUpdates(state.status === "signedIn" ? state.user.id : "");
  // The organization acted in gives the portal its name, logo and colour.
  const branding = useBranding(state.status === "signedIn" ? state.user.organization.id : "");
  if (state.status !== "signedIn") return null;
  const brand = branding.data;
  const color = brand?.primaryColor ?? "var(--mantine-color-blue-8)";
  const staff = state.user.role !== "requester";
  const waiting = pending.data?.length ?? 0;
  return (
    <Box mih="100vh" bg="gray.0">
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <Box component="header" c="white" style={{ background: color }} data-brand-org={brand?.organizationId ?? undefined}>
        <Container size="lg" py="sm">
          <Group justify="space-between" wrap="nowrap">
            <UnstyledButton component={Link} to="/portal" c="white" style={{ display: "flex", alignItems: "center", gap: 10, minWidth: 0 }}>
              {brand?.logoUrl && <Image src={brand.logoUrl} h={32} w="auto" alt={t("organizations.admin.logoAlt", { name: brand.displayName })} />}
              <Text fw={800} fz="xl" truncate>
                <Text span inherit data-testid="portal-brand-name">
                  {brand?.displayName ?? state.user.organization.name}
                </Text>
                <Text span inherit visibleFrom="sm">
                  {" "}
                  · {t("catalog.portal.name")}
                </Text>
              </Text>
            </UnstyledButton>
            <Group gap="xs" wrap="nowrap">
              <OrganizationSwitcher variant="portal" />
              {staff && (
                <Button component={Link} to="/" variant="white" size="xs" visibleFrom="sm">
                  {t("catalog.portal.workspace")}
                </Button>
              )}
              <Button
                variant="subtle"
                color="white"
                size="xs"
                onClick={async () => {
                  await signOut();
                  await navigate({ to: "/sign-in" });
                }}
              >
                {t("auth.signOut")}
              </Button>
            </Group>
          </Group>
        </Container>
        <Box style={{ background: "rgba(0, 0, 0, 0.18)" }}>
          <Container size="lg">
            <ScrollArea type="never">
              <Group component="nav" aria-label={t("catalog.portal.name")} gap={4} wrap="nowrap" py={6}>
                {LINKS.map((l) => {
                  const active = "exact" in l ? path === l.to || path === `${l.to}/` : path.startsWith(l.to);
                  return (
                    <Button
                      key={l.to}
                      component={Link}
                      to={l.to}
                      variant={active ? "white" : "subtle"}
                      color={active ? "dark" : "white"}
                      size="compact-md"
                      style={{ flexShrink: 0 }}
                      aria-current={active ? "page" : undefined}
                      rightSection={
                        l.key === "approvals" && waiting > 0 ? (
                          <Badge size="sm" color="orange" circle aria-label={t("catalog.portal.waitingApprovals", { count: waiting })}>
                            {waiting}
                          </Badge>
                        ) : undefined
                      }
                    >
                      {t(`catalog.portal.${l.key}`)}
                    </Button>
                  );
                })}
              </Group>
            </ScrollArea>
          </Container>
        </Box>
      </Box>
      <Container size="lg" py="lg" component="main" id="main">
        <Outlet />
      </Container>
    </Box>
  );
}
