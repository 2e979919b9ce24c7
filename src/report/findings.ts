/**
 * Requested against used: the lines printed at the end of a run for each
 * task whose attempts used far less, or more, than they asked for
 * (`` `align`: peak 3.1 GiB of 16 GiB memory requested ``), and the
 * per-attempt figures the report's table shows.
 *
 * Only requests the task made count (the spec's defaults, 1 CPU and 2 GiB,
 * are no one's choice). Memory: the largest peak of any attempt above the
 * request, or below a quarter of it. CPU: the average cores busy (CPU time
 * over wall time) of attempts that ran at least a second, above 1.5× the
 * request or below a quarter of a request of 2 or more.
 */
import { formatBytes } from "../runtime/units.js";
import type { AttemptRecord } from "./data.js";

/** Far less: used below this share of the request. */
const FAR_LESS = 0.25;
/** CPU above this multiple of the request counts as more. */
const CPU_MORE = 1.5;
/** Attempts shorter than this say nothing about CPU. */
const MIN_CPU_WALL_SECONDS = 1;
/** Memory requests below this are too small to right-size. */
const MIN_MEMORY_REQUEST = 64 * 1024 * 1024;

/** The call's name from its id: `call-sub-0001.call-align-0007` → `align`. */
export function callNameOf(callId: string): string {
  const last = callId.split(".").pop() ?? callId;
  return last.replace(/^call-/, "").replace(/(-\d{4,})+$/, "");
}

/** Average cores busy, when both figures are known and the attempt ran long enough to say. */
export function averageCores(a: AttemptRecord): number | undefined {
  const u = a.used;
  if (u?.cpuSeconds === undefined || u.wallSeconds === undefined || u.wallSeconds < MIN_CPU_WALL_SECONDS) return undefined;
  return u.cpuSeconds / u.wallSeconds;
}

/** One line per task (grouped by call name) whose usage is far from its request; empty when all are close or unmeasured. */
export function usageFindings(attempts: readonly AttemptRecord[]): string[] {
  const byTask = new Map<string, AttemptRecord[]>();
  for (const a of attempts) {
    if (a.used === undefined || a.requested === undefined) continue;
    const name = callNameOf(a.callId);
    const list = byTask.get(name);
    if (list) list.push(a);
    else byTask.set(name, [a]);
  }
  const lines: string[] = [];
  for (const [name, list] of byTask) {
    const mem = memoryFinding(list);
    if (mem !== undefined) lines.push(`\`${name}\`: ${mem}`);
    const cpu = cpuFinding(list);
    if (cpu !== undefined) lines.push(`\`${name}\`: ${cpu}`);
  }
  return lines;
}

function memoryFinding(list: readonly AttemptRecord[]): string | undefined {
  const asked = list.filter((a) => !a.requested!.memoryDefaulted && a.used!.peakMemoryBytes !== undefined);
  if (asked.length === 0) return undefined;
  const peak = Math.max(...asked.map((a) => a.used!.peakMemoryBytes!));
  const request = Math.max(...asked.map((a) => a.requested!.memoryBytes));
  if (request <= 0) return undefined;
  const tail = list.length > 1 ? ` (largest of ${list.length} attempts)` : "";
  if (peak > request) return `peak ${formatBytes(peak)}, more than the ${formatBytes(request)} memory requested${tail}`;
  if (request >= MIN_MEMORY_REQUEST && peak < request * FAR_LESS) return `peak ${formatBytes(peak)} of ${formatBytes(request)} memory requested${tail}`;
  return undefined;
}

function cpuFinding(list: readonly AttemptRecord[]): string | undefined {
  const measured = list.filter((a) => !a.requested!.cpuDefaulted).map((a) => ({ a, cores: averageCores(a) })).filter((x) => x.cores !== undefined);
  if (measured.length === 0) return undefined;
  const cores = Math.max(...measured.map((x) => x.cores!));
  const request = Math.max(...measured.map((x) => x.a.requested!.cpu));
  const fmt = (n: number) => (Math.round(n * 10) / 10).toString();
  if (cores > request * CPU_MORE) return `${fmt(cores)} CPUs busy on average, more than the ${fmt(request)} requested`;
  if (request >= 2 && cores < request * FAR_LESS) return `${fmt(cores)} of ${fmt(request)} CPUs requested busy on average`;
  return undefined;
}
