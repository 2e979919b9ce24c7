/**
 * Records a run for its report while it goes: observes the run's events,
 * stamps each attempt's start and end, writes each finished attempt's
 * `usage.json`, and keeps `run.json` and `report.html` in the run directory
 * current: written at the start, rewritten at most every couple of seconds
 * while calls move (the page reloads itself while the run goes), and once
 * more at the end. Files are replaced atomically (written beside, then
 * renamed), so a reader never sees half a file. Recording never fails the
 * run: a write that fails is retried at the next flush.
 */
import { rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import { withStoredLayouts } from "../graph/layout.js";
import type { GraphModel } from "../graph/model.js";
import type { RunEvent } from "../runtime/events.js";
import { writeAtomicSync } from "../runtime/run-dir.js";
import { stringifyJson } from "../values/json-text.js";
import { REPORT_FILE, RUN_FILE, USAGE_FILE, type AttemptRecord, type CallRecord, type RunData, type RunRecord, type RunStatus } from "./data.js";
import { usageFindings } from "./findings.js";
import { renderReport } from "./render.js";

/** What the recorder knows before the run starts. */
export interface RecorderSetup {
  readonly dir: string;
  readonly runId: string;
  readonly target: string;
  readonly backend: string;
  readonly document: string;
  readonly graph?: GraphModel;
  /** The inputs as given (shown in the report). */
  readonly inputs: unknown;
  /** Milliseconds between rewrites while the run goes (default 2000). */
  readonly flushMs?: number;
}

/** Observes one run and writes its records. */
export class RunRecorder {
  private readonly startedAt = new Date().toISOString();
  private readonly calls = new Map<string, CallRecord>();
  private readonly attempts: AttemptRecord[] = [];
  private readonly open = new Map<string, { index: number }>();
  private readonly pending = new Set<Promise<void>>();
  private status: RunStatus = "running";
  private endedAt: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private readonly setup: RecorderSetup) {}

  /** The observer to hand the run (never throws). */
  readonly observe = (e: RunEvent): void => {
    switch (e.kind) {
      case "call-queued":
        this.calls.set(e.callId, { callId: e.callId, state: "waiting" });
        break;
      case "attempt-started": {
        this.calls.set(e.callId, { callId: e.callId, state: "running" });
        const record: AttemptRecord = {
          callId: e.callId,
          attempt: e.attempt,
          dir: path.relative(this.setup.dir, e.dir),
          startedAt: new Date().toISOString(),
          ...(e.resources ? { requested: e.resources } : {}),
        };
        this.open.set(key(e.callId, e.attempt), { index: this.attempts.length });
        this.attempts.push(record);
        break;
      }
      case "attempt-finished": {
        const k = key(e.callId, e.attempt);
        const o = this.open.get(k);
        if (!o) break;
        this.open.delete(k);
        const done: AttemptRecord = {
          ...this.attempts[o.index]!,
          endedAt: new Date().toISOString(),
          ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}),
          ...(e.usage ? { used: e.usage } : {}),
        };
        this.attempts[o.index] = done;
        // Small and one per attempt: written at once (the promise API costs several times the CPU).
        this.track(Promise.resolve().then(() => writeAtomicSync(path.join(this.setup.dir, done.dir, USAGE_FILE), stringifyJson(done, 2) + "\n")));
        break;
      }
      case "call-succeeded":
        this.calls.set(e.callId, { callId: e.callId, state: "succeeded" });
        break;
      case "call-failed":
        this.calls.set(e.callId, { callId: e.callId, state: "failed", message: e.message });
        break;
      case "call-stopped":
        this.calls.set(e.callId, { callId: e.callId, state: "stopped" });
        break;
      case "call-cached":
        this.calls.set(e.callId, { callId: e.callId, state: "succeeded", message: `reused from the call cache (${e.origin})` });
        break;
      case "run-started":
      case "notice":
      case "cancel-requested":
      case "run-finished":
        return;
      default:
        return assertUnreachable(e);
    }
    this.schedule();
  };

  /** Writes the first `run.json` and `report.html` (in the background: the run need not wait for the picture's layout). */
  start(): void {
    this.track(this.flush());
  }

  /** One line per task that used far less or more than it asked (see findings.ts). */
  findings(): string[] {
    return usageFindings(this.attempts);
  }

  /** Records the end of the run and writes everything a last time. */
  async finish(status: Exclude<RunStatus, "running">, files: { outputs?: unknown; error?: RunData["error"] }): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.status = status;
    this.endedAt = new Date().toISOString();
    // Attempts that never reported an end (the run was aborted) end now.
    for (const o of this.open.values()) this.attempts[o.index] = { ...this.attempts[o.index]!, endedAt: this.endedAt };
    this.open.clear();
    this.final = files;
    await Promise.all(this.pending);
    await this.flush();
  }

  private final: { outputs?: unknown; error?: RunData["error"] } = {};

  private schedule(): void {
    if (this.timer || this.status !== "running") return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.setup.flushMs ?? 2000);
    this.timer.unref();
  }

  private track(p: Promise<void>): void {
    const guarded = p.catch(() => undefined);
    this.pending.add(guarded);
    void guarded.then(() => this.pending.delete(guarded));
  }

  /** Writes run.json and report.html (one flush at a time; a flush asked for meanwhile follows). */
  private async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    // A failed write (disk full, say) is tried again a little later; the run goes on.
    this.flushing = this.write().catch(() => this.schedule());
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** The picture with its layouts stored (laid out once, on the first write). */
  private graph: Promise<GraphModel | undefined> | undefined;

  private async write(): Promise<void> {
    const s = this.setup;
    this.graph ??= s.graph ? withStoredLayouts(s.graph).catch(() => s.graph) : Promise.resolve(undefined);
    const graph = await this.graph;
    const run: RunRecord = {
      version: 1,
      runId: s.runId,
      target: s.target,
      backend: s.backend,
      document: s.document,
      startedAt: this.startedAt,
      ...(this.endedAt !== undefined ? { endedAt: this.endedAt } : {}),
      status: this.status,
      ...(graph ? { graph } : {}),
      calls: [...this.calls.values()],
      attempts: this.attempts.map((a) => ({ callId: a.callId, attempt: a.attempt, dir: a.dir, startedAt: a.startedAt })),
    };
    const data: RunData = { dir: s.dir, run, attempts: this.attempts, inputs: s.inputs, ...this.final };
    await writeAtomic(path.join(s.dir, RUN_FILE), stringifyJson(run, 1) + "\n");
    await writeAtomic(path.join(s.dir, REPORT_FILE), await renderReport(data));
  }
}

function key(callId: string, attempt: number): string {
  return `${callId}#${attempt}`;
}

/** Writes `file` through a temporary file beside it and a rename. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}
