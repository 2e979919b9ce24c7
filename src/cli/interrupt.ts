/**
 * The bridge between process signals (caught only in ./main.ts) and the
 * runtime's two-stage Cancellation: a running command registers its
 * Cancellation here; main.ts calls `interrupt()` on SIGINT/SIGTERM/SIGHUP,
 * and `abandoned()` when the event loop empties before the command has an
 * outcome (an internal error: a pending operation that can never settle).
 */
import type { Cancellation } from "../runtime/cancellation.js";

let active: Cancellation | undefined;

/** Makes `c` the cancellation that interrupts advance (undefined to clear). */
export function setActiveCancellation(c: Cancellation | undefined): void {
  active = c;
}

/**
 * Passes a signal on to the active cancellation: an interrupt (SIGINT,
 * SIGTERM) advances it one stage, a hang-up (SIGHUP) goes straight to
 * aborting; once aborting, each further signal only makes the run say what it
 * still waits for (the run ends within a bounded time: see
 * src/runtime/engine.ts). Returns false when no run is registered: the caller
 * should then exit at once.
 */
export function interrupt(kind: "interrupt" | "hang-up"): boolean {
  if (!active) return false;
  if (kind === "hang-up") active.abortNow();
  else active.request();
  return true;
}

let onAbandoned: (() => void) | undefined;

/** Registers what to do (synchronously) if the command is abandoned; undefined to clear. */
export function setAbandonHandler(f: (() => void) | undefined): void {
  onAbandoned = f;
}

/** Runs the abandon handler, once (main.ts calls it when the event loop empties with no outcome). */
export function abandoned(): void {
  const f = onAbandoned;
  onAbandoned = undefined;
  f?.();
}
