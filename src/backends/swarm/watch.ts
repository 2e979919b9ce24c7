/**
 * Following the tasks of this backend's services. The Engine API has no
 * event for task state changes, so one poller per backend lists the tasks of
 * every service labelled with the backend's session (one request per tick,
 * however many attempts run) and hands each watcher its service's newest
 * task. It polls quickly while some watch is young (short tasks finish
 * quickly) and more slowly once all have run for a while.
 */
import type Docker from "dockerode";
import { asBackendError, explainConnection } from "../engine/client.js";
import { EngineGoneError } from "../engine/liveness.js";
import { LABEL_SESSION } from "../engine/labels.js";
import type { RawTask } from "./status.js";

/** Receives the service's newest task on every tick (undefined until swarm has created it). */
export type TaskListener = (task: RawTask | undefined) => void;

/** Poll intervals. */
export interface WatchTiming {
  /** Interval while some watch is younger than `youngMs` (default 100 ms). */
  readonly fastMs?: number;
  /** Interval otherwise (default 500 ms). */
  readonly slowMs?: number;
  readonly youngMs?: number;
  /** Consecutive failed polls before every watcher is failed (default 5). */
  readonly maxFailures?: number;
}

interface Watch {
  readonly listener: TaskListener;
  readonly fail: (e: Error) => void;
  readonly since: number;
}

/** One poller for all the services of a session. */
export class TaskWatcher {
  private readonly watches = new Map<string, Watch>();
  private running = false;
  private readonly fastMs: number;
  private readonly slowMs: number;
  private readonly youngMs: number;
  private readonly maxFailures: number;

  constructor(
    private readonly docker: Docker,
    private readonly url: string,
    private readonly session: string,
    timing: WatchTiming = {},
  ) {
    this.fastMs = timing.fastMs ?? 100;
    this.slowMs = timing.slowMs ?? 500;
    this.youngMs = timing.youngMs ?? 5_000;
    this.maxFailures = timing.maxFailures ?? 5;
  }

  /**
   * Starts passing the newest task of `serviceId` to `listener` on every
   * tick; `fail` is called (once) if the engine stops answering. Returns the
   * function that stops the watch.
   */
  watch(serviceId: string, listener: TaskListener, fail: (e: Error) => void): () => void {
    const w: Watch = { listener, fail, since: Date.now() };
    this.watches.set(serviceId, w);
    if (!this.running) {
      this.running = true;
      void this.loop();
    }
    return () => {
      if (this.watches.get(serviceId) === w) this.watches.delete(serviceId);
    };
  }

  private async loop(): Promise<void> {
    let failures = 0;
    try {
      while (this.watches.size > 0) {
        let tasks: RawTask[] | undefined;
        try {
          tasks = (await this.docker.listTasks({ filters: { label: [`${LABEL_SESSION}=${this.session}`] } })) as RawTask[];
          failures = 0;
        } catch (e) {
          if (++failures >= this.maxFailures) {
            // The manager stopped answering: each attempt says so with its own call (EngineGoneError carries the cause).
            const err = explainConnection(e, this.url) !== undefined ? new EngineGoneError(e instanceof Error ? e.message : String(e)) : asBackendError(e, this.url, "following the swarm tasks");
            const all = [...this.watches.values()];
            this.watches.clear();
            for (const w of all) w.fail(err);
            return;
          }
        }
        if (tasks !== undefined) {
          const newest = newestByService(tasks);
          for (const [id, w] of [...this.watches]) {
            if (this.watches.get(id) !== w) continue;
            try {
              w.listener(newest.get(id));
            } catch (e) {
              this.watches.delete(id);
              w.fail(e instanceof Error ? e : new Error(String(e)));
            }
          }
        }
        const now = Date.now();
        const young = [...this.watches.values()].some((w) => now - w.since < this.youngMs);
        await new Promise((r) => setTimeout(r, young ? this.fastMs : this.slowMs));
      }
    } finally {
      this.running = false;
      // A watch added while the last tick was finishing must not be left without a poller.
      if (this.watches.size > 0) {
        this.running = true;
        void this.loop();
      }
    }
  }
}

/** The newest task of each service. Pure. */
export function newestByService(tasks: readonly RawTask[]): Map<string, RawTask> {
  const out = new Map<string, RawTask>();
  for (const t of tasks) {
    if (!t.ServiceID) continue;
    const seen = out.get(t.ServiceID);
    if (seen === undefined || (t.CreatedAt ?? "") > (seen.CreatedAt ?? "")) out.set(t.ServiceID, t);
  }
  return out;
}
