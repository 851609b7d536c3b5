import { useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";

// One clock for the whole page, ticking every 30 s, so relative times stay fresh without a timer per row.
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
const getNow = () => now;

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

/** "5 minutes ago" in the given language. */
export function formatRelative(iso: string, language: string, reference = Date.now()): string | null {
  const seconds = Math.round((new Date(iso).getTime() - reference) / 1000);
  const fmt = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return fmt.format(Math.trunc(seconds / size), unit);
  }
  return null;
}

/** "25 Nov 2026, 09:41" in the given language. */
export function formatAbsolute(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** A relative time in a <time> element, with the absolute time on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  const { t, i18n } = useTranslation();
  const reference = useSyncExternalStore(subscribe, getNow);
  const absolute = formatAbsolute(iso, i18n.language);
  const relative = formatRelative(iso, i18n.language, Math.max(reference, Date.now() - 1000)) ?? t("time.justNow");
  return (
    <time dateTime={iso} title={absolute}>
      {relative}
    </time>
  );
}

/** Bytes as "12.3 kB". */
export function formatBytes(n: number, language: string): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return new Intl.NumberFormat(language, { style: "unit", unit: units[i], unitDisplay: "short", maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
}
