import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALWAYS_OPEN,
  addBusinessTime,
  type CalendarSpec,
  compileCalendar,
  businessTimeBetween,
  isValidTimeZone,
  isWorkingTime,
  type WorkingInterval,
} from "./business-time";

const MIN = 60_000;
const HOUR = 60 * MIN;

const weekdays = (start: string, end: string): WorkingInterval[] => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));
const office = (timeZone: string, extra: Partial<CalendarSpec> = {}): CalendarSpec => ({
  timeZone,
  hours: weekdays("09:00", "17:00"),
  holidays: [],
  exceptions: [],
  ...extra,
});
const at = (iso: string) => new Date(iso);

// ---------------------------------------------------------------------------------------------
// Brute-force reference: walks minute by minute and asks Intl (not @date-fns/tz) for the wall clock.
const partsCache = new Map<string, Intl.DateTimeFormat>();
function wallClock(tz: string, t: number) {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      weekday: "short",
    });
    partsCache.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  const minute = Number(p.hour) * 60 + Number(p.minute);
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(p.weekday) + 1;
  return { date, minute, weekday };
}
const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

function referenceIsWorking(spec: CalendarSpec, t: number): boolean {
  const w = wallClock(spec.timeZone, t);
  const local = `${w.date}T${String(Math.floor(w.minute / 60)).padStart(2, "0")}:${String(w.minute % 60).padStart(2, "0")}`;
  const holiday = spec.holidays.some((h) => (h.yearly ? h.date.slice(5) === w.date.slice(5) : h.date === w.date));
  let working = !holiday && spec.hours.some((h) => h.day === w.weekday && hm(h.start) <= w.minute && w.minute < hm(h.end));
  // Exceptions compare local wall-clock strings (same format, so string order is time order).
  if (spec.exceptions.some((e) => e.working && e.start <= local && local < e.end)) working = true;
  if (spec.exceptions.some((e) => !e.working && e.start <= local && local < e.end)) working = false;
  return working;
}

function referenceAdd(spec: CalendarSpec, start: number, minutes: number, limitMinutes: number): number | null {
  let left = minutes;
  for (let i = 0; i < limitMinutes; i++) {
    const t = start + i * MIN;
    if (referenceIsWorking(spec, t)) {
      left--;
      if (left === 0) return t + MIN;
    }
  }
  return null;
}

function referenceBetween(spec: CalendarSpec, a: number, b: number): number {
  let n = 0;
  for (let t = a; t < b; t += MIN) if (referenceIsWorking(spec, t)) n++;
  return n * MIN;
}

// ---------------------------------------------------------------------------------------------
describe("fixed examples", () => {
  const berlin = compileCalendar(office("Europe/Berlin"));

  it("adds within a day and rolls over to the next working day", () => {
    expect(addBusinessTime(at("2026-11-24T08:00:00Z"), 2 * HOUR, berlin)).toEqual(at("2026-11-24T10:00:00Z")); // 09:00 → 11:00 CET
    expect(addBusinessTime(at("2026-11-24T15:00:00Z"), 2 * HOUR, berlin)).toEqual(at("2026-11-25T09:00:00Z")); // 16:00 + 1h, next day 09:00 + 1h
  });

  it("skips the weekend (Friday 16:00 + 2h = Monday 10:00 local)", () => {
    expect(addBusinessTime(at("2026-11-27T15:00:00Z"), 2 * HOUR, berlin)).toEqual(at("2026-11-30T09:00:00Z"));
    expect(businessTimeBetween(at("2026-11-27T15:00:00Z"), at("2026-11-30T09:00:00Z"), berlin)).toBe(2 * HOUR);
  });

  it("starts outside hours at the next opening", () => {
    expect(addBusinessTime(at("2026-11-28T12:00:00Z"), 30 * MIN, berlin)).toEqual(at("2026-11-30T08:30:00Z")); // Saturday → Monday 09:30 CET
  });

  it("skips one-off and yearly holidays", () => {
    const cal = compileCalendar(
      office("Europe/Berlin", {
        holidays: [
          { date: "2026-12-24", yearly: false },
          { date: "2000-12-25", yearly: true },
        ],
      }),
    );
    // Wed 23 Dec 16:00 + 2h → Thu 24 (holiday), Fri 25 (yearly holiday) → Mon 28 Dec 10:00 CET.
    expect(addBusinessTime(at("2026-12-23T15:00:00Z"), 2 * HOUR, cal)).toEqual(at("2026-12-28T09:00:00Z"));
  });

  it("honours several intervals a day and exceptions", () => {
    const cal = compileCalendar(
      office("Europe/Berlin", {
        hours: [1, 2, 3, 4, 5].flatMap((day) => [
          { day, start: "08:00", end: "12:00" },
          { day, start: "13:00", end: "17:00" },
        ]),
        exceptions: [
          { start: "2026-11-28T10:00", end: "2026-11-28T12:00", working: true }, // a Saturday release window
          { start: "2026-11-30T08:00", end: "2026-11-30T10:00", working: false }, // Monday morning off
        ],
      }),
    );
    // Tue 11:00 + 2h: 11–12, lunch, 13–14.
    expect(addBusinessTime(at("2026-11-24T10:00:00Z"), 2 * HOUR, cal)).toEqual(at("2026-11-24T13:00:00Z"));
    // Fri 16:00 + 3h: 1h Friday, 2h Saturday exception → Saturday 12:00 local.
    expect(addBusinessTime(at("2026-11-27T15:00:00Z"), 3 * HOUR, cal)).toEqual(at("2026-11-28T11:00:00Z"));
    // Fri 16:00 + 4h: … then Monday opens at 10:00 → 11:00 local.
    expect(addBusinessTime(at("2026-11-27T15:00:00Z"), 4 * HOUR, cal)).toEqual(at("2026-11-30T10:00:00Z"));
  });

  it("counts the short and the long day of Berlin's DST transitions", () => {
    const night = compileCalendar({ timeZone: "Europe/Berlin", hours: [{ day: 7, start: "00:00", end: "24:00" }], holidays: [], exceptions: [] });
    expect(businessTimeBetween(at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z"), night)).toBe(23 * HOUR); // Sunday 29 March
    expect(businessTimeBetween(at("2026-10-24T00:00:00Z"), at("2026-10-26T00:00:00Z"), night)).toBe(25 * HOUR); // Sunday 25 October
    // An interval across the gap: 01:00–04:00 on the spring-forward night is two real hours.
    const gap = compileCalendar({ timeZone: "Europe/Berlin", hours: [{ day: 7, start: "01:00", end: "04:00" }], holidays: [], exceptions: [] });
    expect(businessTimeBetween(at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z"), gap)).toBe(2 * HOUR);
    expect(businessTimeBetween(at("2026-10-24T00:00:00Z"), at("2026-10-26T00:00:00Z"), gap)).toBe(4 * HOUR);
  });

  it("goes backwards with a negative duration", () => {
    expect(addBusinessTime(at("2026-11-30T09:00:00Z"), -2 * HOUR, berlin)).toEqual(at("2026-11-27T15:00:00Z"));
    expect(businessTimeBetween(at("2026-11-30T09:00:00Z"), at("2026-11-27T15:00:00Z"), berlin)).toBe(-2 * HOUR);
  });

  it("treats null as 24×7 and knows real zones", () => {
    expect(addBusinessTime(at("2026-11-28T12:00:00Z"), 3 * HOUR, ALWAYS_OPEN)).toEqual(at("2026-11-28T15:00:00Z"));
    expect(compileCalendar(null)).toBe(ALWAYS_OPEN);
    expect(isValidTimeZone("Asia/Kolkata")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isWorkingTime(at("2026-11-24T10:00:00Z"), berlin)).toBe(true);
    expect(isWorkingTime(at("2026-11-28T10:00:00Z"), berlin)).toBe(false);
  });

  it("gives no due time for a calendar without working time", () => {
    const never = compileCalendar({ timeZone: "UTC", hours: [], holidays: [], exceptions: [] });
    expect(addBusinessTime(at("2026-11-24T10:00:00Z"), HOUR, never)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests against the reference, starting near both DST transitions of each zone.
const ZONES: Array<{ tz: string; transitions: string[] }> = [
  { tz: "Europe/Berlin", transitions: ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"] },
  { tz: "America/New_York", transitions: ["2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z"] },
  { tz: "Australia/Sydney", transitions: ["2026-04-04T16:00:00Z", "2026-10-03T16:00:00Z"] },
  { tz: "Asia/Kolkata", transitions: ["2026-06-01T00:00:00Z", "2026-12-31T18:30:00Z"] },
];

const clock = (q: number) => `${String(Math.floor(q / 4)).padStart(2, "0")}:${String((q % 4) * 15).padStart(2, "0")}`;
/** Up to two disjoint intervals per weekday on a quarter-hour grid, often across 02:00–03:00. */
const arbDayHours = (day: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 0, maxLength: 4 }).map((pts) => {
    const s = [...pts].sort((a, b) => a - b);
    const out: WorkingInterval[] = [];
    for (let i = 0; i + 1 < s.length; i += 2) out.push({ day, start: clock(s[i]), end: clock(s[i + 1]) });
    return out;
  });
const localStamp = (base: number, offsetQuarterHours: number) => {
  const d = new Date(base + offsetQuarterHours * 15 * MIN);
  return d.toISOString().slice(0, 16);
};

function arbCalendar(tz: string, around: number) {
  const dayIso = (k: number) => new Date(around + k * 86_400_000).toISOString().slice(0, 10);
  return fc
    .record({
      hours: fc.tuple(...[1, 2, 3, 4, 5, 6, 7].map(arbDayHours)).map((d) => d.flat()),
      holidays: fc.array(
        fc
          .record({ k: fc.integer({ min: -4, max: 6 }), yearly: fc.boolean() })
          .map(({ k, yearly }) => ({ date: yearly ? `1999-${dayIso(k).slice(5)}` : dayIso(k), yearly })),
        { maxLength: 2 },
      ),
      exceptions: fc.array(
        fc.record({ from: fc.integer({ min: -300, max: 600 }), len: fc.integer({ min: 1, max: 60 }), working: fc.boolean() }).map(({ from, len, working }) => ({
          start: localStamp(around, from),
          end: localStamp(around, from + len),
          working,
        })),
        { maxLength: 3 },
      ),
    })
    .map((c): CalendarSpec => ({ timeZone: tz, ...c }));
}

describe.each(ZONES)("against the minute-by-minute reference in $tz", ({ tz, transitions }) => {
  for (const tr of transitions) {
    const around = Date.parse(tr);
    const arbStart = fc.integer({ min: -4 * 24 * 60, max: 2 * 24 * 60 }).map((m) => Math.floor(around / MIN) * MIN + m * MIN);

    it(`addBusinessTime near ${tr}`, () => {
      fc.assert(
        fc.property(arbCalendar(tz, around), arbStart, fc.integer({ min: 1, max: 20 * 60 }), (spec, start, minutes) => {
          const expected = referenceAdd(spec, start, minutes, 9 * 24 * 60);
          fc.pre(expected !== null);
          const cal = compileCalendar(spec);
          expect(addBusinessTime(new Date(start), minutes * MIN, cal)?.getTime()).toBe(expected);
        }),
        { numRuns: 25 },
      );
    });

    it(`businessTimeBetween near ${tr}`, () => {
      fc.assert(
        fc.property(arbCalendar(tz, around), arbStart, fc.integer({ min: 0, max: 4 * 24 * 60 }), (spec, a, span) => {
          const cal = compileCalendar(spec);
          expect(businessTimeBetween(new Date(a), new Date(a + span * MIN), cal)).toBe(referenceBetween(spec, a, a + span * MIN));
        }),
        { numRuns: 20 },
      );
    });
  }

  it("add and between are inverse, additive and monotonic (any instant, not only whole minutes)", () => {
    const around = Date.parse(transitions[0]);
    fc.assert(
      fc.property(
        arbCalendar(tz, around),
        fc.integer({ min: -5 * 86_400_000, max: 5 * 86_400_000 }),
        fc.integer({ min: 1, max: 30 * HOUR }),
        fc.integer({ min: 1, max: 30 * HOUR }),
        (spec, off, x, y) => {
          const cal = compileCalendar(spec);
          fc.pre(spec.hours.length > 0);
          const s = new Date(around + off);
          const a = addBusinessTime(s, x, cal);
          const ab = addBusinessTime(s, x + y, cal);
          fc.pre(a !== null && ab !== null);
          expect(businessTimeBetween(s, a as Date, cal)).toBe(x);
          expect(addBusinessTime(a as Date, y, cal)?.getTime()).toBe((ab as Date).getTime());
          expect((ab as Date).getTime()).toBeGreaterThan((a as Date).getTime());
          // Going back the same business time lands where working time resumed at or after the start.
          const back = addBusinessTime(a as Date, -x, cal) as Date;
          expect(businessTimeBetween(back, a as Date, cal)).toBe(x);
          expect(businessTimeBetween(s, back, cal)).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("speed", () => {
  it("recomputes 100k due times (5 business days, several zones) well under 10 s", () => {
    const cals = ZONES.map((z) => compileCalendar(office(z.tz, { holidays: [{ date: "2026-12-25", yearly: true }] })));
    const base = Date.parse("2026-11-01T00:00:00Z");
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) {
      const cal = cals[i % cals.length];
      const start = new Date(base + ((i * 7_919_000) % (60 * 86_400_000)));
      const due = addBusinessTime(start, 40 * HOUR, cal);
      businessTimeBetween(start, due as Date, cal);
    }
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(10_000);
  });
});
