// Door opening windows. Pure. A window applies on its listed weekdays in local time (UTC + utcOffsetMinutes),
// from `from` (inclusive) to `to` (exclusive), 'HH:MM', '24:00' meaning the end of the day.
import { WEEKDAYS, type DoorHoursCovenant } from '../../contracts/covenants.js';

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a door may be open at `tsMs` (UTC milliseconds). */
export function doorOpenAllowed(cov: DoorHoursCovenant, tsMs: number): boolean {
  const local = new Date(tsMs + cov.utcOffsetMinutes * 60_000);
  const day = WEEKDAYS[(local.getUTCDay() + 6) % 7]!; // getUTCDay: 0 = Sunday; WEEKDAYS starts on Monday
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  return cov.windows.some((w) => w.days.includes(day) && minute >= minutesOf(w.from) && minute < minutesOf(w.to));
}
