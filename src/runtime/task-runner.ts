/**
 * The task runner: runs one call of a task to completion. For each attempt
 * (each in its own `attempt-N/` directory) it evaluates the task's inputs
 * and private declarations, its requirements/hints/runtime attributes into
 * constraints, waits for resources in the pool, renders the command, runs
 * it on the backend, checks the exit code against `return_codes`, and
 * evaluates the outputs (File outputs mapped to host paths through
 * AttemptResult.toHost, see ./output-paths.ts). Failed commands are retried up to `max_retries`.
 */
import { open, realpath, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { CheckedTask } from "../analysis/index.js";
import { containerPath, hostPath, type AttemptResult, type ContainerPath, type GrantedResources, type HostPath, type InputSpec, type StartFacts, NodeLostError } from "../backends/backend.js";
import { ContainmentError, kindProblem, nodeType } from "../backends/layout.js";
import type { EvalContext, FileIO } from "../eval/context.js";
import { nodeFileIO } from "../eval/node-io.js";
import type { Declaration, KeyValueSection } from "../syntax/ast.js";
import { coerce } from "../values/coerce.js";
import { primitiveToString } from "../values/format.js";
import { stringifyJson } from "../values/json-text.js";
import { valueToJson } from "../values/json.js";
import { NONE, type WdlValue } from "../values/value.js";
import type { CallProbe } from "./cache/call-cache.js";
import { Env, EnvContext } from "./env.js";
import { CallFailedError, describeError, type CallFailure } from "./errors.js";
import { evaluateExpr, evaluateDecl, renderTaskCommand } from "./eval-bridge.js";
import type { InputTree } from "./inputs.js";
import { versionAtLeast } from "../stdlib/define.js";
import { isSuccessCode } from "./requirements/keys.js";
import { resolveConstraints, type TaskAttributes, type TaskConstraints } from "./requirements/constraints.js";
import { RequirementError } from "./requirements/read-value.js";
import { AcquireAbortedError, ResourceRefusedError, type Lease } from "./resource-pool.js";
import type { RunContext } from "./run-context.js";
import { OutputPaths } from "./output-paths.js";
import { attemptPaths, callIdOf, createAttemptDir, writeRunFile } from "./run-dir.js";
import { StoppedError } from "./scheduler.js";
import { requirementsTaskVariable, taskVariable, type PreviousAttempt } from "./task-variable.js";
import { taskHasRetryFacts, taskInRequirements } from "../analysis/task-variable.js";
import { collectPaths, mapPaths, MissingPathError, rewritePaths } from "./value-paths.js";
import { declaredPath, hasDeclaredPathRules } from "./declared-paths.js";

/** One call of a task. */
export interface TaskCall {
  readonly task: CheckedTask;
  /** How messages name the call: `wf.align`, or the task's name for a task run. */
  readonly qualifiedName: string;
  /** Input values the caller supplies (host paths), by input name. */
  readonly inputs: ReadonlyMap<string, WdlValue>;
  /** Requirement/hint overrides from the inputs JSON. */
  readonly overrides?: InputTree;
  /** Directory names from the run directory down to this call's directory. */
  readonly dirNames: readonly string[];
}

/** How one attempt ended. */
type AttemptOutcome =
  | { readonly kind: "succeeded"; readonly outputs: Map<string, WdlValue> }
  | {
      readonly kind: "failed";
      readonly failure: CallFailure;
      readonly retryable: boolean;
      readonly maxRetries: number;
      /** The attempt's evaluated requirements, for the next attempt's `task.previous` (1.3); absent when they were never evaluated. */
      readonly attempted?: PreviousAttempt;
    };

/** Runs a task call; resolves with its outputs by name, rejects with CallFailedError or StoppedError. */
export async function runTask(rt: RunContext, call: TaskCall): Promise<Map<string, WdlValue>> {
  const callId = callIdOf(call.dirNames);
  const callDir = rt.runDir.callDir(call.dirNames);
  rt.emit({ kind: "call-queued", callId });
  // Whether a command of this call has started (a call stopped while it waits for resources has not).
  let started = false;
  const onStart = () => (started = true);
  let previous: PreviousAttempt | undefined;
  for (let attempt = 1; ; attempt++) {
    if (rt.control.stopped) {
      rt.emit({ kind: "call-stopped", callId, started });
      throw new StoppedError();
    }
    let outcome: AttemptOutcome;
    try {
      outcome = await runAttempt(rt, call, callId, callDir, attempt, onStart, previous);
    } catch (e) {
      if (e instanceof StoppedError) rt.emit({ kind: "call-stopped", callId, started });
      else rt.emit({ kind: "call-failed", callId, message: describeError(e) });
      throw e;
    }
    if (outcome.kind === "succeeded") {
      rt.emit({ kind: "call-succeeded", callId });
      return outcome.outputs;
    }
    previous = outcome.attempted;
    const retry = outcome.retryable && attempt <= outcome.maxRetries && !rt.control.stopped;
    if (!retry) {
      rt.emit({ kind: "call-failed", callId, message: outcome.failure.reason });
      throw new CallFailedError(outcome.failure);
    }
    rt.emit({ kind: "notice", message: `${callId}: ${outcome.failure.reason}; retrying (attempt ${attempt + 1} of ${outcome.maxRetries + 1})` });
  }
}

async function runAttempt(
  rt: RunContext,
  call: TaskCall,
  callId: string,
  callDir: HostPath,
  attempt: number,
  onStart: () => void,
  previous: PreviousAttempt | undefined,
): Promise<AttemptOutcome> {
  const task = call.task;
  const doc = task.document;
  const paths = attemptPaths(callDir, attempt);
  const fail = (reason: string, extra: Partial<CallFailure> = {}, retryable = false, maxRetries = 0): Extract<AttemptOutcome, { kind: "failed" }> => ({
    kind: "failed",
    failure: { callId, call: call.qualifiedName, callee: task.name, reason, attempt, attemptDir: paths.dir, ...extra },
    retryable,
    maxRetries,
  });
  await createAttemptDir(paths);

  // Inputs as the caller gave them, coerced to their declared types.
  const supplied = new Map<string, WdlValue>();
  for (const [name, v] of call.inputs) {
    const info = task.inputByName.get(name);
    if (!info) return fail(`the task has no input named ${name}`);
    try {
      supplied.set(name, coerce(v, info.type));
    } catch (e) {
      return fail(`input ${name}: ${describeError(e)}`);
    }
  }
  // The command sees paths through the backend's layout, known once every
  // input and private declaration has its value (defaults may name files too).
  let mapPath: (p: string) => ContainerPath = containerPath;
  const commandPath = (p: string) => mapPath(p);
  const env = new Env();
  const ctx = evalContext(task, env, nodeFileIO({ baseDir: paths.workDir, writeDir: paths.writeDir, commandPath }));

  // Inputs without a value, and private declarations, in dependency order.
  const inputDecls = new Set(task.inputs.map((i) => i.decl));
  const inputFiles = new Map<string, { directory: boolean; name: string }>();
  for (const decl of task.declarationOrder) {
    let v: WdlValue;
    try {
      v = declValue(decl, inputDecls.has(decl), supplied, ctx, task);
    } catch (e) {
      return fail(`evaluating ${decl.name.name}: ${describeError(e)}`);
    }
    env.set(decl.name.name, v);
    for (const p of collectPaths(v))
      if (path.isAbsolute(p.path) && !p.path.startsWith(paths.writeDir + "/") && !inputFiles.has(p.path))
        inputFiles.set(p.path, { directory: p.directory, name: decl.name.name });
  }
  // Only regular files and directories cross into the task, checked after their links are resolved.
  const inputs: InputSpec[] = [];
  for (const [p, { directory, name }] of inputFiles) {
    const checked = await checkedInput(hostPath(p), directory);
    if (typeof checked === "string") return fail(`input ${name}: ${checked}`);
    inputs.push(checked);
  }
  const layout = rt.backend.layout(paths, [...inputs, { host: paths.writeDir, source: paths.writeDir, directory: true }]);
  mapPath = (p) => layout.toContainer(hostPath(p));

  // Requirements, hints and runtime attributes → constraints, evaluated for this attempt
  // (from 1.3 with `task` in scope: task.attempt, task.max_retries, task.previous).
  const requirementsTask = (maxRetries: number): void => {
    if (!taskInRequirements(doc.version)) return;
    const facts = { name: task.name, id: callId, attempt, meta: task.def.meta, parameterMeta: task.def.parameterMeta };
    env.set("task", requirementsTaskVariable({ ...facts, retry: { maxRetries, previous } }));
  };
  let constraints: TaskConstraints;
  let attributes: TaskAttributes;
  const overrides = call.overrides ? { requirements: call.overrides.requirements, hints: call.overrides.hints, runtime: call.overrides.runtime } : undefined;
  try {
    requirementsTask(taskInRequirements(doc.version) ? evaluateMaxRetries(task, ctx, call.overrides) : 0);
    attributes = evaluateAttributes(task, ctx);
    constraints = resolveConstraints(attributes, overrides);
  } catch (e) {
    return fail(e instanceof RequirementError ? `requirement ${e.message}` : describeError(e));
  }
  const retryFacts = taskHasRetryFacts(doc.version) ? { maxRetries: constraints.maxRetries, previous } : undefined;
  await writeFile(path.join(paths.dir, "requirements.json"), stringifyJson(requirementsRecord(constraints)) + "\n");
  if (constraints.fpgaCount > 0) return fail("requires an FPGA, which no wdlrun backend provides");

  // Render the command before waiting for resources (with the requested
  // resources in `task`); re-rendered only when the grant differs (GPU ids,
  // clamping), so a freed slot starts the next attempt at once.
  const container = rt.backend.kind === "local" ? undefined : constraints.containers[0];
  const disks = constraints.disks.map((d) => ({ mountPoint: containerPath(d.mountPoint), sizeBytes: d.sizeBytes }));
  const resourcesOf = (cpu: number, memoryBytes: number, gpuIds: readonly string[]): GrantedResources => ({
    cpu,
    memoryBytes,
    gpuIds,
    fpga: constraints.fpgaCount,
    disks,
    ...(constraints.maxCpu !== undefined ? { maxCpu: constraints.maxCpu } : {}),
    ...(constraints.maxMemoryBytes !== undefined ? { maxMemoryBytes: constraints.maxMemoryBytes } : {}),
  });
  const taskVar = (resources: GrantedResources, returnCode: number | undefined, image = container) =>
    taskVariable({ name: task.name, id: callId, container: image, resources, attempt, returnCode, meta: task.def.meta, parameterMeta: task.def.parameterMeta, ...(retryFacts ? { retry: retryFacts } : {}) });
  // The command is rendered with every path as the command sees it: a File
  // turned into a String (`"--ref " + ref`, `"~{f}"`) is then a container path too, and no
  // host path reaches the command; `write_*` there give container paths, `read_*` read the host file.
  const commandIO = ((): FileIO => {
    const io = nodeFileIO({
      baseDir: paths.workDir,
      writeDir: paths.writeDir,
      hostPath: (p) => layout.toHost(containerPath(p)) ?? p,
    });
    return { ...io, writeFile: (nameHint, content) => layout.toContainer(hostPath(io.writeFile(nameHint, content))) };
  })();
  const commandContext = (): EvalContext => {
    const seen = new Env();
    const toCommand = (p: string) => layout.toContainer(hostPath(p));
    for (const decl of task.declarationOrder) {
      const v = env.get(decl.name.name);
      if (v !== undefined) seen.set(decl.name.name, rewritePaths(v, toCommand));
    }
    const taskValue = env.get("task");
    if (taskValue !== undefined) seen.set("task", taskValue);
    return evalContext(task, seen, commandIO);
  };
  const prepare = async (resources: GrantedResources): Promise<string | undefined> => {
    if (versionAtLeast(doc.version, "1.2")) env.set("task", taskVar(resources, undefined));
    let command: string;
    try {
      command = task.def.command ? renderTaskCommand(task.def.command, commandContext()) : "";
    } catch (e) {
      return `rendering the command: ${describeError(e)}`;
    }
    await writeRunFile(paths.commandFile, command.endsWith("\n") || command === "" ? command : command + "\n");
    return undefined;
  };
  let resources = resourcesOf(constraints.cpu, constraints.memoryBytes, []);
  const renderProblem = await prepare(resources);
  if (renderProblem !== undefined) return fail(renderProblem);
  let envVars: Record<string, string>;
  try {
    envVars = environmentOf(task, env, ctx.io);
  } catch (e) {
    return fail(`exporting env declarations: ${describeError(e)}`);
  }

  // The call cache (when on): a hit ends the attempt here, with its outputs linked into the attempt directory.
  const probe: CallProbe | undefined = rt.cache
    ? await rt.cache.probe({
        task,
        call: call.qualifiedName,
        callId,
        paths,
        backend: rt.backend,
        containers: constraints.containers,
        attributes,
        ...(overrides ? { overrides } : {}),
        values: new Map(task.declarationOrder.map((d) => [d.name.name, env.get(d.name.name) ?? NONE])),
      })
    : undefined;
  if (probe?.kind === "hit") {
    rt.emit({ kind: "call-cached", callId, origin: probe.origin });
    return { kind: "succeeded", outputs: probe.outputs };
  }

  let lease: Lease;
  try {
    // The spec's defaults (1 cpu, 2 GiB) never make a task unrunnable on a smaller machine.
    const cap = rt.pool.capacity;
    const cpu = constraints.cpuDefaulted ? Math.min(constraints.cpu, cap.cpu) : constraints.cpu;
    const memoryBytes = constraints.memoryDefaulted ? Math.min(constraints.memoryBytes, cap.memoryBytes) : constraints.memoryBytes;
    lease = await rt.pool.acquire({ cpu, memoryBytes, gpuCount: constraints.gpuCount }, rt.control.stopSignal);
  } catch (e) {
    if (e instanceof AcquireAbortedError) throw new StoppedError();
    if (e instanceof ResourceRefusedError) return fail(`cannot run here: it ${e.message}`);
    throw e;
  }
  let result: AttemptResult | undefined;
  try {
    try {
      if (lease.clamped) rt.emit({ kind: "notice", message: `${callId}: resources clamped to the backend's capacity (try_with_max)` });
      // The grant differs from the request (clamped, GPU ids): the command is rendered again. The node the pool chose goes with it.
      const regranted = lease.clamped || lease.gpuIds.length > 0;
      resources = { ...(regranted ? resourcesOf(lease.cpu, lease.memoryBytes, lease.gpuIds) : resources), ...(lease.node ? { node: lease.node.id } : {}) };
      if (regranted) {
        const problem = await prepare(resources);
        if (problem !== undefined) return fail(problem);
      }
      if (rt.control.stopped) throw new StoppedError();
      // Reported when the backend says the container really started (an attempt that never starts is recorded as it ends).
      let reported = false;
      const reportStarted = () => {
        if (reported) return;
        reported = true;
        onStart();
        rt.emit({
          kind: "attempt-started",
          callId,
          attempt,
          dir: paths.dir,
          resources: { ...resources, cpuDefaulted: constraints.cpuDefaulted === true, memoryDefaulted: constraints.memoryDefaulted === true },
        });
      };
      // The backend picked the devices (swarm): `task.gpu` in the command names those.
      const started = async (facts: StartFacts): Promise<void> => {
        if (facts.gpuIds !== undefined && facts.gpuIds.join(",") !== resources.gpuIds.join(",")) {
          resources = { ...resources, gpuIds: facts.gpuIds };
          const problem = await prepare(resources);
          if (problem !== undefined) throw new Error(problem);
        }
        reportStarted();
      };
      result = await rt.backend.execute(
        {
          runId: rt.runDir.runId,
          callId,
          attempt,
          dir: paths.dir,
          workDir: paths.workDir,
          commandFile: paths.commandFile,
          stdoutFile: paths.stdoutFile,
          stderrFile: paths.stderrFile,
          layout,
          env: envVars,
          containers: constraints.containers,
          resources,
          onStart: started,
        },
        rt.cancellation.abortSignal,
      ).finally(reportStarted);
      // A failure for good stops new work before this call's resources go back to the pool.
      if (!isSuccessCode(constraints.returnCodes, result.exitCode) && attempt > constraints.maxRetries) rt.control.failing();
    } catch (e) {
      if (e instanceof StoppedError) throw e;
      if (e instanceof NodeLostError) {
        // Not the task's fault: nothing more goes to that node, and the attempt may be retried elsewhere.
        rt.pool.nodeDown(e.nodeId);
        if (attempt > constraints.maxRetries) rt.control.failing();
        rt.emit({ kind: "attempt-finished", callId, attempt });
        return fail(`${e.message}${attempt > 1 ? ` (attempt ${attempt})` : ""}`, {}, true, constraints.maxRetries);
      }
      rt.control.failing();
      rt.emit({ kind: "attempt-finished", callId, attempt });
      return fail(`the ${rt.backend.kind} backend could not run it: ${describeError(e)}`);
    } finally {
      // The command has ended: its cpu/memory/GPUs go back to the pool before outputs are read.
      lease.release();
    }
    const code = result.exitCode;
    rt.emit({ kind: "attempt-finished", callId, attempt, exitCode: code, ...(result.usage ? { usage: result.usage } : {}) });
    // Aborted by the second interrupt: the run stops; this is not the call's failure.
    if (rt.cancellation.abortSignal.aborted) throw new StoppedError();
    if (!isSuccessCode(constraints.returnCodes, code)) {
      const why = result.oomKilled
          ? `killed: out of memory (exit code ${code})`
          : `the command exited with code ${code}`;
      const failed = fail(
        `${why}${attempt > 1 ? ` (attempt ${attempt})` : ""}`,
        { exitCode: code, stderrTail: await tailLines(paths.stderrFile, 20) },
        true,
        constraints.maxRetries,
      );
      return { ...failed, attempted: { container: result.image ?? container, resources, maxRetries: constraints.maxRetries, returnCode: code } };
    }

    // Outputs, in source order, each able to see the earlier ones.
    // In outputs, `task.container` is the image that actually ran (the backend knows it).
    if (versionAtLeast(doc.version, "1.2")) env.set("task", taskVar(resources, code, result.image ?? container));
    const outPaths = new OutputPaths(layout, paths, result);
    const outCtx = evalContext(
      task,
      env,
      outPaths.fileIO({ baseDir: paths.workDir, writeDir: paths.writeDir, stdout: paths.stdoutFile, stderr: paths.stderrFile, commandPath }),
    );
    const outputs = new Map<string, WdlValue>();
    for (const out of task.outputs) {
      try {
        const evaluated = await outPaths.evaluate(() => evaluateDecl(out.decl, out.type, outCtx));
        const v = await mapPaths(evaluated, out.type, (p, kind) => outPaths.toHost(p, kind));
        env.set(out.name, v);
        outputs.set(out.name, v);
      } catch (e) {
        const why =
          e instanceof MissingPathError || e instanceof ContainmentError ? `output ${out.name}: ${e.message}` : `evaluating output ${out.name}: ${describeError(e)}`;
        return fail(why, { exitCode: code, stderrTail: await tailLines(paths.stderrFile, 20) });
      }
    }
    if (probe?.kind === "miss")
      await probe.store(outputs).catch((e: unknown) => rt.emit({ kind: "notice", message: `${callId}: the call cache could not store the result: ${describeError(e)}` }));
    return { kind: "succeeded", outputs };
  } finally {
    if (result) await result.release().catch(() => undefined);
  }
}

/** The value of one input or private declaration. */
function declValue(decl: Declaration, isInput: boolean, supplied: ReadonlyMap<string, WdlValue>, ctx: EvalContext, task: CheckedTask): WdlValue {
  const type = task.document.declType(decl);
  if (isInput) {
    const given = supplied.get(decl.name.name);
    if (given !== undefined) return given;
  }
  if (decl.expr) {
    const v = evaluateDecl(decl, type, ctx);
    return hasDeclaredPathRules(task.document.version) ? declaredPath(v, type, task.document.uri) : v;
  }
  if (type.optional) return NONE;
  throw new Error(`no value was supplied for the required input ${decl.name.name}`);
}

/** Evaluates the entries of a requirements/hints/runtime section. Hints that fail to evaluate are skipped (a hint never fails a task). */
/** The task's requirements, hints and runtime attributes as evaluated (`strict`: an attribute that fails to evaluate throws, else it is left out). */
function evaluateAttributes(task: CheckedTask, ctx: EvalContext, strict = true): TaskAttributes {
  return {
    requirements: evaluateSection(task.def.requirements, ctx, strict),
    hints: evaluateSection(task.def.hints, ctx, false),
    runtime: evaluateSection(task.def.runtime, ctx, strict),
  };
}

/** The task's attributes (with the inputs' overrides) as constraints. */
function evaluateConstraints(task: CheckedTask, ctx: EvalContext, overrides: InputTree | undefined, strict = true): TaskConstraints {
  return resolveConstraints(
    evaluateAttributes(task, ctx, strict),
    overrides ? { requirements: overrides.requirements, hints: overrides.hints, runtime: overrides.runtime } : undefined,
  );
}

/**
 * `task.max_retries` for the sections of a 1.3 task: the sections are read
 * once with `task.max_retries` at 0 and attributes that fail left out, and
 * the max_retries found is the one the attempt then sees (a `max_retries`
 * that depends on `task.max_retries` sees 0).
 */
function evaluateMaxRetries(task: CheckedTask, ctx: EvalContext, overrides: InputTree | undefined): number {
  try {
    return evaluateConstraints(task, ctx, overrides, false).maxRetries;
  } catch {
    return 0;
  }
}

/** What `attempt-N/requirements.json` records: the attempt's evaluated requirements. */
function requirementsRecord(c: TaskConstraints): Record<string, unknown> {
  return {
    container: c.containers[0] ?? null,
    cpu: c.cpu,
    memory: c.memoryBytes,
    gpu: c.gpuCount,
    disks: c.disks.map((d) => ({ mount_point: d.mountPoint, size: d.sizeBytes })),
    max_retries: c.maxRetries,
    return_codes: c.returnCodes.kind === "any" ? "*" : c.returnCodes.codes,
    ...(c.maxCpu !== undefined ? { max_cpu: c.maxCpu } : {}),
    ...(c.maxMemoryBytes !== undefined ? { max_memory: c.maxMemoryBytes } : {}),
  };
}

function evaluateSection(section: KeyValueSection | undefined, ctx: EvalContext, strict: boolean): Map<string, WdlValue> {
  const out = new Map<string, WdlValue>();
  for (const entry of section?.entries ?? []) {
    try {
      out.set(entry.key.name, evaluateExpr(entry.value, ctx));
    } catch (e) {
      if (strict) throw new RequirementError(entry.key.name, describeError(e));
    }
  }
  return out;
}

/** Environment variables from `env` declarations: primitives as text, compound values as JSON. */
function environmentOf(task: CheckedTask, env: Env, io: FileIO): Record<string, string> {
  const out: Record<string, string> = {};
  for (const decl of task.declarationOrder) {
    if (!decl.env) continue;
    const v = env.get(decl.name.name);
    if (v === undefined || v.kind === "None") continue;
    if (v.kind === "File" || v.kind === "Directory") out[decl.name.name] = io.commandPath(v.value, v.kind);
    else out[decl.name.name] = primitiveToString(v) ?? stringifyJson(valueToJson(v));
  }
  return out;
}

function evalContext(task: CheckedTask, env: Env, io: FileIO): EvalContext {
  return new EnvContext(task.document, env, io);
}

/**
 * An input as the layout takes it: its symlinks resolved (what is mounted is
 * what was checked) and its node a regular file for a File, a directory for a
 * Directory; else the reason (a socket, a FIFO, a device never reaches a
 * task). A path that does not exist is passed on as it is (the backend says
 * so if the command needs it).
 */
async function checkedInput(p: HostPath, directory: boolean): Promise<InputSpec | string> {
  let source: string;
  try {
    source = await realpath(p);
  } catch {
    return { host: p, source: p, directory };
  }
  const st = await stat(source);
  const problem = kindProblem(nodeType(st), directory ? "Directory" : "File");
  if (problem === undefined) return { host: p, source: hostPath(source), directory };
  return `${p}${source !== p ? ` (a link to ${source})` : ""} ${problem}: only regular files and directories cross into a task`;
}

/** The last `n` lines of a text file (reads at most its last 16 KiB). */
export async function tailLines(file: string, n: number): Promise<string[]> {
  try {
    const h = await open(file, "r");
    try {
      const { size } = await h.stat();
      const len = Math.min(size, 16 * 1024);
      const buf = Buffer.alloc(len);
      await h.read(buf, 0, len, size - len);
      const lines = buf.toString("utf8").split("\n");
      if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
      return lines.slice(-n);
    } finally {
      await h.close();
    }
  } catch {
    return [];
  }
}
