/**
 * The task runner: runs one call of a task to completion, each attempt in
 * its own `attempt-N/` directory and in phases (runAttempt lists them):
 * bind the inputs and private declarations, evaluate the requirements/hints/
 * runtime attributes into constraints for this attempt (from 1.3 with
 * `task.previous`, ./requirements/evaluate.ts), render the command, probe the
 * call cache, wait for resources in the pool, run the command on the
 * backend, check the exit code against `return_codes`, and collect the
 * outputs (File outputs mapped to host paths through AttemptResult.toHost,
 * see ./output-paths.ts). Failed commands are retried up to `max_retries`.
 */
import { open } from "node:fs/promises";
import path from "node:path";
import type { CheckedTask } from "../analysis/index.js";
import { taskHasRetryFacts } from "../analysis/task-variable.js";
import {
  containerPath,
  hostPath,
  NodeLostError,
  type AttemptLayout,
  type AttemptRequest,
  type AttemptResult,
  type ContainerPath,
  type GrantedResources,
  type HostPath,
  type InputSpec,
  type PreparedAttempt,
  type StartFacts,
} from "../backends/backend.js";
import { ContainmentError } from "../backends/layout.js";
import type { EvalContext, FileIO } from "../eval/context.js";
import { nodeFileIO } from "../eval/node-io.js";
import { coerce } from "../values/coerce.js";
import { stringifyJson } from "../values/json-text.js";
import { NONE, type WdlValue } from "../values/value.js";
import type { CallProbe } from "./cache/call-cache.js";
import { Env } from "./env.js";
import { CallFailedError, describeError, type CallFailure } from "./errors.js";
import { evaluateDecl, renderTaskCommand } from "./eval-bridge.js";
import { checkedInput, declValue, environmentOf, evalContext } from "./task-declarations.js";
import { gangRefusal } from "./gangs.js";
import type { InputTree } from "./inputs.js";
import { versionAtLeast } from "../syntax/ast.js";
import { OutputPaths } from "./output-paths.js";
import type { TaskConstraints } from "./requirements/constraints.js";
import { evaluateRequirements, requirementsRecord, type AttemptRequirements } from "./requirements/evaluate.js";
import { isSuccessCode } from "./requirements/keys.js";
import { RequirementError } from "./requirements/read-value.js";
import { AcquireAbortedError, ResourceRefusedError, taskRequest, type Lease } from "./resource-pool.js";
import type { RunContext } from "./run-context.js";
import { prepareAhead } from "./prepare-ahead.js";
import { attemptPaths, callIdOf, createAttemptDir, writeRunFile, type AttemptPaths } from "./run-dir.js";
import { StoppedError } from "./scheduler.js";
import { taskVariable, type PreviousAttempt } from "./task-variable.js";
import { collectPaths, mapPaths, MissingPathError, rewritePaths } from "./value-paths.js";

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

/** What every phase of one attempt knows. */
interface Attempt {
  readonly rt: RunContext;
  readonly call: TaskCall;
  readonly task: CheckedTask;
  readonly callId: string;
  /** 1-based. */
  readonly attempt: number;
  readonly paths: AttemptPaths;
  /** The previous attempt's evaluated requirements (1.3 `task.previous`). */
  readonly previous: PreviousAttempt | undefined;
}

/** Ends an attempt early with its failure (thrown by a phase, caught by runAttempt). */
class AttemptFailure extends Error {
  constructor(readonly outcome: Extract<AttemptOutcome, { kind: "failed" }>) {
    super(outcome.failure.reason);
    this.name = "AttemptFailure";
  }
}

/** Fails attempt `a` for `reason` (retryable only for a failed command, with the retries it may still use). */
function fail(a: Attempt, reason: string, extra: Partial<CallFailure> = {}, retry?: { maxRetries: number; attempted: PreviousAttempt }): never {
  throw new AttemptFailure({
    kind: "failed",
    failure: { callId: a.callId, call: a.call.qualifiedName, callee: a.task.name, reason, attempt: a.attempt, attemptDir: a.paths.dir, ...extra },
    retryable: retry !== undefined,
    maxRetries: retry?.maxRetries ?? 0,
    ...(retry ? { attempted: retry.attempted } : {}),
  });
}

/** One attempt of a call, in its own `attempt-N/` directory: its phases in order. */
async function runAttempt(
  rt: RunContext,
  call: TaskCall,
  callId: string,
  callDir: HostPath,
  attempt: number,
  onStart: () => void,
  previous: PreviousAttempt | undefined,
): Promise<AttemptOutcome> {
  const a: Attempt = { rt, call, task: call.task, callId, attempt, paths: attemptPaths(callDir, attempt), previous };
  try {
    await createAttemptDir(a.paths);
    const bound = await bindDeclarations(a);
    const req = await evaluateAttemptRequirements(a, bound);
    const command = await renderCommand(a, bound, req);
    const probe = await probeCache(a, bound, req);
    if (probe?.kind === "hit") {
      rt.emit({ kind: "call-cached", callId, origin: probe.origin });
      return { kind: "succeeded", outputs: probe.outputs };
    }
    // Made ready (docker: its container created) while it waits for the pool; GPUs are the pool's to pick.
    const ahead = req.constraints.gpuCount === 0 ? prepareAhead(rt.backend, rt.ahead, attemptRequest(a, bound, req, command, command.requested)) : undefined;
    const lease = await admit(a, req).catch(async (e: unknown) => {
      await (await ahead?.settle())?.discard();
      throw e;
    });
    const ran = await execute(a, bound, req, command, lease, onStart, await ahead?.settle());
    try {
      await checkExitCode(a, req, command, ran);
      const outputs = await collectOutputs(a, bound, req, command, ran);
      if (probe?.kind === "miss")
        await probe.store(outputs).catch((e: unknown) => rt.emit({ kind: "notice", message: `${callId}: the call cache could not store the result: ${describeError(e)}` }));
      return { kind: "succeeded", outputs };
    } finally {
      await ran.result.release().catch(() => undefined);
    }
  } catch (e) {
    if (e instanceof AttemptFailure) return e.outcome;
    throw e;
  }
}

/** The attempt's declarations, bound: their values (host paths), and the backend's layout of the inputs they name. */
interface Bound {
  readonly env: Env;
  /** Evaluates in `env`, with paths as the command sees them once the layout is known. */
  readonly ctx: EvalContext;
  readonly layout: AttemptLayout;
  /** A host path as the command sees it. */
  readonly commandPath: (p: string) => ContainerPath;
}

/**
 * Phase 1: the inputs as the caller gave them (coerced to their declared
 * types), then the inputs without a value and the private declarations in
 * dependency order; then the layout of every file they name.
 */
async function bindDeclarations(a: Attempt): Promise<Bound> {
  const { task, paths } = a;
  const supplied = new Map<string, WdlValue>();
  for (const [name, v] of a.call.inputs) {
    const info = task.inputByName.get(name);
    if (!info) fail(a, `the task has no input named ${name}`);
    try {
      supplied.set(name, coerce(v, info.type));
    } catch (e) {
      fail(a, `input ${name}: ${describeError(e)}`);
    }
  }
  // The command sees paths through the backend's layout, known once every
  // input and private declaration has its value (defaults may name files too).
  let mapPath: (p: string) => ContainerPath = containerPath;
  const commandPath = (p: string) => mapPath(p);
  const env = new Env();
  const ctx = evalContext(task, env, nodeFileIO({ baseDir: paths.workDir, writeDir: paths.writeDir, commandPath }));
  const inputDecls = new Set(task.inputs.map((i) => i.decl));
  const inputFiles = new Map<string, { directory: boolean; name: string }>();
  for (const decl of task.declarationOrder) {
    let v: WdlValue;
    try {
      v = await declValue(decl, inputDecls.has(decl), supplied, ctx, task);
    } catch (e) {
      fail(a, `evaluating ${decl.name.name}: ${describeError(e)}`);
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
    if (typeof checked === "string") fail(a, `input ${name}: ${checked}`);
    inputs.push(checked);
  }
  const layout = a.rt.backend.layout(paths, [...inputs, { host: paths.writeDir, source: paths.writeDir, directory: true }]);
  mapPath = (p) => layout.toContainer(hostPath(p));
  return { env, ctx, layout, commandPath };
}

/**
 * Phase 2: requirements, hints and runtime attributes → constraints,
 * evaluated for this attempt (./requirements/evaluate.ts), recorded in
 * `requirements.json`; a request for an FPGA, or a gang on a backend that
 * cannot run one, ends the attempt here.
 */
async function evaluateAttemptRequirements(a: Attempt, bound: Bound): Promise<AttemptRequirements> {
  let req: AttemptRequirements;
  try {
    req = evaluateRequirements(a.task, bound.ctx, bound.env, a.call.overrides, a);
  } catch (e) {
    fail(a, e instanceof RequirementError ? `requirement ${e.message}` : describeError(e));
  }
  await writeRunFile(path.join(a.paths.dir, "requirements.json"), stringifyJson(requirementsRecord(req.constraints)) + "\n");
  if (req.constraints.fpgaCount > 0) fail(a, "requires an FPGA, which no wdlrun backend provides");
  const refusal = gangRefusal(a.rt.backend, req.constraints.nodes, req.constraints.gpuCount);
  if (refusal !== undefined) fail(a, refusal);
  return req;
}

/** The attempt's command, rendered for the resources it asks for. */
interface Command {
  /** The image the attempt asks for (undefined on the local backend). */
  readonly container: string | undefined;
  /** The resources the attempt asks for (its constraints). */
  readonly requested: GrantedResources;
  /** The `env` declarations' values, as the command's environment. */
  readonly envVars: Record<string, string>;
  /** Renders the command again, for the resources granted. */
  render(resources: GrantedResources): Promise<void>;
}

/**
 * Phase 3: renders the command before waiting for resources (with the
 * requested resources in `task`); it is rendered again only when the grant
 * differs (GPU ids, clamping), so a freed slot starts the attempt at once.
 * Every path is rendered as the command sees it: a File turned into a String
 * (`"--ref " + ref`, `"~{f}"`) is a container path too, and no host path
 * reaches the command; `write_*` there give container paths, `read_*` read
 * the host file.
 */
async function renderCommand(a: Attempt, bound: Bound, req: AttemptRequirements): Promise<Command> {
  const { task, paths } = a;
  const { env, layout } = bound;
  const container = a.rt.backend.kind === "local" ? undefined : req.constraints.containers[0];
  const io = nodeFileIO({ baseDir: paths.workDir, writeDir: paths.writeDir, hostPath: (p) => layout.toHost(containerPath(p)) ?? p });
  const commandIO: FileIO = { ...io, writeFile: (nameHint, content) => layout.toContainer(hostPath(io.writeFile(nameHint, content))) };
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
  const render = async (resources: GrantedResources): Promise<void> => {
    if (versionAtLeast(task.document.version, "1.2")) env.set("task", taskValue(a, req, resources, undefined, container));
    let text: string;
    try {
      text = task.def.command ? renderTaskCommand(task.def.command, commandContext()) : "";
    } catch (e) {
      fail(a, `rendering the command: ${describeError(e)}`);
    }
    await writeRunFile(paths.commandFile, text.endsWith("\n") || text === "" ? text : text + "\n");
  };
  const requested = grantedResources(req.constraints, req.constraints.cpu, req.constraints.memoryBytes, []);
  await render(requested);
  let envVars: Record<string, string>;
  try {
    envVars = environmentOf(task, env, bound.ctx.io);
  } catch (e) {
    fail(a, `exporting env declarations: ${describeError(e)}`);
  }
  return { container, requested, envVars, render };
}

/** The resources of `constraints` with cpu, memory and GPUs as granted. */
function grantedResources(constraints: TaskConstraints, cpu: number, memoryBytes: number, gpuIds: readonly string[]): GrantedResources {
  return {
    cpu,
    memoryBytes,
    gpuIds,
    fpga: constraints.fpgaCount,
    disks: constraints.disks.map((d) => ({ mountPoint: containerPath(d.mountPoint), sizeBytes: d.sizeBytes })),
    ...(constraints.maxCpu !== undefined ? { maxCpu: constraints.maxCpu } : {}),
    ...(constraints.maxMemoryBytes !== undefined ? { maxMemoryBytes: constraints.maxMemoryBytes } : {}),
    ...(constraints.shmSizeBytes !== undefined ? { shmSizeBytes: constraints.shmSizeBytes } : {}),
    ...(constraints.nodes > 1 ? { ranks: constraints.nodes } : {}),
  };
}

/** The `task` variable of the command (and, with the exit code and the image that ran, of the outputs). */
function taskValue(a: Attempt, req: AttemptRequirements, resources: GrantedResources, returnCode: number | undefined, image: string | undefined): WdlValue {
  const { task } = a;
  const retry = taskHasRetryFacts(task.document.version) ? { retry: { maxRetries: req.constraints.maxRetries, previous: a.previous } } : {};
  return taskVariable({ name: task.name, id: a.callId, container: image, resources, attempt: a.attempt, returnCode, meta: task.def.meta, parameterMeta: task.def.parameterMeta, ...retry });
}

/** Phase 4 (with the call cache on): a hit ends the attempt with its outputs linked into the attempt directory. */
async function probeCache(a: Attempt, bound: Bound, req: AttemptRequirements): Promise<CallProbe | undefined> {
  if (!a.rt.cache) return undefined;
  const { task } = a;
  return a.rt.cache.probe({
    task,
    call: a.call.qualifiedName,
    callId: a.callId,
    paths: a.paths,
    backend: a.rt.backend,
    containers: req.constraints.containers,
    attributes: req.attributes,
    ...(req.overrides ? { overrides: req.overrides } : {}),
    values: new Map(task.declarationOrder.map((d) => [d.name.name, bound.env.get(d.name.name) ?? NONE])),
  });
}

/** Phase 5: waits for this attempt's cpu, memory and GPUs (every rank's, for a gang) in the resource pool; a request it can never grant fails the attempt. */
async function admit(a: Attempt, req: AttemptRequirements): Promise<Lease> {
  const { constraints } = req;
  const { pool, control } = a.rt;
  try {
    return await pool.acquire(taskRequest(constraints, pool.capacity), control.stopSignal);
  } catch (e) {
    if (e instanceof AcquireAbortedError) throw new StoppedError();
    if (e instanceof ResourceRefusedError) fail(a, `cannot run here: it ${e.message}`);
    throw e;
  }
}

/** How the command ran. */
interface Ran {
  readonly result: AttemptResult;
  /** The resources it was given. */
  readonly resources: GrantedResources;
}

/**
 * Phase 6: runs the command on the backend with the resources of `lease`
 * (rendered again when the grant differs from the request), then gives them
 * back to the pool. The result's `release` is the caller's.
 */
async function execute(
  a: Attempt,
  bound: Bound,
  req: AttemptRequirements,
  command: Command,
  lease: Lease,
  onStart: () => void,
  prepared: PreparedAttempt | undefined,
): Promise<Ran> {
  const { rt, callId, attempt, paths } = a;
  const { constraints } = req;
  let resources = command.requested;
  let result: AttemptResult;
  try {
    if (lease.clamped) rt.emit({ kind: "notice", message: `${callId}: resources clamped to the backend's capacity (try_with_max)` });
    // The grant differs from the request (clamped, GPU ids): the command is rendered again. The node the pool chose goes with it.
    if (lease.clamped || lease.gpuIds.length > 0) {
      resources = grantedResources(constraints, lease.cpu, lease.memoryBytes, lease.gpuIds);
      await command.render(resources);
    }
    if (lease.node) resources = { ...resources, node: lease.node.id };
    if (lease.rankNodes) resources = { ...resources, rankNodes: lease.rankNodes.map((n) => n.id) };
    if (rt.control.stopped) throw new StoppedError();
    // Reported when the backend says the container really started (an attempt that never starts is recorded as it ends).
    let reported = false;
    const reportStarted = (): void => {
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
        await command.render(resources);
      }
      reportStarted();
    };
    result = await rt.backend
      .execute(
        { ...attemptRequest(a, bound, req, command, resources), onStart: started, ...(prepared ? { prepared } : {}) },
        rt.cancellation.abortSignal,
      )
      .finally(reportStarted);
    // A failure for good stops new work before this call's resources go back to the pool.
    if (!isSuccessCode(constraints.returnCodes, result.exitCode) && attempt > constraints.maxRetries) rt.control.failing();
  } catch (e) {
    if (e instanceof StoppedError || e instanceof AttemptFailure) throw e;
    if (e instanceof NodeLostError) nodeLost(a, req, command, resources, e);
    rt.control.failing();
    rt.emit({ kind: "attempt-finished", callId, attempt });
    fail(a, `the ${rt.backend.kind} backend could not run it: ${describeError(e)}`);
  } finally {
    // The command has ended: its cpu/memory/GPUs go back to the pool before outputs are read.
    lease.release();
    await prepared?.discard(); // when it was not used (stopped before the backend ran it); else nothing
  }
  rt.emit({ kind: "attempt-finished", callId, attempt, exitCode: result.exitCode, ...(result.usage ? { usage: result.usage } : {}) });
  return { result, resources };
}

/** The backend's request for attempt `a` with `resources` (the command as rendered, its files, the image candidates). */
function attemptRequest(a: Attempt, bound: Bound, req: AttemptRequirements, command: Command, resources: GrantedResources): AttemptRequest {
  const { paths } = a;
  return {
    runId: a.rt.runDir.runId,
    callId: a.callId,
    attempt: a.attempt,
    dir: paths.dir,
    workDir: paths.workDir,
    commandFile: paths.commandFile,
    stdoutFile: paths.stdoutFile,
    stderrFile: paths.stderrFile,
    layout: bound.layout,
    env: command.envVars,
    containers: req.constraints.containers,
    resources,
  };
}

/**
 * The node the attempt ran on went down: not the task's fault. Nothing more
 * goes to that node, and the attempt may be retried elsewhere.
 */
function nodeLost(a: Attempt, req: AttemptRequirements, command: Command, resources: GrantedResources, e: NodeLostError): never {
  const { rt, callId, attempt } = a;
  const { maxRetries } = req.constraints;
  rt.pool.nodeDown(e.nodeId);
  if (attempt > maxRetries) rt.control.failing();
  rt.emit({ kind: "attempt-finished", callId, attempt });
  fail(a, `${e.message}${attempt > 1 ? ` (attempt ${attempt})` : ""}`, {}, { maxRetries, attempted: { container: command.container, resources, maxRetries, returnCode: undefined } });
}

/**
 * Phase 7: an exit code `return_codes` does not allow fails the attempt
 * (retryable, with what it asked for as the next attempt's `task.previous`),
 * as does a gang's rank other than 0 that failed (and stopped the others);
 * the second interrupt stops the run instead (not the call's failure).
 */
async function checkExitCode(a: Attempt, req: AttemptRequirements, command: Command, ran: Ran): Promise<void> {
  if (a.rt.cancellation.abortSignal.aborted) throw new StoppedError();
  const code = ran.result.exitCode;
  const rank = ran.result.failedRank;
  if (rank === undefined && isSuccessCode(req.constraints.returnCodes, code)) return;
  const why = ran.result.oomKilled ? `killed: out of memory (exit code ${code})` : `the command exited with code ${code}`;
  const of = rank !== undefined ? `rank ${rank.rank} of ${rank.ranks} failed, the others were stopped: ` : "";
  const { maxRetries } = req.constraints;
  const stderrTail = await tailLines(rank?.stderrFile ?? a.paths.stderrFile, 20);
  fail(a, `${of}${why}${a.attempt > 1 ? ` (attempt ${a.attempt})` : ""}`, { exitCode: code, stderrTail }, {
    maxRetries,
    attempted: { container: ran.result.image ?? command.container, resources: ran.resources, maxRetries, returnCode: code },
  });
}

/**
 * Phase 8: the outputs, in source order, each able to see the earlier ones;
 * in outputs `task.container` is the image that actually ran (the backend
 * knows it), and File outputs are mapped to host paths (./output-paths.ts).
 */
async function collectOutputs(a: Attempt, bound: Bound, req: AttemptRequirements, command: Command, ran: Ran): Promise<Map<string, WdlValue>> {
  const { task, paths } = a;
  const { env } = bound;
  const code = ran.result.exitCode;
  if (versionAtLeast(task.document.version, "1.2")) env.set("task", taskValue(a, req, ran.resources, code, ran.result.image ?? command.container));
  const outPaths = new OutputPaths(bound.layout, paths, ran.result);
  const io = outPaths.fileIO({ baseDir: paths.workDir, writeDir: paths.writeDir, stdout: paths.stdoutFile, stderr: paths.stderrFile, commandPath: bound.commandPath });
  const outCtx = evalContext(task, env, io);
  const outputs = new Map<string, WdlValue>();
  for (const out of task.outputs) {
    try {
      const evaluated = await outPaths.evaluate(() => evaluateDecl(out.decl, out.type, outCtx));
      const v = await mapPaths(evaluated, out.type, (p, kind) => outPaths.toHost(p, kind));
      env.set(out.name, v);
      outputs.set(out.name, v);
    } catch (e) {
      const why = e instanceof MissingPathError || e instanceof ContainmentError ? `output ${out.name}: ${e.message}` : `evaluating output ${out.name}: ${describeError(e)}`;
      fail(a, why, { exitCode: code, stderrTail: await tailLines(paths.stderrFile, 20) });
    }
  }
  return outputs;
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
