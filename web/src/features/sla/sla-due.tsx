import { Badge, Tooltip } from "@mantine/core";
import { useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { formatAbsolute, formatRelative } from "../../app/time";

/** A minute tick shared by every due badge on the page. */
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
function subscribe(fn: () => void) {
  listeners.add(fn);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 30_000);
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** Minutes before the due time when a ticket counts as at risk in the queue. */
export const AT_RISK_MINUTES = 60;

/** How urgent a due time is now: breached, at risk (within the hour) or on track. */
export function dueStatus(dueAt: string, reference = Date.now()): "breached" | "atRisk" | "onTrack" {
  const left = Date.parse(dueAt) - reference;
  if (left <= 0) return "breached";
  if (left <= AT_RISK_MINUTES * 60_000) return "atRisk";
  return "onTrack";
}

const COLOR = { breached: "red.8", atRisk: "orange.8", onTrack: "gray.7" } as const;

/** The queue's "Due" cell: relative due time coloured by status, absolute time on hover. */
export function SlaDueBadge({ dueAt }: { dueAt: string | null }) {
  const { t, i18n } = useTranslation();
  const reference = useSyncExternalStore(subscribe, () => now);
  if (!dueAt) return <span title={t("sla.due.none")}>—</span>;
  const status = dueStatus(dueAt, Math.max(reference, Date.now() - 1000));
  const rel = formatRelative(dueAt, i18n.language, Date.now()) ?? t("time.justNow");
  return (
    <Tooltip label={`${t(`sla.due.${status}`)} · ${formatAbsolute(dueAt, i18n.language)}`} withArrow>
      <Badge
        variant={status === "onTrack" ? "outline" : "filled"}
        color={COLOR[status]}
        radius="sm"
        style={{ textTransform: "none", whiteSpace: "nowrap" }}
        aria-label={`${t(`sla.due.${status}`)}: ${rel}`}
      >
        <time dateTime={dueAt}>{rel}</time>
      </Badge>
    </Tooltip>
  );
}
