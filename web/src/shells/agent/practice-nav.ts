import { IconAlertTriangle, IconClockDollar, type IconProps } from "@tabler/icons-react";
import { IconTopologyStar3 } from "@tabler/icons-react";
import { IconAlarm } from "@tabler/icons-react";
import { IconBook2, IconBug } from "@tabler/icons-react";
import { IconMail } from "@tabler/icons-react";
import { IconDeviceLaptop } from "@tabler/icons-react";
import { IconShieldLock } from "@tabler/icons-react";
import { IconCalendarEvent, IconGitPullRequest } from "@tabler/icons-react";
import { IconShoppingCart } from "@tabler/icons-react";
import { IconFileCode, IconWebhook } from "@tabler/icons-react";
import { IconRobot } from "@tabler/icons-react";
import { IconChartBar, IconReportAnalytics } from "@tabler/icons-react";
import { IconBuildingCommunity } from "@tabler/icons-react";
import type { ComponentType } from "react";

/** One entry of the agent sidebar's "Work" section: a practice's list page. */
export interface PracticeLink {
  /** Router path of the practice's list page. */
  to: string;
  /** i18n key of the label. */
  labelKey: `nav.${string}`;
  icon: ComponentType<IconProps>;
  /** Only admins see it (configuration pages). */
  adminOnly?: boolean;
}

// biome-ignore format: one line per practice, so practices built side by side merge cleanly
export const PRACTICE_LINKS: PracticeLink[] = [
  { to: "/incidents", labelKey: "nav.incidents", icon: IconAlertTriangle },
  { to: "/requests", labelKey: "nav.requests", icon: IconShoppingCart },
  { to: "/problems", labelKey: "nav.problems", icon: IconBug },
  { to: "/known-errors", labelKey: "nav.knownErrors", icon: IconBook2 },
  { to: "/changes", labelKey: "nav.changes", icon: IconGitPullRequest },
  { to: "/change-calendar", labelKey: "nav.changeCalendar", icon: IconCalendarEvent },
  { to: "/knowledge", labelKey: "nav.knowledge", icon: IconBook2 },
  { to: "/cmdb", labelKey: "nav.cmdb", icon: IconTopologyStar3 },
  { to: "/assets", labelKey: "nav.assets", icon: IconDeviceLaptop },
  { to: "/contracts", labelKey: "nav.contracts", icon: IconClockDollar },
  { to: "/dashboards", labelKey: "nav.dashboards", icon: IconChartBar },
  { to: "/reports", labelKey: "nav.reports", icon: IconReportAnalytics },
  { to: "/admin/service-levels", labelKey: "nav.serviceLevels", icon: IconAlarm, adminOnly: true },
  { to: "/admin/catalog", labelKey: "nav.catalogAdmin", icon: IconShoppingCart, adminOnly: true },
  { to: "/admin/mail", labelKey: "nav.mail", icon: IconMail, adminOnly: true },
  { to: "/admin/automation", labelKey: "nav.automation", icon: IconRobot, adminOnly: true },
  { to: "/admin/sso", labelKey: "nav.sso", icon: IconShieldLock, adminOnly: true },
  { to: "/admin/integrations", labelKey: "nav.integrations", icon: IconWebhook, adminOnly: true },
  { to: "/admin/config", labelKey: "nav.configCode", icon: IconFileCode, adminOnly: true },
  { to: "/admin/organizations", labelKey: "nav.organizations", icon: IconBuildingCommunity, adminOnly: true },
];
