import { TZDate, tzOffset } from "@date-fns/tz";
import { CronExpressionParser } from "cron-parser";
import rrulePkg from "rrule";
import { isValidTimeZone } from "../sla/business-time";

// rrule ships CommonJS; its named exports are reached through the default one under ESM.
const { rrulestr } = rrulePkg as unknown as { rrulestr: (s: string, o?: { dtstart?: Date }) => { after(d: Date, inc?: boolean): Date | null } };

export interface Recurrence {
  /** The first occurrence strictly after `after`, or null when there is none. */
  next(after: Date): Date | null;
}

export class RecurrenceError extends Error {
  constructor(
    readonly field: "cron" | "rrule" | "timezone",
    message: string,
  ) {
    super(message);
  }
}

const RRULE_FREQS = new Set(["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"]);

/**
 * A cron expression (five fields) or an RRULE, in an IANA time zone, as a next-occurrence function.
 * RRULEs are computed on the zone's wall clock (floating times) and turned into instants with the
 * zone's offset on that date, so "every Monday 09:00" stays 09:00 across daylight-saving changes.
 */
export function parseRecurrence(s: { cron?: string | null; rrule?: string | null; timezone: string }): Recurrence {
  if (!isValidTimeZone(s.timezone)) throw new RecurrenceError("timezone", `unknown time zone "${s.timezone}"`);
  if (s.cron) {
    const fields = s.cron.trim().split(/\s+/);
    if (fields.length !== 5) throw new RecurrenceError("cron", "a cron expression has five fields: minute hour day-of-month month day-of-week");
    try {
      CronExpressionParser.parse(s.cron, { tz: s.timezone });
    } catch (e) {
      throw new RecurrenceError("cron", `invalid cron expression: ${(e as Error).message}`);
    }
    const cron = s.cron;
    return {
      next(after) {
        const it = CronExpressionParser.parse(cron, { currentDate: after, tz: s.timezone });
        return it.next().toDate();
      },
    };
  }
  if (s.rrule) {
    const text = s.rrule.replace(/^RRULE:/i, "").trim();
    const freq = /(?:^|;)FREQ=([A-Z]+)/i.exec(text)?.[1]?.toUpperCase();
    if (!freq) throw new RecurrenceError("rrule", "an RRULE needs FREQ (YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY)");
    if (!RRULE_FREQS.has(freq)) throw new RecurrenceError("rrule", `FREQ=${freq} is not allowed; use YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY`);
    if (/DTSTART|TZID/i.test(text)) throw new RecurrenceError("rrule", "give the rule only (no DTSTART/TZID); the time zone is its own field");
    let rule: ReturnType<typeof rrulestr>;
    try {
      // Floating wall-clock times, anchored at 2026-01-01 00:00 local.
      rule = rrulestr(`RRULE:${text}`, { dtstart: new Date(Date.UTC(2026, 0, 1, 0, 0, 0)) });
      rule.after(new Date(Date.UTC(2026, 0, 1)));
    } catch (e) {
      throw new RecurrenceError("rrule", `invalid RRULE: ${(e as Error).message}`);
    }
    const tz = s.timezone;
    return {
      next(after) {
        // The wall clock of `after` in the zone, as a floating UTC date.
        const floating = new Date(after.getTime() + tzOffset(tz, after) * 60_000);
        let occ = rule.after(floating, false);
        for (let guard = 0; occ && guard < 5; guard++) {
          const instant = new Date(
            new TZDate(occ.getUTCFullYear(), occ.getUTCMonth(), occ.getUTCDate(), occ.getUTCHours(), occ.getUTCMinutes(), occ.getUTCSeconds(), tz).getTime(),
          );
          if (instant > after) return instant;
          occ = rule.after(occ, false);
        }
        return null;
      },
    };
  }
  throw new RecurrenceError("cron", "give a cron expression or an RRULE");
}

/** The next `n` occurrences after `from` (previews). */
export function upcoming(r: Recurrence, from: Date, n: number): Date[] {
  const out: Date[] = [];
  let at = from;
  for (let i = 0; i < n; i++) {
    const next = r.next(at);
    if (!next) break;
    out.push(next);
    at = next;
  }
  return out;
}
