/**
 * What a container used, from its cgroup as the Engine API reports it. The
 * cgroup is gone once the container has exited (a one-shot stats call then
 * answers zeros), so the attempt follows the engine's stats stream while
 * the container runs (a first sample as the stream opens, then one a
 * second). The stream opens half a second after the start: the engine's
 * stats are work of its own per container (reading the cgroup, a stream),
 * which a command done sooner than that is spared. It keeps:
 *
 * - peak memory: the cgroup's own high-water mark (`memory_stats.max_usage`,
 *   cgroup v1) or, where the engine has none (cgroup v2; Podman, which
 *   reports only `usage`), the largest `usage` sampled; both count the page
 *   cache, as the memory limit does;
 * - CPU time: the cgroup's total CPU time (`cpu_usage.total_usage`) at the
 *   last sample;
 * - wall time: from the start's answer to the wait's (given the time the
 *   start answered), else from the container's StartedAt and FinishedAt.
 *
 * The last second before the command ends is not sampled; a command that
 * ends before the first sample gets wall time only, and the note says why.
 * Used by the docker and swarm backends.
 */
import type Docker from "dockerode";
import type { AttemptUsage } from "../backend.js";

const SOURCE = "cgroup (Engine API stats)";

/** How long after the start the stats stream opens. */
export const STATS_DELAY_MS = 500;

/** The stats fields read (the rest of the engine's answer is ignored). */
interface StatsSample {
  readonly read?: string;
  readonly memory_stats?: { readonly usage?: number; readonly max_usage?: number };
  readonly cpu_stats?: { readonly cpu_usage?: { readonly total_usage?: number } };
}

/** Follows one container's stats until stopped. */
export class ContainerStatsSampler {
  private peakBytes: number | undefined;
  private cpuNanos: number | undefined;
  private stream: NodeJS.ReadableStream | undefined;
  private stopped = false;
  private failure: string | undefined;
  private readonly opening: NodeJS.Timeout;
  /** Whether the stats stream was asked for (the delay had passed). */
  private requested = false;

  /**
   * @param startedAt when the container's start was answered (Date.now()), for the wall time;
   *   without it, the wall time is read from the container's state when stopping.
   */
  constructor(
    private readonly container: Docker.Container,
    private readonly startedAt?: number,
  ) {
    this.opening = setTimeout(() => this.open(), STATS_DELAY_MS);
    this.opening.unref();
  }

  private open(): void {
    if (this.stopped) return;
    this.requested = true;
    this.container.stats({ stream: true }).then(
      (s) => {
        const stream = s as unknown as NodeJS.ReadableStream;
        if (this.stopped) return destroy(stream);
        this.stream = stream;
        let buffered = "";
        stream.on("data", (chunk: Buffer) => {
          buffered += chunk.toString("utf8");
          let nl: number;
          while ((nl = buffered.indexOf("\n")) >= 0) {
            this.take(buffered.slice(0, nl));
            buffered = buffered.slice(nl + 1);
          }
        });
        stream.on("error", () => undefined);
      },
      (e: unknown) => {
        this.failure = e instanceof Error ? e.message : String(e);
      },
    );
  }

  private take(line: string): void {
    if (line.trim() === "") return;
    let s: StatsSample;
    try {
      s = JSON.parse(line) as StatsSample;
    } catch {
      return;
    }
    // A container that has stopped answers an empty sample (read time zero).
    if (s.read === undefined || s.read.startsWith("0001-")) return;
    const m = s.memory_stats;
    const peak = Math.max(m?.max_usage ?? 0, m?.usage ?? 0);
    if (peak > 0) this.peakBytes = Math.max(this.peakBytes ?? 0, peak);
    const cpu = s.cpu_stats?.cpu_usage?.total_usage;
    if (cpu !== undefined && cpu > 0) this.cpuNanos = Math.max(this.cpuNanos ?? 0, cpu);
  }

  /** Stops following (idempotent). */
  close(): void {
    this.stopped = true;
    clearTimeout(this.opening);
    if (this.stream) destroy(this.stream);
  }

  /**
   * Stops following (call it as the wait answers); the figures, with the wall
   * time since `startedAt`, else from the container's state (inspected now,
   * before it is removed).
   */
  async stop(): Promise<AttemptUsage> {
    const endedAt = Date.now();
    const sampled = this.requested;
    this.close();
    const wallSeconds = this.startedAt !== undefined ? Math.max(0, endedAt - this.startedAt) / 1000 : await this.wallFromState();
    const measured = this.peakBytes !== undefined || this.cpuNanos !== undefined;
    const note = this.failure
      ? `the engine gave no stats: ${this.failure}`
      : measured
        ? undefined
        : sampled
          ? "the command ended before the engine's first stats sample"
          : `the command ended before its first stats sample (taken ${STATS_DELAY_MS / 1000} s after the start)`;
    return {
      ...(this.peakBytes !== undefined ? { peakMemoryBytes: this.peakBytes } : {}),
      ...(this.cpuNanos !== undefined ? { cpuSeconds: this.cpuNanos / 1e9 } : {}),
      ...(wallSeconds !== undefined ? { wallSeconds } : {}),
      source: SOURCE,
      ...(note !== undefined ? { note } : {}),
    };
  }

  /** The wall time from the container's StartedAt and FinishedAt. */
  private async wallFromState(): Promise<number | undefined> {
    const info = await this.container.inspect().catch(() => undefined);
    const started = Date.parse(info?.State?.StartedAt ?? "");
    const finished = Date.parse(info?.State?.FinishedAt ?? "");
    return Number.isFinite(started) && Number.isFinite(finished) && finished >= started ? (finished - started) / 1000 : undefined;
  }
}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}
