/**
 * Two-stage cancellation of a run. The first request stops scheduling (no
 * new attempt starts; running ones finish); the second aborts running
 * attempts through an AbortSignal passed to Backend.execute. Signals are
 * caught only in src/cli/main.ts, which calls `request()`.
 */
import { setMaxListeners } from "node:events";

/** Where a run stands with respect to cancellation. */
export type CancellationStage = "none" | "stopping" | "aborting";

/** A cancellation object shared by the CLI and the runtime. */
export class Cancellation {
  private stageNow: CancellationStage = "none";
  private readonly stopController = new AbortController();
  private readonly abortController = new AbortController();
  private readonly listeners: ((stage: CancellationStage) => void)[] = [];

  constructor() {
    // Every running attempt listens on these signals: no listener limit.
    setMaxListeners(0, this.stopController.signal, this.abortController.signal);
  }

  /** The current stage. */
  get stage(): CancellationStage {
    return this.stageNow;
  }

  /** Aborted at the first request: stop scheduling new work. */
  get stopSignal(): AbortSignal {
    return this.stopController.signal;
  }

  /** Aborted at the second request: kill what is running. */
  get abortSignal(): AbortSignal {
    return this.abortController.signal;
  }

  /** True once scheduling should stop. */
  get stopping(): boolean {
    return this.stageNow !== "none";
  }

  /**
   * Advances one stage (none → stopping → aborting) and returns the new stage;
   * at aborting it stays there (listeners hear each request: the run says what
   * it still waits for).
   */
  request(): CancellationStage {
    if (this.stageNow === "none") {
      this.stageNow = "stopping";
      this.stopController.abort();
    } else if (this.stageNow === "stopping") {
      this.stageNow = "aborting";
      this.abortController.abort();
    }
    for (const l of this.listeners) l(this.stageNow);
    return this.stageNow;
  }

  /** Goes straight to aborting (a hang-up: nobody is left to wait for running tasks); a request like any other once there. */
  abortNow(): void {
    do this.request();
    while (this.stageNow !== "aborting");
  }

  /** Calls `f` at each stage change. */
  onChange(f: (stage: CancellationStage) => void): void {
    this.listeners.push(f);
  }
}
