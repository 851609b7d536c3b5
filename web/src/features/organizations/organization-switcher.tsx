import { Badge, Box, Button, Group, Menu, Stack, Text } from "@mantine/core";
import { IconBuilding, IconCheck, IconChevronDown } from "@tabler/icons-react";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuth, useMe } from "../../app/auth";
import { useOrgSummary } from "./organizations.api";

/**
 * Switches the organization the session acts in (shown only to people in more than one). Each entry
 * shows the role there and counts of open work — assigned to me and my groups' unassigned for staff,
 * my open tickets for requesters — so an agent serving several customers sees where work waits.
 */
export function OrganizationSwitcher({ variant }: { variant: "portal" | "agent" }) {
  const { t } = useTranslation();
  const me = useMe();
  const { switchOrganization } = useAuth();
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const [pending, setPending] = useState<string | null>(null);
  const summary = useOrgSummary(opened && me.memberships.length > 1);
  if (me.memberships.length < 2) return null;
  const counts = new Map((summary.data ?? []).map((s) => [s.organization.id, s]));

  async function go(orgId: string) {
    if (orgId === me.organization.id) return;
    setPending(orgId);
    try {
      const user = await switchOrganization(orgId);
      await navigate({ to: variant === "portal" || user.role === "requester" ? "/portal" : "/" });
    } finally {
      setPending(null);
    }
  }

  return (
    <Menu position="bottom-end" withinPortal opened={opened} onChange={setOpened} width={320}>
      <Menu.Target>
        <Button
          variant={variant === "portal" ? "white" : "default"}
          size="xs"
          leftSection={<IconBuilding size={16} aria-hidden />}
          rightSection={<IconChevronDown size={14} aria-hidden />}
          aria-label={t("organizations.switcher.label", { name: me.organization.name })}
          loading={pending !== null}
          maw={{ base: 150, sm: 260 }}
          styles={{ label: { overflow: "hidden", textOverflow: "ellipsis" } }}
        >
          {/* On a phone the agent header keeps only the icon; the label names the organization for screen readers. */}
          <Box component="span" visibleFrom={variant === "agent" ? "md" : undefined}>
            {me.organization.name}
          </Box>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t("organizations.switcher.title")}</Menu.Label>
        {me.memberships.map((m) => {
          const active = m.organization.id === me.organization.id;
          const c = counts.get(m.organization.id);
          const staff = m.role !== "requester";
          return (
            <Menu.Item
              key={m.organization.id}
              onClick={() => void go(m.organization.id)}
              leftSection={active ? <IconCheck size={16} aria-label={t("organizations.switcher.current")} /> : <span style={{ width: 16 }} />}
              aria-current={active ? "true" : undefined}
            >
              <Stack gap={2}>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" fw={active ? 700 : 500} truncate>
                    {m.organization.name}
                  </Text>
                  <Badge size="xs" variant="light" color={staff ? "blue" : "gray"}>
                    {t(`organizations.roles.${m.role}`)}
                  </Badge>
                </Group>
                {c && (
                  <Text size="xs" c="dimmed">
                    {staff
                      ? t("organizations.switcher.staffCounts", { mine: c.assignedToMe, groups: c.unassignedInMyGroups, unassigned: c.unassigned })
                      : t("organizations.switcher.requesterCounts", { count: c.requestedByMe })}
                  </Text>
                )}
              </Stack>
            </Menu.Item>
          );
        })}
      </Menu.Dropdown>
    </Menu>
  );
}
