/**
 * Noticing that the Docker Engine has gone away while attempts run. A
 * container's `wait` is one long HTTP response: when dockerd dies (SIGKILL,
 * a crash) or hangs (SIGSTOP), that response neither ends nor fails, and
 * with nothing else pending Node's event loop empties and the process exits
 * as if all were well. `EngineWatch` pings the engine while at least one
 * attempt holds it and rejects `lost` (every waiter races it) once the engine
 * refuses connections twice in a row, or has not answered for `hungMs`; its
 * timer also keeps the process alive meanwhile. `engineGoneMessage` is the
 * one line the user reads.
 */
import type Docker from "dockerode";
import { DockerBackendError } from "./client.js";

/** How the watch probes. */
export interface WatchTiming {
  /** Between pings (default 1000 ms). */
  readonly intervalMs?: number;
  /** A ping that takes longer than this counts as unanswered (default 5000 ms). */
  readonly pingTimeoutMs?: number;
  /** No answer for this long (a hung engine) = lost (default 15000 ms). */
  readonly hungMs?: number;
}

/** Raised through `EngineWatch.lost` and by attempts that find the engine gone. */
export class EngineGoneError extends DockerBackendError {
  constructor(message: string) {
    super(message);
    this.name = "EngineGoneError";
  }
}

/** The one line for an engine that stopped answering while `callId` ran (in a container, or a swarm service). */
export function engineGoneMessage(url: string, callId: string, why: string, what: "container" | "service" = "container"): string {
  return (
    `the Docker Engine at ${url} stopped answering while ${callId} ran (${why}); ` +
    `its ${what} may still exist: the next run or wdlrun clean removes it once the engine is back`
  );
}

/** Pings an engine while holders need it; `lost` rejects when it is gone. */
export class EngineWatch {
  private holders = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastAnswer = Date.now();
  private refusals = 0;
  private readonly waiters = new Set<(why: string) => void>();
  private readonly intervalMs: number;
  private readonly pingTimeoutMs: number;
  private readonly hungMs: number;

  constructor(
    private readonly docker: Docker,
    timing: WatchTiming = {},
  ) {
    this.intervalMs = timing.intervalMs ?? 1000;
    this.pingTimeoutMs = timing.pingTimeoutMs ?? 5000;
    this.hungMs = timing.hungMs ?? 15_000;
  }

  /**
   * Holds the watch for one attempt: resolves never, rejects with the reason
   * the engine is gone. Call the returned `release` when the attempt is done.
   */
  hold(): { readonly lost: Promise<never>; readonly release: () => void } {
    let waiter: ((why: string) => void) | undefined;
    const lost = new Promise<never>((_, reject) => {
      waiter = (why) => reject(new Error(why));
      this.waiters.add(waiter);
    });
    lost.catch(() => undefined);
    if (++this.holders === 1) this.start();
    let released = false;
    return {
      lost,
      release: () => {
        if (released) return;
        released = true;
        if (waiter) this.waiters.delete(waiter);
        if (--this.holders === 0) this.stop();
      },
    };
  }

  private start(): void {
    this.lastAnswer = Date.now();
    this.refusals = 0;
    const tick = () => {
      this.timer = setTimeout(() => void this.probe().then(() => this.timer !== undefined && tick()), this.intervalMs);
    };
    tick();
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async probe(): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      this.docker.ping().then(
        () => "answered" as const,
        (e: unknown) => ((e as NodeJS.ErrnoException | null)?.code !== undefined ? ("refused" as const) : ("answered" as const)),
      ),
      new Promise<"silent">((resolve) => (timeout = setTimeout(() => resolve("silent"), this.pingTimeoutMs))),
    ]);
    clearTimeout(timeout);
    if (this.timer === undefined && this.holders === 0) return;
    if (outcome === "answered") {
      this.lastAnswer = Date.now();
      this.refusals = 0;
      return;
    }
    if (outcome === "refused") this.refusals++;
    if (this.refusals >= 2) this.lose("it refuses connections: the engine has exited");
    else if (Date.now() - this.lastAnswer >= this.hungMs) this.lose(`no answer for ${Math.round(this.hungMs / 1000)} s`);
  }

  /** Fails every current holder; holders that come later start from a fresh watch (the engine may be back). */
  private lose(why: string): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    this.lastAnswer = Date.now();
    this.refusals = 0;
    for (const w of waiters) w(why);
  }
}
