/**
 * The state one run shares across all its workflows, scatters and calls:
 * backend, resource pool, run directory, cancellation, the failure policy,
 * the call cache and the event sink. Created by ./engine.ts.
 */
import { setMaxListeners } from "node:events";
import type { Backend } from "../backends/backend.js";
import type { CallCache } from "./cache/call-cache.js";
import type { Cancellation } from "./cancellation.js";
import type { RunEvent } from "./events.js";
import type { ResourcePool } from "./resource-pool.js";
import type { RunDir } from "./run-dir.js";
import type { RunControl } from "./scheduler.js";
import type { AheadPlaces } from "./prepare-ahead.js";

/** Everything the runners of one run share. */
export interface RunContext {
  readonly runDir: RunDir;
  readonly backend: Backend;
  readonly pool: ResourcePool;
  readonly cancellation: Cancellation;
  readonly control: FailurePolicy;
  /** The call cache, when it is on. */
  readonly cache?: CallCache;
  /** Places for attempts made ready while they wait in the pool (./prepare-ahead.ts). */
  readonly ahead?: AheadPlaces;
  /** Reports an event (to the log file and the observer). */
  emit(event: RunEvent): void;
}

/**
 * The RunControl of a run: stops scheduling on the first failure (unless
 * keep-going) or when cancellation asks, and exposes that as a signal so
 * that attempts parked in the resource pool give up too.
 */
export class FailurePolicy implements RunControl {
  private readonly stopController = new AbortController();
  /** Every failure reported, in order. */
  readonly failures: unknown[] = [];

  constructor(
    readonly keepGoing: boolean,
    private readonly cancellation: Cancellation,
  ) {
    setMaxListeners(0, this.stopController.signal);
    if (cancellation.stopSignal.aborted) this.stopController.abort();
    else cancellation.stopSignal.addEventListener("abort", () => this.stopController.abort(), { once: true });
  }

  get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  /** Aborted once nothing new may start. */
  get stopSignal(): AbortSignal {
    return this.stopController.signal;
  }

  /** True once cancellation was requested (as opposed to a failure). */
  get cancelled(): boolean {
    return this.cancellation.stopping;
  }

  fail(error: unknown): void {
    this.failures.push(error);
    if (!this.keepGoing) this.stopController.abort();
  }

  /**
   * A call is about to fail (its command failed for good): stops new work
   * now, unless keep-going, so that the resources it is about to give back
   * do not start a waiting call. The failure itself comes through `fail`.
   */
  failing(): void {
    if (!this.keepGoing) this.stopController.abort();
  }
}
