// The calling window: outbound calls only between start and end, in the lead's local time.

/** A daily window in minutes after local midnight; end < start wraps past midnight. */
export interface CallingWindow {
  /** First allowed minute. */
  startMinute: number;
  /** First minute no longer allowed. */
  endMinute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes after local midnight of `at` in `timeZone`. */
export function localMinuteOfDay(at: Date, timeZone: string): number {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }

  const parts = formatter.formatToParts(at);
  const hour = Number(parts.find((part) => part.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((part) => part.type === 'minute')?.value ?? 0);

  return hour * 60 + minute;
}

/** True when `at` falls inside the window in `timeZone`. */
export function insideCallingWindow(window: CallingWindow, at: Date, timeZone: string): boolean {
  const minute = localMinuteOfDay(at, timeZone);
  if (window.startMinute <= window.endMinute) {
    return minute >= window.startMinute && minute < window.endMinute;
  }

  return minute >= window.startMinute || minute < window.endMinute;
}

/** `HH:MM` for messages. */
export function formatMinute(minute: number): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
}
