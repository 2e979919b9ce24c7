/**
 * Progress on stderr while a run goes: on a terminal, one live status line
 * (elapsed time, waiting/running/done/failed call counts, how many of the
 * done came from the call cache) redrawn in place,
 * with notable events (failures, notices) printed above it; elsewhere, plain
 * timestamped log lines. stdout is never touched.
 */
import { CallCounts, describeEvent, type RunEvent } from "../runtime/events.js";

/** Where progress is written (stderr, or a test double). */
export interface ProgressSink {
  write(text: string): void;
  readonly isTTY?: boolean;
}

/** Renders run events as progress. Call `stop()` when the run ends. */
export class Progress {
  private readonly counts = new CallCounts();
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private lineShown = false;
  private lastDraw = 0;

  constructor(private readonly sink: ProgressSink) {
    if (sink.isTTY) {
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref();
    }
  }

  /** The observer to hand to the runtime. */
  readonly observe = (e: RunEvent): void => {
    this.counts.apply(e);
    if (!this.sink.isTTY) {
      const line = describeEvent(e);
      if (line !== undefined) this.sink.write(`[${elapsed(Date.now() - this.started)}] ${line}\n`);
      return;
    }
    if (isNotable(e)) this.print(describeEvent(e) ?? "");
    const now = Date.now();
    if (now - this.lastDraw >= 100 || e.kind === "run-finished") this.draw();
  };

  /** Prints a message (above the status line on a terminal). */
  print(message: string): void {
    if (this.sink.isTTY && this.lineShown) this.sink.write("\r\x1b[K");
    this.sink.write(message + "\n");
    this.lineShown = false;
    if (this.sink.isTTY) this.draw();
  }

  /** The status line text. */
  statusLine(): string {
    const c = this.counts;
    const cached = c.cached > 0 ? ` (${c.cached} cached)` : "";
    return `[${elapsed(Date.now() - this.started)}] waiting ${c.waiting} · running ${c.running} · done ${c.done}${cached} · failed ${c.failed}`;
  }

  private draw(): void {
    if (!this.sink.isTTY) return;
    this.lastDraw = Date.now();
    this.sink.write(`\r\x1b[K${this.statusLine()}`);
    this.lineShown = true;
  }

  /** Stops redrawing and leaves the last status line in place. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.sink.isTTY && this.lineShown) {
      this.draw();
      this.sink.write("\n");
      this.lineShown = false;
    }
  }
}

function isNotable(e: RunEvent): boolean {
  return e.kind === "call-failed" || e.kind === "notice" || e.kind === "cancel-requested" || e.kind === "run-started";
}

/** `mm:ss` (or `h:mm:ss`). */
export function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  const h = Math.floor(s / 3600);
  return h > 0 ? `${h}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}` : `${p(Math.floor(s / 60))}:${p(s % 60)}`;
}
