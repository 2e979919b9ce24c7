/**
 * The workflow runner: runs one workflow (the target or a sub-workflow call)
 * over the dependency graph analysis computed. Each body (the top level, a
 * scatter element, a taken conditional) is a DagScheduler instance over the
 * body's nodes; calls run their task or sub-workflow; a scatter expands into
 * one child body per element, run concurrently, then gathered into Arrays;
 * a conditional runs its body or binds its names to None. Readiness drives
 * everything: a node starts as soon as the nodes it needs have finished.
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { CheckedCall, CheckedWorkflow, GraphNode } from "../analysis/index.js";
import type { EvalContext } from "../eval/context.js";
import { nodeFileIO } from "../eval/node-io.js";
import type { ConditionalStatement, Declaration, Expr, ScatterStatement } from "../syntax/ast.js";
import type { Span } from "../diagnostics/span.js";
import { coerce } from "../values/coerce.js";
import { NONE, type WdlValue } from "../values/value.js";
import { Env, EnvContext } from "./env.js";
import { CallFailedError, describeError, errorMessage, errorSpan, type EvaluationFailure } from "./errors.js";
import { evaluateDecl, evaluateExpr } from "./eval-bridge.js";
import { callValue, declaredNames, gatherConditional, gatherScatter } from "./gather.js";
import { declaredPaths, hasDeclaredPathRules, holdsPaths } from "./declared-paths.js";
import { takesDefault, type InputTree } from "./inputs.js";
import type { RunContext } from "./run-context.js";
import { callDirName, callIdOf } from "./run-dir.js";
import { BodyInstance, bodyPlan, type Body } from "./body-plan.js";
import { DagScheduler, NodesFailedError, StoppedError } from "./scheduler.js";
import { runTask } from "./task-runner.js";
import { absolutizePaths } from "./value-paths.js";
import { versionRules } from "../syntax/version-rules.js";
import type { WdlType } from "../types/types.js";

/** One run of a workflow. */
export interface WorkflowCall {
  readonly workflow: CheckedWorkflow;
  /** How messages name it: the target's name, or `wf.sub` for a sub-workflow call. */
  readonly qualifiedName: string;
  /** Input values given by the caller (the inputs JSON for the target), host paths. */
  readonly inputs: ReadonlyMap<string, WdlValue>;
  /** Nested inputs and overrides for the calls inside (from the inputs JSON). */
  readonly tree?: InputTree;
  /** Directory names from the run directory down to this workflow's call directory ([] for the target). */
  readonly dirNames: readonly string[];
  /** Directory relative paths in workflow expressions resolve against (and `write_*` files go under). */
  readonly workDir: string;
  /** Directory `write_*` files of workflow expressions go to. */
  readonly writeDir: string;
}

/** A scatter index around a node: which element, of how many. */
interface ScatterIndex {
  readonly index: number;
  readonly count: number;
}

/** Runs a workflow; resolves with its outputs by name. Rejects with NodesFailedError, CallFailedError or StoppedError. */
export async function runWorkflow(rt: RunContext, wc: WorkflowCall): Promise<Map<string, WdlValue>> {
  return new WorkflowRun(rt, wc).run();
}

class WorkflowRun {
  private readonly wf: CheckedWorkflow;
  private readonly inputDecls = new Set<Declaration>();
  private readonly outputDecls = new Set<Declaration>();
  private readonly outputs = new Map<string, WdlValue>();
  private readonly io;

  constructor(
    private readonly rt: RunContext,
    private readonly wc: WorkflowCall,
  ) {
    this.wf = wc.workflow;
    for (const i of this.wf.inputs) this.inputDecls.add(i.decl);
    for (const o of this.wf.outputs) this.outputDecls.add(o.decl);
    this.io = nodeFileIO({ baseDir: wc.workDir, writeDir: wc.writeDir });
  }

  async run(): Promise<Map<string, WdlValue>> {
    const env = new Env();
    const outputEnv = new Env(env);
    await this.runBody(undefined, env, outputEnv, [], undefined);
    if (this.wf.def.outputs === undefined && versionRules(this.wf.document.version).outputsWithoutSection === "all-call-outputs") return implicitOutputs(this.wf, env);
    const result = new Map<string, WdlValue>();
    for (const o of this.wf.outputs) result.set(o.name, this.outputs.get(o.name) ?? NONE);
    return result;
  }

  /** Runs one instance of a body in `env` (outputs of the top level go to `outputEnv`). */
  private runBody(body: Body, env: Env, outputEnv: Env | undefined, scatter: readonly ScatterIndex[], parent: BodyInstance | undefined): Promise<void> {
    const { plan, external, waitedOn } = bodyPlan(this.wf, body);
    const instance = new BodyInstance(body, parent, this.rt.control.stopSignal);
    const run = (node: GraphNode) => this.runNode(node, env, outputEnv, scatter, instance);
    const scheduler = new DagScheduler<GraphNode>(
      plan,
      (node) => {
        const deps = external.get(node);
        // A node that needs values from outside its body waits for exactly those.
        if (deps && !instance.ready(deps)) return instance.waitFor(deps).then(() => run(node));
        return run(node);
      },
      this.rt.control,
      waitedOn ? (node, ok) => instance.settle(node, ok) : undefined,
    );
    return scheduler.run();
  }

  private ctx(env: Env): EvalContext {
    return new EnvContext(this.wf.document, env, this.io);
  }

  private runNode(node: GraphNode, env: Env, outputEnv: Env | undefined, scatter: readonly ScatterIndex[], instance: BodyInstance): void | Promise<void> {
    switch (node.kind) {
      case "Declaration":
        return this.runDeclaration(node, env, outputEnv);
      case "Call":
        return this.runCall(node, env, scatter);
      case "Scatter":
        return this.runScatter(node, env, scatter, instance);
      case "Conditional":
        return this.runConditional(node, env, scatter, instance);
      default:
        return assertUnreachable(node);
    }
  }

  private runDeclaration(decl: Declaration, env: Env, outputEnv: Env | undefined): void | Promise<void> {
    const doc = this.wf.document;
    const name = decl.name.name;
    const type = doc.declType(decl);
    const failed = (e: unknown) => WorkflowError.from(`${this.wc.qualifiedName}.${name}`, e, decl.span);
    try {
      if (this.inputDecls.has(decl)) {
        const given = this.wc.inputs.get(name) ?? this.wc.tree?.values.get(name);
        if (given !== undefined) env.set(name, absolutizePaths(coerce(given, type), this.wc.workDir));
        else if (decl.expr) return this.bindDeclaredPaths(name, evaluateDecl(decl, type, this.ctx(env)), type, env, failed);
        else if (type.optional) env.set(name, NONE);
        else throw new Error(`no value was supplied for the required input ${name}`);
      } else if (this.outputDecls.has(decl) && outputEnv) {
        const v = this.evalDecl(decl, type, outputEnv);
        outputEnv.set(name, v);
        this.outputs.set(name, v);
      } else return this.bindDeclaredPaths(name, evaluateDecl(decl, type, this.ctx(env)), type, env, failed);
    } catch (e) {
      throw failed(e);
    }
  }

  /**
   * Binds `name` to `v`, the value of a declaration outside the outputs: from
   * 1.3 its File/Directory paths, at any depth, are the document's and must
   * exist (declared-paths.ts); before 1.3 they resolve against the work dir.
   */
  private bindDeclaredPaths(name: string, v: WdlValue, type: WdlType, env: Env, failed: (e: unknown) => Error): void | Promise<void> {
    const doc = this.wf.document;
    if (!hasDeclaredPathRules(doc.version)) return env.set(name, absolutizePaths(v, this.wc.workDir));
    if (!holdsPaths(v)) return env.set(name, v);
    return declaredPaths(v, type, doc.uri).then(
      (resolved) => env.set(name, resolved),
      (e: unknown) => {
        throw failed(e);
      },
    );
  }

  private evalDecl(decl: Declaration, type: WdlType, env: Env): WdlValue {
    return absolutizePaths(evaluateDecl(decl, type, this.ctx(env)), this.wc.workDir);
  }

  private async runCall(stmt: GraphNode & { kind: "Call" }, env: Env, scatter: readonly ScatterIndex[]): Promise<void> {
    const call = this.wf.document.callOf(stmt);
    if (!call)
      throw new WorkflowError(this.wc.qualifiedName, "internal error: unresolved call", stmt.span);
    const qualifiedName = `${this.wc.qualifiedName}.${call.name}`;
    const dirNames = [...this.wc.dirNames, callDirName(call.name, scatter)];
    const inputs = await this.callInputs(call, env, qualifiedName, dirNames);
    const child = this.wc.tree?.calls.get(call.name);
    let outputs: Map<string, WdlValue>;
    if (call.callee.kind === "task") {
      outputs = await runTask(this.rt, { task: call.callee, qualifiedName, inputs, ...(child ? { overrides: child } : {}), dirNames });
    } else {
      outputs = await runWorkflow(this.rt, {
        workflow: call.callee,
        qualifiedName,
        inputs,
        ...(child ? { tree: child } : {}),
        dirNames,
        workDir: this.wc.workDir,
        writeDir: this.wc.writeDir,
      });
    }
    env.set(call.name, callValue(outputs));
  }

  /**
   * The call's inputs: what the call statement supplies, then nested inputs
   * from the inputs JSON. A path the statement writes resolves like a
   * declaration's: from 1.3 against the document's directory, and must exist.
   */
  private async callInputs(call: CheckedCall, env: Env, qualifiedName: string, dirNames: readonly string[]): Promise<Map<string, WdlValue>> {
    const inputs = new Map<string, WdlValue>();
    const ctx = this.ctx(env);
    const doc = this.wf.document;
    for (const [name, ci] of call.suppliedInputs) {
      try {
        const v = ci.expr ? evaluateExpr(ci.expr, ctx) : env.get(name);
        if (v === undefined) throw new Error(`'${name}' is not defined here`);
        // Coerce here, so that a String given for a File input resolves against the workflow's directory.
        const type = call.inputTypes.get(name);
        // None for an input with a default: left out, so that the callee's default applies.
        if (type && takesDefault(v, type, call.callee.inputByName.get(name)?.hasDefault ?? false)) continue;
        if (type && hasDeclaredPathRules(doc.version)) {
          const coerced = coerce(v, type);
          inputs.set(name, holdsPaths(coerced) ? await declaredPaths(coerced, type, doc.uri) : coerced);
        } else inputs.set(name, absolutizePaths(type ? coerce(v, type) : v, this.wc.workDir));
      } catch (e) {
        throw new CallFailedError({
          callId: callIdOf(dirNames),
          call: qualifiedName,
          callee: call.callee.name,
          reason: `evaluating input ${name}: ${describeError(e)}`,
        });
      }
    }
    const nested = this.wc.tree?.calls.get(call.name)?.values;
    if (nested) for (const [name, v] of nested) if (!inputs.has(name)) inputs.set(name, v);
    return inputs;
  }

  private async runScatter(stmt: ScatterStatement, env: Env, scatter: readonly ScatterIndex[], instance: BodyInstance): Promise<void> {
    let collection: WdlValue;
    try {
      collection = evaluateExpr(stmt.expr, this.ctx(env));
    } catch (e) {
      throw WorkflowError.from(`${this.wc.qualifiedName}: scatter over ${stmt.variable.name}`, e, stmt.expr.span);
    }
    if (collection.kind !== "Array")
      throw new WorkflowError(`${this.wc.qualifiedName}: scatter over ${stmt.variable.name}`, `expected an Array, got ${collection.kind}`, stmt.expr.span);
    const count = collection.items.length;
    const elements: Env[] = new Array<Env>(count);
    const runs: Promise<void>[] = new Array<Promise<void>>(count);
    for (let i = 0; i < count; i++) {
      const child = new Env(env);
      child.set(stmt.variable.name, collection.items[i]!);
      elements[i] = child;
      runs[i] = this.runBody(stmt, child, undefined, [...scatter, { index: i, count }], instance);
    }
    await settleAll(runs);
    gatherScatter(declaredNames(stmt, this.wf.document), elements, env);
  }

  private async runConditional(stmt: ConditionalStatement, env: Env, scatter: readonly ScatterIndex[], instance: BodyInstance): Promise<void> {
    const taken = (stmt.priorConditions ?? []).every((c) => !this.conditionHolds(c, env)) && this.conditionHolds(stmt.condition, env);
    const names = declaredNames(stmt, this.wf.document);
    if (!taken) {
      gatherConditional(names, undefined, env);
      return;
    }
    const child = new Env(env);
    await this.runBody(stmt, child, undefined, scatter, instance);
    gatherConditional(names, child, env);
  }

  /** Evaluates the condition of an if (or of a clause before an `else if` / `else`, pure and re-read). */
  private conditionHolds(condition: Expr, env: Env): boolean {
    let cond: WdlValue;
    try {
      cond = evaluateExpr(condition, this.ctx(env));
    } catch (e) {
      throw WorkflowError.from(`${this.wc.qualifiedName}: if condition`, e, condition.span);
    }
    if (cond.kind !== "Boolean")
      throw new WorkflowError(`${this.wc.qualifiedName}: if condition`, `expected a Boolean, got ${cond.kind}`, condition.span);
    return cond.value;
  }
}

/**
 * The outputs of a workflow without an `output` section where its version
 * gives it every call's outputs (1.0): `call.output` for each call at any
 * depth, in source order, as gathered at the top level (an Array for a
 * scattered call, None for a call whose conditional did not run). A
 * sub-workflow call contributes the outputs it returned (`sub.inner.out`
 * when the sub-workflow has no output section either).
 */
function implicitOutputs(wf: CheckedWorkflow, env: Env): Map<string, WdlValue> {
  const result = new Map<string, WdlValue>();
  for (const call of wf.calls) {
    const v = env.get(call.name);
    if (v?.kind === "Object") for (const [name, x] of v.members) result.set(`${call.name}.${name}`, x);
  }
  return result;
}

/** A failure of workflow-level evaluation (a declaration, a scatter collection, a condition). */
export class WorkflowError extends Error {
  /** The failure as `error.json` lists it, located at the expression (or the statement) that failed. */
  readonly failure: EvaluationFailure;
  /** `node` failed for `reason` at `span`; the message shows `shown` (default: the reason) after the node. */
  constructor(node: string, reason: string, span: Span, shown = reason) {
    super(`${node}: ${shown}`);
    this.name = "WorkflowError";
    this.failure = { node, reason, file: span.uri, line: span.start.line, column: span.start.column };
  }

  /** `node` failed with the evaluation error `e`, located where `e` says, else at `fallback`. */
  static from(node: string, e: unknown, fallback: Span): WorkflowError {
    return new WorkflowError(node, errorMessage(e), errorSpan(e) ?? fallback, describeError(e));
  }
}

/** Waits for every promise; then rejects with all failures (NodesFailedError), StoppedError, or resolves. */
async function settleAll(runs: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(runs);
  const errors: unknown[] = [];
  let stopped = false;
  for (const r of results) {
    if (r.status === "fulfilled") continue;
    if (r.reason instanceof NodesFailedError) errors.push(...r.reason.errors);
    else if (r.reason instanceof StoppedError) stopped = true;
    else errors.push(r.reason);
  }
  if (errors.length > 0) throw new NodesFailedError(errors);
  if (stopped) throw new StoppedError();
}
