import type { ChecklistPeople, RotaDay, Shift } from './people.js';
import { localDatePlusDays, utcToZoned, zonedDateTimeToUtc } from './zonedTime.js';

/** A shift that covers a moment, with the instants it started and ends (for `<!date>` in each viewer's zone). */
export interface ShiftNow {
  shift: Shift;
  startsAt: number;
  endsAt: number;
}

/**
 * Who the checklist's rota says is on shift at `now`, reading its wall-clock windows in the run's
 * zone `tz`. A shift that runs past midnight ("22:00-06:00") belongs to the day it starts. Pure.
 */
export function shiftsAt(shifts: readonly Shift[], now: number, tz: string): ShiftNow[] {
  const local = utcToZoned(now, tz);
  const minute = local.hour * 60 + local.minute;
  const today = { year: local.year, month: local.month, day: local.day };
  const yesterday = localDatePlusDays(now, -1, tz);
  const found: ShiftNow[] = [];
  for (const shift of shifts) {
    const overnight = shift.end <= shift.start;
    const startedToday = minute >= shift.start && (overnight || minute < shift.end) && onDay(shift, today);
    const startedYesterday = overnight && minute < shift.end && onDay(shift, yesterday);
    if (!startedToday && !startedYesterday) continue;
    const day = startedToday ? today : yesterday;
    const at = (minutes: number, plusDays: number): number =>
      zonedDateTimeToUtc({ year: day.year, month: day.month, day: day.day + plusDays, hour: Math.floor(minutes / 60), minute: minutes % 60 }, tz);
    found.push({ shift, startsAt: at(shift.start, 0), endsAt: at(shift.end, overnight ? 1 : 0) });
  }
  return found;
}

function onDay(shift: Shift, date: RotaDay): boolean {
  if (shift.days === null) return true;
  const ordinal = (d: RotaDay): number => d.month * 32 + d.day;
  const from = ordinal(shift.days.from);
  const to = ordinal(shift.days.to);
  const x = ordinal(date);
  // "Dec 30 - Jan 2" wraps the year.
  return from <= to ? x >= from && x <= to : x >= from || x <= to;
}

/**
 * What a page tells the responder about the checklist's people (issue 10): its escalation path and
 * who its rota has on shift at `now`. Empty when the checklist names neither.
 */
export function peoplePageDetails(people: ChecklistPeople | undefined, now: number, tz: string): Record<string, string[]> {
  if (!people) return {};
  const details: Record<string, string[]> = {};
  if (people.escalation.length > 0) {
    details.escalation_path = people.escalation.map((s) => `${s.level}. ${s.label ? `${s.label}: ` : ''}${s.who}${s.email ? ` <${s.email}>` : ''}`);
  }
  if (people.shifts.length > 0) {
    details.on_shift = shiftsAt(people.shifts, now, tz).map(
      ({ shift }) => `${shift.label ? `${shift.label} ` : ''}${shift.text} (${tz}): ${shift.who}`,
    );
  }
  return details;
}
