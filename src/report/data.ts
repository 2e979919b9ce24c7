/**
 * What a run directory records for its report, and reading it back:
 * `run.json` (the run's target, backend, document, status and times, its
 * calls' states, its attempts, and the workflow's picture model) and one
 * `usage.json` per finished attempt (when it ran, what it asked for and was
 * given, what it used). `wdlrun report RUN_DIR` rebuilds `report.html` from
 * these files alone: the document need not exist any more.
 */
import { readFile, realpath } from "node:fs/promises";
import path from "node:path";
import type { AttemptUsage } from "../backends/backend.js";
import type { GraphModel } from "../graph/model.js";
import type { AttemptRequested } from "../runtime/events.js";

/** The file names, in the run directory and in each attempt's directory. */
export const RUN_FILE = "run.json";
export const USAGE_FILE = "usage.json";
export const REPORT_FILE = "report.html";

/** Where a call stands. */
export type CallState = "waiting" | "running" | "succeeded" | "failed" | "stopped";

/** How the run stands. */
export type RunStatus = "running" | "succeeded" | "failed" | "interrupted";

/** One call of the run. */
export interface CallRecord {
  readonly callId: string;
  readonly state: CallState;
  /** Why it failed, or where a cached result came from. */
  readonly message?: string;
}

/** One attempt: what `usage.json` holds (and, for one still running, what is known so far). */
export interface AttemptRecord {
  readonly callId: string;
  readonly attempt: number;
  /** The attempt's directory, relative to the run directory. */
  readonly dir: string;
  /** ISO times. */
  readonly startedAt: string;
  readonly endedAt?: string;
  /** Absent while running, or when the backend could not run the command. */
  readonly exitCode?: number;
  readonly requested?: AttemptRequested;
  readonly used?: AttemptUsage;
}

/** What `run.json` holds. */
export interface RunRecord {
  readonly version: 1;
  readonly runId: string;
  readonly target: string;
  readonly backend: string;
  /** The document's absolute path. */
  readonly document: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly status: RunStatus;
  readonly graph?: GraphModel;
  readonly calls: readonly CallRecord[];
  /** Every attempt that started, in start order (finished ones also have their usage.json). */
  readonly attempts: readonly { readonly callId: string; readonly attempt: number; readonly dir: string; readonly startedAt: string }[];
}

/** Everything a report shows. */
export interface RunData {
  /** The run directory (absolute). */
  readonly dir: string;
  readonly run: RunRecord;
  readonly attempts: readonly AttemptRecord[];
  readonly inputs?: unknown;
  readonly outputs?: unknown;
  /** `error.json`, when the run failed. */
  readonly error?: { readonly error?: string; readonly failures?: readonly FailureRecord[]; readonly evaluation?: readonly unknown[] };
}

/** One entry of `error.json`'s `failures`. */
export interface FailureRecord {
  readonly callId?: string;
  readonly call?: string;
  readonly reason?: string;
  readonly attempt?: number;
  readonly attemptDir?: string;
  readonly exitCode?: number;
  readonly stderrTail?: readonly string[];
}

/** A run directory whose records cannot be read. */
export class RunDataError extends Error {}

/** Reads a run directory's records. */
export async function readRunData(dir: string): Promise<RunData> {
  // The real path: `wdlrun-runs/latest` names the run it points at.
  const abs = await realpath(dir).catch(() => path.resolve(dir));
  const runText = await readFile(path.join(abs, RUN_FILE), "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new RunDataError(
      e.code === "ENOENT"
        ? `${abs} has no ${RUN_FILE}: it is not a run directory, or its run was made by a wdlrun without reports`
        : `cannot read ${path.join(abs, RUN_FILE)}: ${e.message}`,
    );
  });
  let run: RunRecord;
  try {
    run = JSON.parse(runText) as RunRecord;
  } catch (e) {
    throw new RunDataError(`${path.join(abs, RUN_FILE)} is not valid JSON: ${(e as Error).message}`);
  }
  const attempts = await Promise.all(
    run.attempts.map(async (a): Promise<AttemptRecord> => {
      const usage = await readJson(path.join(abs, a.dir, USAGE_FILE));
      return usage !== undefined ? { ...(usage as AttemptRecord), dir: a.dir } : a;
    }),
  );
  const [inputs, outputs, error] = await Promise.all(["inputs.json", "outputs.json", "error.json"].map((f) => readJson(path.join(abs, f))));
  return { dir: abs, run, attempts, inputs, outputs, ...(error !== undefined ? { error: error as RunData["error"] & object } : {}) };
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}
