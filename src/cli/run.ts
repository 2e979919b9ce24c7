/**
 * `wdlrun run FILE [INPUTS.json] [key=value…]`: runs a workflow (or one
 * task) and prints its outputs JSON on stdout, and nothing else there;
 * progress and logs go to stderr.
 *
 * Exit codes (ExitCode in ./program.ts):
 *   0    the run succeeded; stdout holds the outputs JSON
 *   1    the run started and failed (a task failed, an expression failed, the
 *        engine stopped answering, the run directory could not take the
 *        outputs: they are on stdout all the same); `<run dir>/error.json`
 *        says which call, which attempt, exit code
 *   2    nothing ran: bad usage, invalid config, the chosen backend is
 *        unavailable (no engine answers), a document with errors, invalid
 *        inputs (unknown key, wrong type, missing file), no target, the run
 *        directory cannot be created, or a task asks for more
 *        cpu/memory/GPUs than the backend has
 *   130  interrupted (Ctrl-C)
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import type { Backend } from "../backends/backend.js";
import type { BackendChoice, WdlrunConfig } from "../config/index.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { BackendSetup } from "../runtime/backend-factory.js";
import { Cancellation } from "../runtime/cancellation.js";
import type { RunOutcome } from "../runtime/engine.js";
import { NoticeRelay } from "../runtime/events.js";
import { setAbandonHandler, setActiveCancellation } from "./interrupt.js";
import { addCommand, ExitCode } from "./program.js";
import { Progress, type ProgressSink } from "./progress.js";

/** Options of `wdlrun run` as commander parses them. */
export interface RunCommandOptions {
  readonly task?: string;
  readonly out?: string;
  readonly backend?: string;
  readonly config?: string;
  readonly keepGoing?: boolean;
  readonly strict?: boolean;
  /** `--cache` (true) / `--no-cache` (false); absent = the config's `cache.enabled`. */
  readonly cache?: boolean;
}

/** Where the command writes (the process's streams, or test doubles). */
export interface RunStreams {
  readonly stdout: { write(text: string): void };
  readonly stderr: ProgressSink;
}

const BACKENDS = ["auto", "local", "docker", "swarm"];

/** Runs `wdlrun run` and resolves with its exit code. */
export async function runCommand(file: string, args: readonly string[], opts: RunCommandOptions, streams: RunStreams): Promise<number> {
  // Loaded here, not at start-up (see ./program.ts).
  // The run's report is laid out beside the run (in ELK's thread, started when a layout is not in the layout cache).
  const [{ ConfigError, loadConfig }, { createBackend }, { analyzeDocument, runDocument }, { InputsError, parseInputsText }] = await Promise.all([
    import("../config/index.js"),
    import("../runtime/backend-factory.js"),
    import("../runtime/engine.js"),
    import("../runtime/inputs.js"),
  ]);
  const err = (line: string) => streams.stderr.write(line.endsWith("\n") ? line : line + "\n");
  if (opts.backend !== undefined && !BACKENDS.includes(opts.backend)) {
    err(`wdlrun: --backend must be one of ${BACKENDS.join(", ")}, not ${JSON.stringify(opts.backend)}`);
    return ExitCode.usage;
  }
  let config: WdlrunConfig;
  try {
    config = loadConfig({
      ...(opts.config !== undefined ? { configFile: opts.config } : {}),
      flags: {
        ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
        ...(opts.strict ? { strict: "true" } : {}),
        ...(opts.cache !== undefined ? { "cache.enabled": String(opts.cache) } : {}),
      },
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`wdlrun: invalid configuration:\n${e.problems.map((p) => `  ${p}`).join("\n")}`);
      return ExitCode.invalid;
    }
    throw e;
  }

  // Positional arguments: an optional inputs file first, then key=value pairs.
  let inputsFile: string | undefined;
  const keyValues: string[] = [];
  for (const [i, a] of args.entries()) {
    if (a.includes("=") && !(i === 0 && a.endsWith(".json"))) keyValues.push(a);
    else if (i === 0) inputsFile = a;
    else {
      err(`wdlrun: ${JSON.stringify(a)} is not an input of the form key=value (only the first argument after the document may be an inputs file)`);
      return ExitCode.usage;
    }
  }
  let inputs: { json: Record<string, unknown>; baseDir: string; origin: string } | undefined;
  if (inputsFile !== undefined) {
    let text: string;
    try {
      text = await readFile(inputsFile, "utf8");
    } catch (e) {
      err(`wdlrun: cannot read the inputs file ${inputsFile}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
      return ExitCode.invalid;
    }
    try {
      inputs = { json: parseInputsText(text, inputsFile), baseDir: path.dirname(path.resolve(inputsFile)), origin: inputsFile };
    } catch (e) {
      if (e instanceof InputsError) {
        err(`wdlrun: ${e.message}`);
        return ExitCode.invalid;
      }
      throw e;
    }
  }

  const progress = new Progress(streams.stderr);
  // A run that starts begins with the line naming its backend; notices from opening the backend
  // (leftovers swept, auto's fallback) wait for it. A run refused before it starts prints them alone.
  let early: string[] | undefined = [];
  const notices = new NoticeRelay((m) => (early ? early.push(m) : progress.print(m)));
  const flushEarly = (lead?: string) => {
    if (early === undefined) return;
    if (lead !== undefined) progress.print(lead);
    for (const m of early) progress.print(m);
    early = undefined;
  };
  // The document is checked while the engine opens (its round trips leave the CPU free meanwhile).
  const analysis = analyzeDocument(file, config.strict);
  analysis.catch(() => undefined); // awaited by the run below; a run refused before it starts leaves it unread
  let setup: BackendSetup;
  try {
    setup = await createBackend(config, notices.notice, opts.backend as BackendChoice | undefined);
  } catch (e) {
    // No engine answers (or the like): nothing ran.
    flushEarly();
    progress.stop();
    err(`wdlrun: ${e instanceof Error ? e.message : String(e)}`);
    return ExitCode.invalid;
  }
  const backend = setup.backend;
  const cancellation = new Cancellation();
  setActiveCancellation(cancellation);
  let outcome: RunOutcome;
  try {
    outcome = await runDocument({
      file,
      analysis,
      ...(inputs ? { inputs } : {}),
      keyValues,
      ...(opts.task !== undefined ? { task: opts.task } : {}),
      out: opts.out ?? config.outputDir,
      backend: setup.backend,
      keepGoing: opts.keepGoing ?? false,
      strict: config.strict,
      tryWithMax: setup.tryWithMax,
      concurrency: setup.concurrency,
      cancellation,
      observer: (e) => {
        if (e.kind === "run-started") flushEarly(backendLine(backend));
        progress.observe(e);
      },
      notices,
      ...(config.cache.enabled ? { cache: new (await import("../runtime/cache/call-cache.js")).CallCache(config.cache.dir) } : {}),
      // If the process is abandoned with the run still going (see main.ts), error.json says so.
      onRunDir: (dir) =>
        setAbandonHandler(
          dir &&
            (() =>
              dir.writeErrorNow({ error: "internal error: wdlrun stopped with the run still going (an operation never settled); see the log", failures: [] })),
        ),
    });
  } finally {
    setActiveCancellation(undefined);
    setAbandonHandler(undefined);
    flushEarly();
    progress.stop();
  }
  return report(outcome, streams, err);
}

function report(outcome: RunOutcome, streams: RunStreams, err: (line: string) => void): number {
  switch (outcome.kind) {
    case "succeeded":
      streams.stdout.write(outcome.outputsText);
      err(`wdlrun: run succeeded; run directory: ${outcome.runDir}`);
      return ExitCode.ok;
    case "failed":
      // Outputs computed but not recorded (a full disk): they still go to stdout.
      if (outcome.outputsText !== undefined) streams.stdout.write(outcome.outputsText);
      err(`wdlrun: run failed: ${outcome.report.error}`);
      err(`wdlrun: run directory: ${outcome.runDir} (details in error.json)`);
      return ExitCode.failure;
    case "interrupted":
      err(`wdlrun: run interrupted; run directory: ${outcome.runDir}`);
      return ExitCode.interrupted;
    case "invalid-document":
      for (const d of outcome.diagnostics) err(formatDiagnostic(d));
      err(`wdlrun: the document has errors; nothing was run`);
      return ExitCode.invalid;
    case "invalid-inputs":
      err(`wdlrun: invalid inputs; nothing was run:`);
      for (const p of outcome.problems) err(`  ${p}`);
      return ExitCode.invalid;
    case "no-target":
    case "no-run-dir":
    case "backend-failed":
      err(`wdlrun: ${outcome.message}`);
      return ExitCode.invalid;
    case "unsatisfiable":
      err(`wdlrun: the backend cannot run this; nothing was run:`);
      for (const p of outcome.problems) err(`  ${p}`);
      for (const hint of unsatisfiableHints(outcome.problems)) err(`  (${hint})`);
      return ExitCode.invalid;
    default:
      return assertUnreachable(outcome);
  }
}

/**
 * What to do about requests the backend can never satisfy: cpu and memory can
 * be lowered or clamped (try_with_max); GPUs are never clamped, they have to
 * exist (the config's list, `nvidia-smi`, or swarm generic resources), of
 * the model the task names.
 */
export function unsatisfiableHints(problems: readonly string[]): string[] {
  // The pool's GPU refusals say "needs N GPU(s)"; its others "requests …" (either may list nodes with GPUs, CPUs and memory).
  const isGpu = (p: string) => /\bneeds \d+ GPUs?\b/.test(p);
  const gpu = problems.some(isGpu);
  const other = problems.some((p) => !isGpu(p));
  const hints: string[] = [];
  if (other) hints.push(`lower the requirement, override it in the inputs as <call>.requirements.<key>, or set resources.limits = "try_with_max"`);
  if (gpu)
    hints.push(
      "GPUs are never clamped: list the host's GPUs with resources.gpus in the config (docker detects them with nvidia-smi), " +
        "give swarm nodes GPU generic resources, or lower the task's gpu count or name a model listed",
    );
  return hints;
}

/** A run's first line: the backend and the engine it drives (`wdlrun: backend docker, Docker Engine 20.10.24 at unix:///…`). */
export function backendLine(backend: Backend): string {
  return `wdlrun: backend ${backend.kind}, ${backend.engine ?? "tasks as processes on this machine"}`;
}

/** One diagnostic as `file:line:col: severity: message`. */
function formatDiagnostic(d: Diagnostic): string {
  const where = d.span ? `${d.span.uri}:${d.span.start.line}:${d.span.start.column}: ` : "";
  return `${where}${d.severity}: ${d.message}${d.help ? `\n  help: ${d.help}` : ""}`;
}

/** Registers `run` with the program. */
export function registerRun(program: Command, done: (code: number) => void): void {
  program
    .command("run", { isDefault: true })
    .description("run a workflow (or one task) and print its outputs as JSON on stdout")
    .argument("<file>", "the WDL document")
    .argument("[inputs...]", "an inputs JSON file, then key=value inputs (value parsed as JSON when it parses)")
    .option("--task <name>", "run this task of the document instead of its workflow")
    .option("--out <dir>", "folder for run directories (default ./wdlrun-runs)")
    .option("--backend <kind>", "auto, local, docker or swarm")
    .option("--config <file>", "read this TOML config file")
    .option("--keep-going", "after a failure, let independent branches finish")
    .option("--strict", "treat leniency warnings (what the spec forbids but other engines accept) as errors")
    .option("--cache", "reuse the results of calls whose task, inputs and image are unchanged (config cache.enabled)")
    .option("--no-cache", "run every call, even with cache.enabled in the config")
    .action(async (file: string, inputs: string[], opts: RunCommandOptions) => {
      done(await runCommand(file, inputs, opts, { stdout: process.stdout, stderr: process.stderr }));
    });
}

addCommand(registerRun);
