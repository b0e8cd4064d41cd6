// CPU time and resident memory of another process, read from Linux's /proc. Whole-process
// figures: every thread is included (the media core's DSP workers with its event loop).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One reading of a process. */
export interface ProcReading {
  /** performance.now() of the reading, ms. */
  atMs: number;
  /** User + system CPU time since the process started, all threads, ms. */
  cpuMs: number;
  /** The same for the main thread alone (the event loop), ms. */
  mainThreadCpuMs: number;
  /** Resident set size, bytes. */
  rssBytes: number;
}

/** Clock ticks per second of /proc/PID/stat times (USER_HZ); 100 on every common Linux. */
const clockTicksPerSecond = readClockTicks();

function readClockTicks(): number {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(result.stdout?.trim());

  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

/** Reads the CPU time and RSS of process `pid`; throws when the process is gone. */
export function readProc(pid: number): ProcReading {
  const atMs = performance.now();
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The main thread's id is the process id (proc(5), /proc/PID/task).
  const mainStat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');

  return {
    atMs,
    cpuMs: cpuMsFromStat(stat),
    mainThreadCpuMs: cpuMsFromStat(mainStat),
    rssBytes: rssBytesFromStatus(status),
  };
}

/**
 * utime + stime (fields 14 and 15 of proc(5)) in ms. The fields are counted after the command
 * name's closing parenthesis, since the name itself may hold spaces and parentheses.
 */
export function cpuMsFromStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After ") " the first field is field 3 (state), so field N sits at index N - 3.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error('/proc/PID/stat: utime and stime must be numbers');
  }

  return ((utime + stime) * 1000) / clockTicksPerSecond;
}

/** VmRSS of /proc/PID/status in bytes. */
export function rssBytesFromStatus(status: string): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error('/proc/PID/status: no VmRSS line');

  return Number(match[1]) * 1024;
}

/** CPU ms per second of wall time between two readings (1000 is one core busy). */
export function cpuMsPerSecond(
  before: ProcReading,
  after: ProcReading,
  thread: 'all' | 'main' = 'all',
): number {
  const wallMs = after.atMs - before.atMs;
  const cpuMs =
    thread === 'all' ? after.cpuMs - before.cpuMs : after.mainThreadCpuMs - before.mainThreadCpuMs;

  return wallMs > 0 ? (cpuMs * 1000) / wallMs : NaN;
}
