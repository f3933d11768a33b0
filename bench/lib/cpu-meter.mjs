// CPU time spent by a changing set of processes over a window (Linux /proc).
//
// A server's PostgreSQL backends come and go: the pool closes a connection idle for a while
// and opens another when load returns. Summing the CPU of the backends alive at the start and
// again at the end reads low — even negative — when one of them exits in between, because its
// whole CPU time drops out of the second sum. So the meter reads every process of the set
// every `intervalMs`, keyed by pid *and* start time (a reused pid is another process), and
// counts for each one its last reading minus its reading at the window's start (zero for a
// process started inside the window). A process that exits loses at most the CPU it spent
// after its last reading: one interval's worth, not its whole life.
import { readFile } from 'node:fs/promises';

/** USER_HZ on Linux: the unit of the times in /proc/<pid>/stat and of the boot-relative start time. */
const TICKS_PER_SECOND = 100;

/**
 * `{ cpuMs, startTicks }` of a process from /proc/<pid>/stat, or undefined when it has gone.
 * CPU is user + system of all its threads (fields 14 and 15); start time is field 22.
 */
export async function readProcessCpu(pid) {
  let stat;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT' || err.code === 'ESRCH') return undefined;
    throw err;
  }
  // Fields after the parenthesised command name (which may itself hold spaces), from field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND, startTicks: Number(fields[19]) };
}

/** Clock ticks since boot, the clock of a process's start time. */
async function uptimeTicks() {
  const [seconds] = (await readFile('/proc/uptime', 'utf8')).split(' ');
  return Math.floor(Number(seconds) * TICKS_PER_SECOND);
}

/**
 * Starts metering the processes `listPids()` names (called at every reading; it may return a
 * different set each time). Returns `{ stop() }`; stop() takes a last reading and resolves to
 * the CPU milliseconds the set spent since the start. Undefined where /proc is unavailable.
 */
export async function startCpuMeter(listPids, { intervalMs = 200 } = {}) {
  if (!(await readProcessCpu(process.pid))) return { stop: async () => undefined };
  const windowStart = await uptimeTicks();
  /** `${pid}:${startTicks}` → { base, last } (ms). */
  const seen = new Map();
  let first = true;
  const sample = async () => {
    for (const pid of await listPids()) {
      const now = await readProcessCpu(pid);
      if (!now) continue;
      const key = `${pid}:${now.startTicks}`;
      const known = seen.get(key);
      if (known) {
        known.last = now.cpuMs;
        continue;
      }
      // Seen at the start, or started before the window but first listed later (its CPU
      // before this reading is not the window's to count): counted from now. Started inside
      // the window: all of its CPU is.
      const base = first || now.startTicks < windowStart ? now.cpuMs : 0;
      seen.set(key, { base, last: now.cpuMs });
    }
    first = false;
  };
  await sample();
  // Readings never overlap: the next one is scheduled when the previous has finished.
  let stopped = false;
  let timer;
  let pending = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      pending = sample().finally(schedule);
    }, intervalMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pending;
      await sample();
      let total = 0;
      for (const { base, last } of seen.values()) total += last - base;
      return total;
    },
  };
}
