/**
 * Typed run events: everything the runtime reports while it runs (for the
 * progress line, the run's `log` file and tests). Observers never influence
 * the run.
 */
import type { AttemptUsage, GrantedResources } from "../backends/backend.js";
import { assertUnreachable } from "../diagnostics/diagnostic.js";

/** One thing that happened during a run. */
export type RunEvent =
  | { readonly kind: "run-started"; readonly runDir: string; readonly target: string; readonly backend: string }
  | { readonly kind: "call-queued"; readonly callId: string }
  | {
      readonly kind: "attempt-started";
      readonly callId: string;
      readonly attempt: number;
      readonly dir: string;
      /** What the attempt asked for and was given (for usage.json and the report). */
      readonly resources?: AttemptRequested;
    }
  | {
      readonly kind: "attempt-finished";
      readonly callId: string;
      readonly attempt: number;
      /** Absent when the backend could not run the command at all. */
      readonly exitCode?: number;
      /** What the command used, as the backend measured it. */
      readonly usage?: AttemptUsage;
    }
  | { readonly kind: "call-succeeded"; readonly callId: string }
  /** The call's result came from the call cache (`origin`: the attempt directory that produced it); `call-succeeded` follows. */
  | { readonly kind: "call-cached"; readonly callId: string; readonly origin: string }
  | { readonly kind: "call-failed"; readonly callId: string; readonly message: string }
  /** The run stopped (a failure elsewhere, or an interrupt) before this call finished. */
  | { readonly kind: "call-stopped"; readonly callId: string; readonly started: boolean }
  | { readonly kind: "notice"; readonly message: string }
  /**
   * An interrupt: `running` attempts were running; `again` when the run was already aborting;
   * `leftMs`, when aborting, is how long the run still waits for them at most.
   */
  | { readonly kind: "cancel-requested"; readonly stage: "stopping" | "aborting"; readonly running: number; readonly again: boolean; readonly leftMs?: number }
  | { readonly kind: "run-finished"; readonly ok: boolean; readonly elapsedMs: number; readonly interrupted?: boolean };

/** The resources of one attempt: the grant, and which requests the task left at the spec's defaults. */
export interface AttemptRequested extends GrantedResources {
  readonly cpuDefaulted: boolean;
  readonly memoryDefaulted: boolean;
}

/** Receives run events. */
export type RunObserver = (event: RunEvent) => void;

/**
 * Carries notices from a producer made before the run (the backend) into
 * the run while it goes (its `log` and observer), and elsewhere otherwise.
 */
export class NoticeRelay {
  private sink: ((message: string) => void) | undefined;

  /** @param outside where notices go when no run is attached */
  constructor(private readonly outside: (message: string) => void) {}

  /** Hand this to the producer. */
  readonly notice = (message: string): void => (this.sink ?? this.outside)(message);

  /** Sends notices to `sink` (undefined: back outside). */
  attach(sink: ((message: string) => void) | undefined): void {
    this.sink = sink;
  }
}

/** Counts calls by state, for the live status line. */
export class CallCounts {
  waiting = 0;
  running = 0;
  done = 0;
  failed = 0;
  /** Calls done whose result came from the call cache (counted in `done` too). */
  cached = 0;
  /** Calls that are waiting or running, by id. */
  private readonly state = new Map<string, "waiting" | "running" | "between">();

  /** Updates the counts for one event. */
  apply(e: RunEvent): void {
    switch (e.kind) {
      case "call-queued":
        this.enter(e.callId, "waiting");
        break;
      case "attempt-started":
        this.enter(e.callId, "running");
        break;
      case "attempt-finished":
        this.enter(e.callId, "between");
        break;
      case "call-succeeded":
        this.leave(e.callId);
        this.done++;
        break;
      case "call-failed":
        this.leave(e.callId);
        this.failed++;
        break;
      case "call-cached":
        this.cached++;
        break;
      case "call-stopped":
        this.leave(e.callId);
        break;
      case "run-started":
      case "notice":
      case "cancel-requested":
      case "run-finished":
        break;
      default:
        return assertUnreachable(e);
    }
  }

  private enter(callId: string, next: "waiting" | "running" | "between"): void {
    this.leave(callId);
    this.state.set(callId, next);
    if (next === "waiting") this.waiting++;
    else if (next === "running") this.running++;
  }

  private leave(callId: string): void {
    const prev = this.state.get(callId);
    if (prev === "waiting") this.waiting--;
    else if (prev === "running") this.running--;
    this.state.delete(callId);
  }
}

/** One plain log line for an event (without timestamp), or undefined for events not worth a line. */
export function describeEvent(e: RunEvent): string | undefined {
  switch (e.kind) {
    case "run-started":
      return `run ${e.target} on the ${e.backend} backend in ${e.runDir}`;
    case "call-queued":
      return undefined;
    case "attempt-started":
      return `${e.callId}: attempt ${e.attempt} started${(e.resources?.ranks ?? 1) > 1 ? ` (${e.resources?.ranks} ranks)` : ""}`;
    case "attempt-finished":
      return `${e.callId}: attempt ${e.attempt} ${e.exitCode === undefined ? "could not run" : `exited with ${e.exitCode}`}`;
    case "call-succeeded":
      return `${e.callId}: done`;
    case "call-failed":
      return `${e.callId}: failed: ${e.message}`;
    case "call-cached":
      return `${e.callId}: cached (result of ${e.origin})`;
    case "call-stopped":
      return `${e.callId}: stopped ${e.started ? "before it finished" : "before it started"}`;
    case "notice":
      return e.message;
    case "cancel-requested":
      if (e.stage === "stopping") return "interrupted: no new tasks will start; running tasks finish (interrupt again to abort them)";
      return `${e.again ? "still aborting" : "interrupted again: aborting running tasks"}: waiting for ${plural(e.running, "running task")} to stop and their containers to go, at most ${Math.ceil((e.leftMs ?? 0) / 1000)} s more (SIGKILL quits at once; the next run or wdlrun clean removes what is left)`;
    case "run-finished":
      return `run ${e.ok ? "succeeded" : e.interrupted ? "interrupted" : "failed"} after ${(e.elapsedMs / 1000).toFixed(1)}s`;
    default:
      return assertUnreachable(e);
  }
}

/** `1 running task`, `3 running tasks`. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
