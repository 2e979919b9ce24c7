/**
 * The bridge between process signals (caught only in ./main.ts) and the
 * runtime's two-stage Cancellation: a running command registers its
 * Cancellation here; main.ts calls `interrupt()` on SIGINT/SIGTERM.
 */
import type { Cancellation } from "../runtime/cancellation.js";

let active: Cancellation | undefined;

/** Makes `c` the cancellation that interrupts advance (undefined to clear). */
export function setActiveCancellation(c: Cancellation | undefined): void {
  active = c;
}

/**
 * Advances the active cancellation one stage. Returns false when nothing is
 * registered, or when running tasks are already being aborted (a third
 * interrupt): the caller should then exit at once.
 */
export function interrupt(): boolean {
  if (!active || active.stage === "aborting") return false;
  active.request();
  return true;
}
