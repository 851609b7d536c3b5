import { Badge, Box, Button, Container, Group, ScrollArea, Text, UnstyledButton } from "@mantine/core";
import { Link, Outlet, useLocation, useNavigate } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "../../app/auth";
import { useLiveUpdates } from "../../app/live-updates";
import { useMyApprovals } from "../../features/catalog/catalog.api";

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
  if (state.status !== "signedIn") return null;
  const staff = state.user.role !== "requester";
  const waiting = pending.data?.length ?? 0;
  return (
    <Box mih="100vh" bg="gray.0">
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <Box component="header" bg="blue.8" c="white">
        <Container size="lg" py="sm">
          <Group justify="space-between" wrap="nowrap">
            <UnstyledButton component={Link} to="/portal" c="white">
              <Text fw={800} fz="xl">
                <Text span inherit visibleFrom="sm">
                  {state.user.organization.name} ·{" "}
                </Text>
                {t("catalog.portal.name")}
              </Text>
            </UnstyledButton>
            <Group gap="xs" wrap="nowrap">
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
        <Box bg="blue.9">
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
                      color={active ? "blue" : "white"}
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
