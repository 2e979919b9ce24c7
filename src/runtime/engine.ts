/**
 * The runtime's entry point: `runDocument` analyses a WDL file, chooses the
 * target, reads the inputs, creates the run directory, runs the workflow or
 * task on the given backend, and writes `outputs.json` or `error.json`. It
 * returns a RunOutcome (data, never an exception for user mistakes) that
 * the CLI turns into stdout, stderr and an exit code. The backend is always
 * closed before it returns.
 */
import path from "node:path";
import { analyzeFile, type Analysis, type Callable } from "../analysis/index.js";
import type { Backend, Capacity } from "../backends/backend.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { valueToJson } from "../values/json.js";
import { stringifyJson } from "../values/json-text.js";
import type { WdlValue } from "../values/value.js";
import type { CallCache } from "./cache/call-cache.js";
import { Cancellation } from "./cancellation.js";
import { CallFailedError, describeError, type CallFailure, type EvaluationFailure } from "./errors.js";
import { graphModel, sourcesOf } from "../graph/model.js";
import { RunRecorder } from "../report/recorder.js";
import { describeEvent, type NoticeRelay, type RunEvent, type RunObserver } from "./events.js";
import { buildInputTree, InputsError, parseKeyValueArgs, plainInputs, type InputSource, type InputTree } from "./inputs.js";
import { preflight } from "./preflight.js";
import { ResourcePool } from "./resource-pool.js";
import { FailurePolicy, type RunContext } from "./run-context.js";
import { callDirName, describeFsError, RunDir } from "./run-dir.js";
import { NodesFailedError, StoppedError } from "./scheduler.js";
import { chooseTarget } from "./target.js";
import { runTask } from "./task-runner.js";
import { runWorkflow, WorkflowError } from "./workflow-runner.js";
import { AheadPlaces } from "./prepare-ahead.js";

/** What to run and how. */
export interface RunRequest {
  /** The WDL document. */
  readonly file: string;
  /**
   * The document's analysis, when the caller started it already (`wdlrun
   * run` checks the document while the engine opens); else runDocument
   * analyses `file`. It must be of `file`, with the same `strict`.
   */
  readonly analysis?: Promise<Analysis>;
  /** Inputs JSON already read (keys fully qualified), with the directory relative paths resolve against. */
  readonly inputs?: { readonly json: Readonly<Record<string, unknown>>; readonly baseDir: string; readonly origin: string };
  /** `key=value` inputs (relative paths against the current directory); override the JSON key by key. */
  readonly keyValues?: readonly string[];
  /** Run this task of the document instead of its workflow. */
  readonly task?: string;
  /** Where run directories are created (default `./wdlrun-runs`). */
  readonly out?: string;
  readonly backend: Backend;
  /** Let independent branches finish after a failure. */
  readonly keepGoing?: boolean;
  /** Clamp requests above the capacity instead of refusing them. */
  readonly tryWithMax?: boolean;
  /** Most attempts running at once (0 or absent = bounded by resources only). */
  readonly concurrency?: number;
  readonly cancellation?: Cancellation;
  readonly observer?: RunObserver;
  /** Notices of the backend, to be logged as run events while the run goes. */
  readonly notices?: NoticeRelay;
  /** Base directory of relative paths in workflow expressions (default: the current directory). */
  readonly workDir?: string;
  /** The call cache (`--cache`); absent = every call runs. */
  readonly cache?: CallCache;
  /** Check that File inputs exist before running (default true). */
  readonly checkInputFiles?: boolean;
  /** `--strict`: the document's leniency warnings are errors (nothing runs). */
  readonly strict?: boolean;
  /** Called with the run directory once it exists (and undefined when the run is over). */
  readonly onRunDir?: (dir: RunDir | undefined) => void;
}

/** What `error.json` holds. */
export interface ErrorReport {
  readonly error: string;
  /** The failed calls, first failure first. */
  readonly failures: readonly CallFailure[];
  /** Failures of workflow-level evaluation (declarations, scatter collections, conditions), located; absent when none. */
  readonly evaluation?: readonly EvaluationFailure[];
}

/** How a run ended. */
export type RunOutcome =
  /** `outputs` as JSON data (Floats as numbers); `outputsText` as written to `outputs.json` and stdout (whole Floats as `5.0`). */
  | { readonly kind: "succeeded"; readonly outputs: Record<string, unknown>; readonly outputsText: string; readonly runDir: string }
  /** `outputsText`: computed, but the run directory could not take them (a full disk): they go to stdout all the same. */
  | { readonly kind: "failed"; readonly report: ErrorReport; readonly runDir: string; readonly outputsText?: string }
  | { readonly kind: "interrupted"; readonly runDir: string }
  | { readonly kind: "invalid-document"; readonly analysis: Analysis; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: "invalid-inputs"; readonly problems: readonly string[] }
  | { readonly kind: "no-target"; readonly message: string }
  /** Some task asks for more than the backend can ever give (found before anything ran). */
  | { readonly kind: "unsatisfiable"; readonly problems: readonly string[] }
  /** The run directory could not be created (nothing ran). */
  | { readonly kind: "no-run-dir"; readonly message: string }
  /** The backend failed before anything ran (its engine stopped answering). */
  | { readonly kind: "backend-failed"; readonly message: string };

/** How long an aborted run waits for its running attempts to stop before it ends all the same. */
export const ABORT_DEADLINE_MS = 15_000;

/** The analysis runDocument runs on (see RunRequest.analysis). */
export function analyzeDocument(file: string, strict: boolean): Promise<Analysis> {
  return analyzeFile(path.resolve(file), { strict });
}

/** Analyses, checks inputs and runs `request.file`. */
export async function runDocument(request: RunRequest): Promise<RunOutcome> {
  try {
    return await runDocumentInner(request);
  } finally {
    await request.backend.close().catch(() => undefined);
  }
}

async function runDocumentInner(request: RunRequest): Promise<RunOutcome> {
  const analysis = await (request.analysis ?? analyzeDocument(request.file, request.strict ?? false));
  if (!analysis.root || hasErrors(analysis.diagnostics)) return { kind: "invalid-document", analysis, diagnostics: analysis.diagnostics };
  const choice = chooseTarget(analysis.root, request.task);
  if (choice.kind === "error") return { kind: "no-target", message: choice.message };
  const target = choice.target;

  const warnings: string[] = [];
  let tree: InputTree;
  const rawInputs: Record<string, unknown> = { ...(request.inputs?.json ?? {}) };
  try {
    const sources: InputSource[] = [];
    if (request.inputs) sources.push(request.inputs);
    if (request.keyValues && request.keyValues.length > 0) {
      const kv = parseKeyValueArgs(request.keyValues, target.name);
      Object.assign(rawInputs, plainInputs(kv));
      sources.push({ json: kv, baseDir: process.cwd(), origin: "the command line" });
    }
    tree = buildInputTree(target, target.name, sources, {
      checkFilesExist: request.checkInputFiles ?? true,
      warn: (m) => warnings.push(m),
    });
  } catch (e) {
    if (e instanceof InputsError) return { kind: "invalid-inputs", problems: e.problems };
    throw e;
  }

  let capacity: Capacity;
  try {
    capacity = await request.backend.capacity();
  } catch (e) {
    return { kind: "backend-failed", message: describeError(e) };
  }
  const pool = new ResourcePool(capacity, {
    tryWithMax: request.tryWithMax ?? false,
    maxActive: request.concurrency ?? 0,
  });
  const unsatisfiable = preflight(target, tree, pool, request.backend);
  if (unsatisfiable.length > 0) return { kind: "unsatisfiable", problems: unsatisfiable };

  let runDir: RunDir;
  const out = request.out ?? "wdlrun-runs";
  try {
    runDir = await RunDir.create(out, target.name);
  } catch (e) {
    return { kind: "no-run-dir", message: `cannot create a run directory in ${out}: ${describeFsError(e)}` };
  }
  try {
    await runDir.writeInputs(rawInputs);
  } catch (e) {
    return { kind: "no-run-dir", message: `${describeError(e)}; nothing was run` };
  }
  const recorder = new RunRecorder({
    dir: runDir.dir,
    runId: runDir.runId,
    target: target.name,
    backend: request.backend.kind,
    document: path.resolve(request.file),
    graph: graphModel(target, sourcesOf(analysis.sources)),
    inputs: rawInputs,
  });
  recorder.start();
  request.onRunDir?.(runDir);
  try {
    return await runIn(request, runDir, recorder, target, tree, pool, warnings);
  } finally {
    request.onRunDir?.(undefined);
  }
}

/** Runs the target in its run directory and writes outputs.json or error.json. */
async function runIn(
  request: RunRequest,
  runDir: RunDir,
  recorder: RunRecorder,
  target: Callable,
  tree: InputTree,
  pool: ResourcePool,
  warnings: readonly string[],
): Promise<RunOutcome> {
  const started = Date.now();
  const cancellation = request.cancellation ?? new Cancellation();
  const control = new FailurePolicy(request.keepGoing ?? false, cancellation);
  const emit = (e: RunEvent) => {
    const line = describeEvent(e);
    if (line !== undefined) runDir.log(`${new Date().toISOString()} ${line}`);
    recorder.observe(e);
    request.observer?.(e);
  };
  // Once aborting, the run waits at most ABORT_DEADLINE_MS for its attempts to stop.
  let abortedAt: number | undefined;
  let deadlineTimer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    cancellation.onChange((stage) => {
      if (stage === "none") return;
      const again = stage === "aborting" && abortedAt !== undefined;
      if (stage === "aborting" && abortedAt === undefined) {
        abortedAt = Date.now();
        deadlineTimer = setTimeout(() => reject(new AbortDeadlineError()), ABORT_DEADLINE_MS);
      }
      const leftMs = abortedAt === undefined ? undefined : Math.max(0, abortedAt + ABORT_DEADLINE_MS - Date.now());
      emit({ kind: "cancel-requested", stage, running: pool.active, again, ...(leftMs !== undefined ? { leftMs } : {}) });
    });
  });
  deadline.catch(() => undefined);
  control.stopSignal.addEventListener(
    "abort",
    // Counted once the failing call has given its resources back (it stops the run just before).
    () =>
      setImmediate(() => {
        if (cancellation.stopping || pool.active === 0) return;
        emit({
          kind: "notice",
          message: `a call failed: no new tasks will start; waiting for ${pool.active} running task${pool.active === 1 ? "" : "s"} to finish (interrupt to abort them)`,
        });
      }),
    { once: true },
  );
  // As many made ready ahead as can run at once (one-CPU tasks): the next ones the pool grants.
  const ahead = new AheadPlaces(request.concurrency ? request.concurrency : pool.capacity.cpu);
  const rt: RunContext = { runDir, backend: request.backend, pool, cancellation, control, emit, ahead, ...(request.cache ? { cache: request.cache } : {}) };
  emit({ kind: "run-started", runDir: runDir.dir, target: target.name, backend: request.backend.kind });
  request.notices?.attach((message) => emit({ kind: "notice", message: message.replace(/^wdlrun: /, "") }));
  for (const w of warnings) emit({ kind: "notice", message: w });

  let outcome: RunOutcome;
  let outputsText: string | undefined;
  try {
    const outputs = await Promise.race([runTarget(rt, target, tree, request.workDir ?? process.cwd()), deadline]);
    const json: Record<string, unknown> = {};
    const marked: Record<string, unknown> = {};
    for (const [name, v] of outputs) {
      json[`${target.name}.${name}`] = valueToJson(v);
      marked[`${target.name}.${name}`] = valueToJson(v, { floats: "marked" });
    }
    outputsText = stringifyJson(marked, 2) + "\n";
    await runDir.writeOutputs(outputsText);
    outcome = { kind: "succeeded", outputs: json, outputsText, runDir: runDir.dir };
  } catch (e) {
    if (e instanceof AbortDeadlineError) {
      outcome = await recordEnd(runDir, emit, { kind: "interrupted", runDir: runDir.dir }, { error: `the run was interrupted; ${e.message}`, failures: [] });
    } else if (cancellation.stopping && (e instanceof StoppedError || control.failures.length === 0)) {
      outcome = await recordEnd(runDir, emit, { kind: "interrupted", runDir: runDir.dir }, { error: "the run was interrupted", failures: [] });
    } else {
      const report = errorReport(e, control.failures);
      outcome = await recordEnd(runDir, emit, { kind: "failed", report, runDir: runDir.dir, ...(outputsText !== undefined ? { outputsText } : {}) }, report);
    }
  } finally {
    clearTimeout(deadlineTimer);
  }
  if (request.cache) emit({ kind: "notice", message: cacheSummary(request.cache) });
  if (runDir.logProblem !== undefined) emit({ kind: "notice", message: `${runDir.logProblem}: the log is incomplete` });
  request.notices?.attach(undefined);
  for (const line of recorder.findings()) emit({ kind: "notice", message: line });
  await recorder.finish(outcome.kind === "succeeded" ? "succeeded" : outcome.kind === "interrupted" ? "interrupted" : "failed", {
    ...(outcome.kind === "succeeded" ? { outputs: outcome.outputs } : {}),
    ...(outcome.kind === "failed" ? { error: outcome.report } : {}),
  });
  emit({ kind: "run-finished", ok: outcome.kind === "succeeded", elapsedMs: Date.now() - started, interrupted: outcome.kind === "interrupted" });
  await runDir.close();
  return outcome;
}

function runTarget(rt: RunContext, target: Callable, tree: InputTree, workDir: string): Promise<Map<string, WdlValue>> {
  if (target.kind === "task")
    return runTask(rt, { task: target, qualifiedName: target.name, inputs: tree.values, overrides: tree, dirNames: [callDirName(target.name, [])] });
  return runWorkflow(rt, {
    workflow: target,
    qualifiedName: target.name,
    inputs: tree.values,
    tree,
    dirNames: [],
    workDir,
    writeDir: path.join(rt.runDir.dir, "workflow-files"),
  });
}

/** The run's attempts did not all stop within ABORT_DEADLINE_MS of the abort. */
class AbortDeadlineError extends Error {
  constructor() {
    super(
      `its running tasks did not all stop within ${ABORT_DEADLINE_MS / 1000} s (the engine may not be answering): ` +
        "the next run or wdlrun clean removes what is left",
    );
    this.name = "AbortDeadlineError";
  }
}

/**
 * Writes `report` as error.json and returns `outcome`; when error.json cannot
 * be written either (a full disk), says so as a notice and adds it to a failed
 * outcome's report.
 */
async function recordEnd(runDir: RunDir, emit: (e: RunEvent) => void, outcome: RunOutcome, report: ErrorReport): Promise<RunOutcome> {
  try {
    await runDir.writeError(report);
    return outcome;
  } catch (e) {
    const why = describeError(e);
    emit({ kind: "notice", message: why });
    return outcome.kind === "failed" ? { ...outcome, report: { ...outcome.report, error: `${outcome.report.error}\n${why}` } } : outcome;
  }
}

/** Builds `error.json` from what was thrown and the failures reported along the way. */
function errorReport(thrown: unknown, reported: readonly unknown[]): ErrorReport {
  const all: unknown[] = [...reported];
  if (thrown instanceof NodesFailedError) {
    for (const e of thrown.errors) if (!all.includes(e)) all.push(e);
  } else if (!(thrown instanceof StoppedError) && !all.includes(thrown)) all.push(thrown);
  const failures: CallFailure[] = [];
  const evaluation: EvaluationFailure[] = [];
  const messages: string[] = [];
  for (const e of all) {
    if (e instanceof StoppedError) continue;
    if (e instanceof CallFailedError) failures.push(e.failure);
    if (e instanceof WorkflowError) evaluation.push(e.failure);
    messages.push(describeError(e));
  }
  return { error: messages.join("\n") || describeError(thrown), failures, ...(evaluation.length > 0 ? { evaluation } : {}) };
}

/** The run's last word on the call cache: `call cache: 98 calls reused, 2 run (2 stored) in DIR`. */
function cacheSummary(cache: CallCache): string {
  const c = cache.counts;
  const plural = (n: number) => `${n} call${n === 1 ? "" : "s"}`;
  const off = c.off > 0 ? `, ${c.off} not cacheable` : "";
  return `call cache: ${plural(c.hits)} reused, ${c.misses} missed (${c.stored} stored)${off}; cache folder ${cache.store.dir}`;
}
