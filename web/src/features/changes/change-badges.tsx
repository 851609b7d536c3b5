import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ChangeState, ChangeType, RiskLevel } from "../../../../contracts/changes";

const STATE_COLORS: Record<ChangeState, string> = {
  new: "blue",
  assess: "indigo",
  authorize: "violet",
  scheduled: "cyan",
  implement: "orange",
  review: "grape",
  closed: "gray",
  cancelled: "gray",
};
const RISK_COLORS: Record<RiskLevel, string> = { low: "teal", moderate: "yellow", high: "orange", very_high: "red" };
const TYPE_COLORS: Record<ChangeType, string> = { standard: "teal", normal: "blue", emergency: "red" };

/** A change's state (dark text on light fill keeps AA contrast). */
export function ChangeStateBadge({ state }: { state: ChangeState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={STATE_COLORS[state]} radius="sm" tt="none" c="dark.8">
      {t(`changes.state.${state}`)}
    </Badge>
  );
}

/** Standard, normal or emergency. */
export function ChangeTypeBadge({ type }: { type: ChangeType }) {
  const { t } = useTranslation();
  return (
    <Badge variant="outline" color={TYPE_COLORS[type]} radius="sm" tt="none">
      {t(`changes.type.${type}`)}
    </Badge>
  );
}

/** The assessed risk, or that it is not assessed yet. */
export function RiskBadge({ risk }: { risk: RiskLevel | null }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={risk ? RISK_COLORS[risk] : "gray"} radius="sm" tt="none" c="dark.8">
      {t(`changes.risk.${risk ?? "none"}`)}
    </Badge>
  );
}

/** A planned window in the reader's locale, e.g. "3 Jan 2031, 10:00 – 12:00". */
export function formatWindow(start: string | null, end: string | null, locale?: string): string {
  if (!start || !end) return "—";
  const s = new Date(start);
  const e = new Date(end);
  const d = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const sameDay = s.toDateString() === e.toDateString();
  return `${d.format(s)} – ${sameDay ? new Intl.DateTimeFormat(locale, { timeStyle: "short" }).format(e) : d.format(e)}`;
}
