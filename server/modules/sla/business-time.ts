import { tzOffset } from "@date-fns/tz";

/**
 * Business-time arithmetic (pure). An instant is working time when its wall-clock time in the
 * calendar's IANA zone falls in a working interval of its local date: the weekday's hours (unless the
 * date is a holiday), plus working exceptions, minus non-working exceptions. Zone offsets come from
 * the runtime's time-zone data (Intl via @date-fns/tz), never from hand-written offsets.
 *
 * Work is done per local day, not per minute: each day's working spans are computed once as instant
 * ranges (split where the UTC offset changes, so both DST transitions are exact) and cached.
 */

export interface WorkingInterval {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  day: number;
  /** Local wall-clock "HH:MM". */
  start: string;
  /** Local wall-clock "HH:MM", after start; "24:00" = end of the day. */
  end: string;
}

export interface Holiday {
  /** "YYYY-MM-DD" (one-off) or, when yearly, the month and day of it are used every year. */
  date: string;
  yearly: boolean;
  name?: string;
}

export interface CalendarException {
  /** Local wall-clock "YYYY-MM-DDTHH:MM". */
  start: string;
  /** Local wall-clock "YYYY-MM-DDTHH:MM", after start. */
  end: string;
  /** true: extra working time (e.g. a weekend release); false: closed (e.g. an afternoon off). */
  working: boolean;
  name?: string;
}

/** What the arithmetic needs of a calendar; `null` everywhere means 24×7. */
export interface CalendarSpec {
  timeZone: string;
  hours: WorkingInterval[];
  holidays: Holiday[];
  exceptions: CalendarException[];
}

const DAY = 86_400_000;
const MIN = 60_000;
/** Search horizon: a calendar without working time in ten years has no due time. */
const MAX_DAYS = 3_660;

type Span = [number, number];

/** A calendar prepared for fast arithmetic (parsed rules and a per-day cache). */
export interface CompiledCalendar {
  readonly spec: CalendarSpec | null;
  /** Working spans of one local day (epoch-day number) as UTC instant ranges, sorted. */
  daySpans(day: number): readonly Span[];
  /** The local epoch-day an instant falls on. */
  dayOf(t: number): number;
}

/** "HH:MM" → minutes since midnight (24:00 allowed); NaN when malformed. */
export function parseClock(s: string): number {
  const m = /^(\d\d):(\d\d)$/.exec(s);
  if (!m) return Number.NaN;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (mi > 59 || h > 24 || (h === 24 && mi !== 0)) return Number.NaN;
  return h * 60 + mi;
}

/** "YYYY-MM-DD" → epoch-day number; NaN when not a real date. */
export function parseDate(s: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(s);
  if (!m) return Number.NaN;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return Number.NaN;
  return t / DAY;
}

/** "YYYY-MM-DDTHH:MM" (local) → local epoch milliseconds; NaN when malformed. */
export function parseLocalDateTime(s: string): number {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)$/.exec(s);
  if (!m) return Number.NaN;
  return parseDate(m[1]) * DAY + parseClock(m[2]) * MIN;
}

/** True when the runtime knows the IANA zone. */
export function isValidTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function offsetMs(tz: string, t: number): number {
  return Math.round(tzOffset(tz, new Date(t)) * MIN);
}

/** ISO weekday (1 = Monday) of an epoch-day. */
export function weekdayOf(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a[0] - b[0]);
  const out: Span[] = [];
  for (const s of spans) {
    if (s[1] <= s[0]) continue;
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

function subtractSpans(base: Span[], cut: Span[]): Span[] {
  let out = base;
  for (const [c0, c1] of cut) {
    const next: Span[] = [];
    for (const [a, b] of out) {
      if (c1 <= a || c0 >= b) next.push([a, b]);
      else {
        if (a < c0) next.push([a, c0]);
        if (c1 < b) next.push([c1, b]);
      }
    }
    out = next;
  }
  return out;
}

const ALWAYS: CompiledCalendar = {
  spec: null,
  daySpans: (day) => [[day * DAY, (day + 1) * DAY]],
  dayOf: (t) => Math.floor(t / DAY),
};

/** The built-in 24×7 calendar. */
export const ALWAYS_OPEN: CompiledCalendar = ALWAYS;

/** Prepares a calendar (null = 24×7) for repeated arithmetic. Throws on an unknown zone. */
export function compileCalendar(spec: CalendarSpec | null): CompiledCalendar {
  if (!spec) return ALWAYS;
  const tz = spec.timeZone;
  if (!isValidTimeZone(tz)) throw new RangeError(`Unknown time zone ${tz}`);
  const weekly: Span[][] = [[], [], [], [], [], [], [], []];
  for (const h of spec.hours) weekly[h.day].push([parseClock(h.start) * MIN, parseClock(h.end) * MIN]);
  for (let d = 1; d <= 7; d++) weekly[d] = mergeSpans(weekly[d]);
  const oneOff = new Set<number>();
  const yearly = new Set<string>();
  for (const h of spec.holidays) {
    if (h.yearly) yearly.add(h.date.slice(5));
    else oneOff.add(parseDate(h.date));
  }
  const extra: Span[] = [];
  const closed: Span[] = [];
  for (const e of spec.exceptions) (e.working ? extra : closed).push([parseLocalDateTime(e.start), parseLocalDateTime(e.end)]);
  const cache = new Map<number, Span[]>();

  /** Working spans of a local day in local milliseconds since its midnight. */
  const localSpans = (day: number): Span[] => {
    const isHoliday = oneOff.has(day) || (yearly.size > 0 && yearly.has(new Date(day * DAY).toISOString().slice(5, 10)));
    let spans: Span[] = isHoliday ? [] : weekly[weekdayOf(day)].map((s) => [s[0], s[1]] as Span);
    const lo = day * DAY;
    const hi = lo + DAY;
    const clip = (list: Span[]) => list.filter(([a, b]) => a < hi && b > lo).map(([a, b]) => [Math.max(a, lo) - lo, Math.min(b, hi) - lo] as Span);
    if (extra.length) spans = mergeSpans([...spans, ...clip(extra)]);
    if (closed.length) spans = subtractSpans(spans, clip(closed));
    return spans;
  };

  /** First instant whose local time is at or after local epoch-ms L. */
  const instantOfLocal = (L: number): number => {
    const before = offsetMs(tz, L - 36 * 3_600_000);
    const after = offsetMs(tz, L + 36 * 3_600_000);
    let best = Number.POSITIVE_INFINITY;
    for (const o of new Set([before, after, offsetMs(tz, L)])) {
      const t = L - o;
      if (t + offsetMs(tz, t) === L && t < best) best = t;
    }
    if (best !== Number.POSITIVE_INFINITY) return best;
    // L falls in a gap (clocks jumped over it): the answer is the transition instant.
    let lo = L - Math.max(before, after);
    let hi = L - Math.min(before, after);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (mid + offsetMs(tz, mid) >= L) hi = mid;
      else lo = mid;
    }
    return hi;
  };

  const compute = (day: number): Span[] => {
    const local = localSpans(day);
    if (local.length === 0) return [];
    const s = instantOfLocal(day * DAY);
    const e = instantOfLocal((day + 1) * DAY);
    const o1 = offsetMs(tz, s);
    const o2 = offsetMs(tz, e - 1);
    // Segments of constant offset within the day (at most one transition a day).
    const segments: Array<[number, number, number]> = [];
    if (o1 === o2) segments.push([s, e, o1]);
    else {
      let lo = s;
      let hi = e - 1;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetMs(tz, mid) === o1) lo = mid;
        else hi = mid;
      }
      segments.push([s, hi, o1], [hi, e, o2]);
    }
    const out: Span[] = [];
    for (const [a, b] of local) {
      for (const [ss, se, o] of segments) {
        const from = Math.max(ss, day * DAY + a - o);
        const to = Math.min(se, day * DAY + b - o);
        if (to > from) out.push([from, to]);
      }
    }
    return mergeSpans(out);
  };

  return {
    spec,
    daySpans(day) {
      let v = cache.get(day);
      if (!v) {
        if (cache.size > 5_000) cache.clear();
        v = compute(day);
        cache.set(day, v);
      }
      return v;
    },
    dayOf: (t) => Math.floor((t + offsetMs(tz, t)) / DAY),
  };
}

/**
 * The instant `ms` of business time after `start` (before it when negative); `start` itself for 0.
 * Null when the calendar has no working time within ten years.
 */
export function addBusinessTime(start: Date, ms: number, cal: CompiledCalendar): Date | null {
  const t0 = start.getTime();
  if (ms === 0) return new Date(t0);
  if (cal === ALWAYS) return new Date(t0 + ms);
  let left = Math.abs(ms);
  const first = cal.dayOf(t0);
  if (ms > 0) {
    // The local day of t0 may begin slightly off the offset boundary: look one day back too.
    for (let day = first - 1; day <= first + MAX_DAYS; day++) {
      for (const [a, b] of cal.daySpans(day)) {
        if (b <= t0) continue;
        const from = Math.max(a, t0);
        if (b - from >= left) return new Date(from + left);
        left -= b - from;
      }
    }
  } else {
    for (let day = first + 1; day >= first - MAX_DAYS; day--) {
      const spans = cal.daySpans(day);
      for (let i = spans.length - 1; i >= 0; i--) {
        const [a, b] = spans[i];
        if (a >= t0) continue;
        const to = Math.min(b, t0);
        if (to - a >= left) return new Date(to - left);
        left -= to - a;
      }
    }
  }
  return null;
}

/** Business time between two instants in ms (negative when b is before a). */
export function businessTimeBetween(a: Date, b: Date, cal: CompiledCalendar): number {
  const ta = a.getTime();
  const tb = b.getTime();
  if (tb < ta) return -businessTimeBetween(b, a, cal);
  if (cal === ALWAYS) return tb - ta;
  let sum = 0;
  const last = cal.dayOf(tb) + 1;
  for (let day = cal.dayOf(ta) - 1; day <= last; day++) {
    for (const [s, e] of cal.daySpans(day)) {
      const from = Math.max(s, ta);
      const to = Math.min(e, tb);
      if (to > from) sum += to - from;
    }
  }
  return sum;
}

/** True when the instant is working time. */
export function isWorkingTime(at: Date, cal: CompiledCalendar): boolean {
  const t = at.getTime();
  return cal.daySpans(cal.dayOf(t)).some(([a, b]) => t >= a && t < b);
}
