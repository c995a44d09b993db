/** CPU time and memory of another process, from Linux /proc (the benchmark's figures for core). */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Kernel clock ticks per second for utime/stime; 100 on every mainstream Linux build (getconf CLK_TCK). */
const CLK_TCK = 100;

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Peak resident set size (VmHWM) in bytes. */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!kb) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kb[1]) * 1024;
}

/**
 * CPU seconds used by a set of processes that may grow while measuring (a connection pool's
 * database backends): per pid, the difference from the first reading, or everything a pid used
 * if it appeared later. A pid that exits in between is lost, which only under-counts.
 */
export class CpuMeter {
  private readonly base = new Map<number, number>();

  constructor(private readonly pids: () => Promise<number[]>) {}

  async start(): Promise<this> {
    for (const pid of await this.pids()) {
      const cpu = readOrUndefined(pid);
      if (cpu !== undefined) this.base.set(pid, cpu);
    }
    return this;
  }

  async read(): Promise<number> {
    let total = 0;
    for (const pid of await this.pids()) total += (readOrUndefined(pid) ?? 0) - (this.base.get(pid) ?? 0);
    return total;
  }
}

function readOrUndefined(pid: number): number | undefined {
  try {
    return cpuSeconds(pid);
  } catch {
    return undefined;
  }
}

/** CPU seconds all CPUs together have spent busy since boot (/proc/stat: user, nice, system, irq, softirq). */
export function machineBusySeconds(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq] = fields.map(Number);
  return (user + nice + system + irq + softirq) / CLK_TCK;
}

/** Resident set size (VmRSS) in bytes, or undefined once the process is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resets the process's VmHWM to its current RSS (writing 5 to /proc/<pid>/clear_refs, Linux ≥ 4.0;
 * needs the right to write there: our own child, or root). False when it could not.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The pids of every process below `root` (children, grandchildren, …), `root` included. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Field 4 (ppid) is the second after the command name's closing parenthesis.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const out: number[] = [];
  for (const queue = [root]; queue.length; ) {
    const pid = queue.pop()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}
