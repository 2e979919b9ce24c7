/**
 * Making an attempt ready while it waits in the resource pool
 * (`Backend.prepare`; docker: its container created, not started), so that
 * when the pool grants it only the start is left between one task's end and
 * the next one's start. At most `width` attempts are made ready at once, the
 * first to come (the pool grants in about that order): as many as can run at
 * once, so that a scatter of thousands does not create thousands of
 * containers ahead. An attempt that is granted before it got a place, or
 * whose backend makes nothing ahead, or whose making ahead failed, is run as
 * before (`execute` makes its own, and says what failed).
 */
import type { AttemptRequest, Backend, PreparedAttempt } from "../backends/backend.js";

/** Places for attempts made ready ahead, taken in the order asked. */
export class AheadPlaces {
  private free: number;
  private readonly queue: { readonly enter: (release: () => void) => void }[] = [];

  constructor(width: number) {
    this.free = Math.max(1, Math.floor(width));
  }

  /** Resolves with the place's release once one is free; with undefined when `signal` is aborted first. */
  enter(signal: AbortSignal): Promise<(() => void) | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const waiter = { enter: (release: () => void) => resolve(release) };
      this.queue.push(waiter);
      signal.addEventListener(
        "abort",
        () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          resolve(undefined);
        },
        { once: true },
      );
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next) next.enter(this.releaser());
      else this.free++;
    };
  }
}

/** An attempt being made ready while it waits for its lease. */
export interface Ahead {
  /**
   * Once the lease is granted (or refused): what was made ready, waiting for
   * a making in progress; undefined when nothing was. Gives the place back.
   */
  settle(): Promise<PreparedAttempt | undefined>;
}

const NOTHING: Ahead = { settle: () => Promise.resolve(undefined) };

/** Starts making `request` ready on `backend` as soon as a place is free (nothing when the backend makes nothing ahead). */
export function prepareAhead(backend: Backend, places: AheadPlaces | undefined, request: AttemptRequest): Ahead {
  if (!backend.prepare || !places) return NOTHING;
  const prepare = backend.prepare.bind(backend);
  const stopWaiting = new AbortController();
  let release: (() => void) | undefined;
  const made = places.enter(stopWaiting.signal).then((r) => {
    release = r;
    // A failure here is left to execute, which tries again and says what failed.
    return r === undefined ? undefined : prepare(request).catch(() => undefined);
  });
  return {
    settle: async () => {
      stopWaiting.abort();
      const prepared = await made;
      release?.();
      return prepared;
    },
  };
}
