import { Loader, ScrollArea, Stack, Text } from "@mantine/core";
import { IconEye, IconInbox, IconList, IconUserCheck, IconUsers, IconCircleCheck } from "@tabler/icons-react";
import { useLocation } from "@tanstack/react-router";
import { NavLinkLink } from "../../app/links";
import { useTranslation } from "react-i18next";
import { viewToSearch } from "../../features/incidents/queue/queue-search";
import { type TSavedView, useViews } from "../../features/reference/reference.api";
import { useAuth } from "../../app/auth";
import { PRACTICE_LINKS } from "./practice-nav";

const BUILT_IN_ICONS: Record<string, typeof IconList> = {
  "builtin:my-open": IconUserCheck,
  "builtin:unassigned-my-groups": IconInbox,
  "builtin:all-open": IconList,
  "builtin:recently-resolved": IconCircleCheck,
};

function ViewLink({ view, active }: { view: TSavedView; active: boolean }) {
  const Icon = BUILT_IN_ICONS[view.id] ?? (view.shared ? IconUsers : IconEye);
  return (
    <NavLinkLink
      to="/incidents"
      search={viewToSearch(view)}
      label={view.name}
      active={active}
      aria-current={active ? "page" : undefined}
      leftSection={<Icon size={18} aria-hidden />}
      variant="light"
    />
  );
}

function PracticeSection({ title, links, pathname }: { title: string; links: typeof PRACTICE_LINKS; pathname: string }) {
  const { t } = useTranslation();
  return (
    <section aria-label={title}>
      <Text size="xs" fw={700} tt="uppercase" c="dimmed" px="sm" mb={4}>
        {title}
      </Text>
      {links.map((l) => {
        const active = pathname === l.to || pathname.startsWith(`${l.to}/`);
        return (
          <NavLinkLink
            key={l.to}
            to={l.to}
            label={String(t(l.labelKey as never, { defaultValue: l.to }))}
            active={active}
            aria-current={active ? "page" : undefined}
            leftSection={<l.icon size={18} aria-hidden />}
            variant="light"
          />
        );
      })}
    </section>
  );
}

/** The practices an agent works in (incidents, requests, problems, …), then admins' configuration pages. */
function PracticeNav({ pathname }: { pathname: string }) {
  const { t } = useTranslation();
  const { state } = useAuth();
  const isAdmin = state.status === "signedIn" && state.user.role === "admin";
  return (
    <>
      <PracticeSection title={t("nav.work")} links={PRACTICE_LINKS.filter((l) => !l.adminOnly)} pathname={pathname} />
      {isAdmin && <PracticeSection title={t("nav.administration")} links={PRACTICE_LINKS.filter((l) => l.adminOnly)} pathname={pathname} />}
    </>
  );
}

/** The sidebar: the practices, then built-in views, then the person's own and shared saved views. */
export function ViewsNav() {
  const { t } = useTranslation();
  const views = useViews();
  const location = useLocation();
  const activeView = location.pathname === "/incidents" ? (location.search as { view?: string }).view : undefined;
  if (views.isPending) return <Loader size="sm" aria-label={t("app.loading")} />;
  const all = views.data ?? [];
  const sections: Array<[string, TSavedView[]]> = [
    [t("shell.views"), all.filter((v) => v.builtIn)],
    [t("shell.myViews"), all.filter((v) => !v.builtIn && !v.shared)],
    [t("shell.sharedViews"), all.filter((v) => !v.builtIn && v.shared)],
  ];
  return (
    <ScrollArea type="auto">
      <Stack gap="md">
        <PracticeNav pathname={location.pathname} />
        {sections
          .filter(([, list]) => list.length > 0)
          .map(([title, list]) => (
            <section key={title} aria-label={title}>
              <Text size="xs" fw={700} tt="uppercase" c="dimmed" px="sm" mb={4}>
                {title}
              </Text>
              {list.map((v) => (
                <ViewLink key={v.id} view={v} active={activeView === v.id} />
              ))}
            </section>
          ))}
      </Stack>
    </ScrollArea>
  );
}
