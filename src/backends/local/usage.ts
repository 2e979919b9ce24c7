/**
 * What a local attempt used, from its process tree in /proc (Linux). Node's
 * child_process gives no rusage, so a sampler walks the tree from the
 * command's shell (`/proc/PID/task/TID/children`) every 200 ms and keeps:
 *
 * - peak memory: the largest sum of the tree's resident memory (VmRSS) in
 *   one sample, or the largest single process' own high-water mark (VmHWM)
 *   when that is larger (it catches a spike between samples);
 * - CPU time: the largest sum over the live tree of each process' user and
 *   system time plus that of its children it has waited for (a finished
 *   child's time moves into its parent's, so each second counts once).
 *
 * The tree's last 200 ms are not seen (the processes are gone when the
 * command ends), nor are processes that leave the tree (daemonized). Where
 * /proc is missing (not Linux) nothing is measured and the note says so.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { AttemptUsage } from "../backend.js";

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
const INTERVAL_MS = 200;
const SOURCE = "/proc sampling of the process tree";

/** Samples one process tree until stopped. */
export class ProcessTreeSampler {
  private readonly started = process.hrtime.bigint();
  private readonly timer: NodeJS.Timeout | undefined;
  private peakBytes = 0;
  private cpuTicks = 0;
  private samples = 0;
  private readonly available: boolean;

  constructor(private readonly rootPid: number) {
    this.available = readStatus(rootPid) !== undefined || readStat(rootPid) !== undefined;
    if (!this.available) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops sampling; the figures so far. */
  stop(): AttemptUsage {
    if (this.timer) clearInterval(this.timer);
    const wallSeconds = Number(process.hrtime.bigint() - this.started) / 1e9;
    if (!this.available) return { wallSeconds, source: SOURCE, note: "no /proc here: memory and CPU were not measured" };
    return {
      ...(this.samples > 0 ? { peakMemoryBytes: this.peakBytes, cpuSeconds: this.cpuTicks / TICKS_PER_SECOND } : {}),
      wallSeconds,
      source: SOURCE,
      ...(wallSeconds < 1 ? { note: `sampled every ${INTERVAL_MS} ms: a command this short is measured roughly` } : {}),
    };
  }

  private sample(): void {
    let rss = 0;
    let ticks = 0;
    let seen = 0;
    for (const pid of treeOf(this.rootPid)) {
      const status = readStatus(pid);
      const stat = readStat(pid);
      if (status === undefined && stat === undefined) continue;
      seen++;
      if (status) {
        rss += status.rssBytes;
        this.peakBytes = Math.max(this.peakBytes, status.hwmBytes);
      }
      if (stat) ticks += stat.ticks;
    }
    if (seen === 0) return;
    this.samples++;
    this.peakBytes = Math.max(this.peakBytes, rss);
    this.cpuTicks = Math.max(this.cpuTicks, ticks);
  }
}

/** The pids of `root` and its descendants (as far as they can be read). */
function treeOf(root: number): number[] {
  const out: number[] = [];
  const queue = [root];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ")) if (c.trim() !== "") queue.push(Number(c));
      } catch {
        // Gone, or the kernel has no children file.
      }
    }
  }
  return out;
}

/** User + system time of a process and of its waited-for children, in ticks. */
function readStat(pid: number): { ticks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, utime 14 … cstime 17.
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const at = (field: number) => Number(f[field - 3]);
    return { ticks: at(14) + at(15) + at(16) + at(17) };
  } catch {
    return undefined;
  }
}

/** Resident memory now and its high-water mark, in bytes. */
function readStatus(pid: number): { rssBytes: number; hwmBytes: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s*(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
    return { rssBytes: kb("VmRSS"), hwmBytes: kb("VmHWM") };
  } catch {
    return undefined;
  }
}
