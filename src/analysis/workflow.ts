/**
 * Checks a workflow: names (unique across every nested scope, per the spec's
 * Appendix B), scopes (a scatter/if body sees its own names unwrapped and
 * exports them as `Array[T]`/`T?`), every expression, every call against its
 * callee, outputs, hints, and the dependency graph (with cycle detection).
 */
import type { Span } from "../diagnostics/span.js";
import type { CallStatement, ConditionalStatement, Declaration, ScatterStatement, WorkflowDef, WorkflowElement } from "../syntax/ast.js";
import { T, type WdlType } from "../types/types.js";
import { checkCallInputs, resolveCallee } from "./calls.js";
import type { DocumentContext } from "./context.js";
import { checkExpr, inferExpr, type ExprEnv, type Place } from "./expressions.js";
import { buildWorkflowGraph } from "./graph.js";
import * as msg from "./messages.js";
import type { Callable, CheckedCall, CheckedDocument, CheckedWorkflow, GraphNode } from "./model.js";
import { checkKeyValueSection } from "./requirements.js";
import { Scope, type ScopeEntry } from "./scope.js";
import { callableParts } from "./task.js";

type Container = ScatterStatement | ConditionalStatement;

/** Checks a workflow and builds its CheckedWorkflow. */
export function checkWorkflow(
  ctx: DocumentContext,
  wf: WorkflowDef,
  ownTasks: ReadonlyMap<string, Callable>,
  brokenNamespaces: ReadonlySet<string>,
  document: () => CheckedDocument,
): CheckedWorkflow {
  return new WorkflowChecker(ctx, wf, ownTasks, brokenNamespaces).run(document);
}

class WorkflowChecker {
  private readonly names = new Map<string, Span>();
  private readonly bodyScope = new Map<Container | undefined, Scope>();
  private readonly parent = new Map<GraphNode, Container | undefined>();
  private readonly nodes: GraphNode[] = [];
  private readonly deps = new Map<GraphNode, GraphNode[]>();
  private readonly callees = new Map<CallStatement, Callable | undefined>();
  private readonly callNames = new Map<string, CallStatement>();
  private readonly calls: CheckedCall[] = [];
  private readonly used = new Set<GraphNode>();
  private readonly allowNestedInputs: boolean;

  constructor(
    private readonly ctx: DocumentContext,
    private readonly wf: WorkflowDef,
    private readonly ownTasks: ReadonlyMap<string, Callable>,
    private readonly brokenNamespaces: ReadonlySet<string>,
  ) {
    this.allowNestedInputs = nestedInputsAllowed(wf);
  }

  run(document: () => CheckedDocument): CheckedWorkflow {
    const { ctx, wf } = this;
    const inputs = wf.inputs?.declarations ?? [];
    const outputs = wf.outputs?.declarations ?? [];
    // Pass 1: every name, at every depth, with its type as seen from each scope.
    const top = new Scope();
    this.bodyScope.set(undefined, top);
    for (const d of inputs) {
      this.node(d, undefined);
      this.declare(top, d);
    }
    this.declareBody(wf.body, undefined, top);
    const outScope = new Scope(top);
    const outputNames = new Map<string, Span>();
    for (const d of outputs) {
      this.node(d, undefined);
      const first = outputNames.get(d.name.name) ?? this.names.get(d.name.name);
      if (first) {
        ctx.report(msg.duplicateName(d.name.span, "output", d.name.name, first));
        continue;
      }
      outputNames.set(d.name.name, d.name.span);
      outScope.define({ name: d.name.name, type: ctx.declType(d), binding: { kind: "declaration", decl: d }, span: d.name.span, node: d });
    }
    // Pass 2: expressions, calls, dependencies.
    for (const d of inputs) if (d.expr) checkExpr(d.expr, this.env(top, d, "workflow"), ctx.declType(d));
    this.checkBody(wf.body, undefined);
    for (const d of outputs) {
      if (d.expr) checkExpr(d.expr, this.env(outScope, d, "workflow-output"), ctx.declType(d));
    }
    if (wf.hints) checkKeyValueSection(wf.hints, this.env(top, undefined, "workflow-hints"), "workflow");
    const metaNested = wf.meta?.entries.find((e) => e.key.name === "allowNestedInputs" || e.key.name === "allow_nested_inputs");
    if (metaNested && ctx.atLeast("1.2")) ctx.report(msg.deprecatedAlias(metaNested.key.span, `meta.${metaNested.key.name}`, "hints { allow_nested_inputs: … }"));
    for (const d of inputs) if (!this.used.has(d)) ctx.report(msg.unusedInput(d.name.span, d.name.name));
    if (wf.parameterMeta) {
      for (const e of wf.parameterMeta.entries) {
        if (!inputs.some((d) => d.name.name === e.key.name) && !outputNames.has(e.key.name)) ctx.report(msg.metaKeyUnknownParam(e.key.span, e.key.name));
      }
    }

    const { graph, cycles } = buildWorkflowGraph(this.nodes, this.deps, this.parent);
    for (const cycle of cycles) {
      const first = cycle[0]!;
      ctx.report(msg.dependencyCycle(nodeSpan(first), [...cycle, first].map(nodeName)));
    }
    return Object.assign(callableParts(ctx, "workflow", wf.name.name, wf, inputs, outputs, document), {
      calls: this.calls,
      graph,
      allowNestedInputs: this.allowNestedInputs,
    });
  }

  private node(n: GraphNode, parent: Container | undefined): void {
    this.nodes.push(n);
    this.parent.set(n, parent);
    this.deps.set(n, []);
  }

  /** Reserves a workflow-level name; reports a duplicate. */
  private claim(name: string, span: Span, what: string): boolean {
    const first = this.names.get(name);
    if (first) {
      this.ctx.report(msg.duplicateName(span, what, name, first));
      return false;
    }
    this.names.set(name, span);
    return true;
  }

  private declare(scope: Scope, d: Declaration): void {
    if (!this.claim(d.name.name, d.name.span, "declaration")) return;
    if (this.ctx.namespaces.has(d.name.name)) this.ctx.report(msg.shadowing(d.name.span, d.name.name, "an imported namespace"));
    if (this.ctx.structs.has(d.name.name)) this.ctx.report(msg.shadowing(d.name.span, d.name.name, "a struct type"));
    scope.define({ name: d.name.name, type: this.ctx.declType(d), binding: { kind: "declaration", decl: d }, span: d.name.span, node: d });
  }

  private declareBody(body: readonly WorkflowElement[], container: Container | undefined, scope: Scope): void {
    for (const el of body) {
      this.node(el, container);
      switch (el.kind) {
        case "Declaration":
          this.declare(scope, el);
          break;
        case "Call":
          this.declareCall(scope, el);
          break;
        case "Scatter":
        case "Conditional": {
          const inner = new Scope(scope);
          this.bodyScope.set(el, inner);
          this.declareBody(el.body, el, inner);
          const how = el.kind === "Scatter" ? "array" : "optional";
          for (const e of inner.ownEntries()) {
            if (e.binding?.kind === "scatter-variable") continue;
            const type = e.outputs || e.unknownOutputs ? e.type : this.ctx.wrap(e.type, how);
            scope.define(e.outputs ? { ...e, type, outputs: this.ctx.wrapAll(e.outputs, how) } : { ...e, type });
          }
          break;
        }
      }
    }
  }

  private declareCall(scope: Scope, call: CallStatement): void {
    const callee = resolveCallee(this.ctx, call, this.brokenNamespaces, this.ownTasks);
    this.callees.set(call, callee);
    const nameId = call.alias ?? call.target[call.target.length - 1]!;
    const name = nameId.name;
    if (name === this.wf.name.name) this.ctx.report(msg.callNamedLikeWorkflow(nameId.span, name));
    const claimed = this.claim(name, nameId.span, "call");
    if (claimed) this.callNames.set(name, call);
    if (!callee) {
      if (claimed) scope.define({ name, type: T.Any, binding: undefined, span: nameId.span, unknownOutputs: true, node: call });
      return;
    }
    // The binding's CheckedCall is completed in pass 2 (inputs, parent); the object stays the same.
    const checked = this.pendingCall(call, callee, name);
    if (!claimed) return;
    scope.define({ name, type: T.Any, binding: { kind: "call", call: checked }, span: nameId.span, outputs: checked.outputTypes, node: call });
  }

  private readonly pending = new Map<CallStatement, { -readonly [K in keyof CheckedCall]: CheckedCall[K] }>();

  private pendingCall(call: CallStatement, callee: Callable, name: string): CheckedCall {
    const types = this.ctx.typesOf(callee);
    const c = {
      statement: call,
      name,
      callee,
      inputTypes: types.inputs,
      suppliedInputs: new Map(),
      unsuppliedInputs: [],
      outputTypes: types.outputs,
      parent: undefined,
    };
    this.pending.set(call, c);
    return c;
  }

  private env(scope: Scope, owner: GraphNode | undefined, place: Place): ExprEnv {
    return {
      ctx: this.ctx,
      scope,
      place,
      onReference: (entry: ScopeEntry) => {
        if (!entry.node) return;
        this.used.add(entry.node);
        if (owner) this.deps.get(owner)!.push(entry.node);
      },
    };
  }

  private checkBody(body: readonly WorkflowElement[], container: Container | undefined): void {
    const scope = this.bodyScope.get(container)!;
    for (const el of body) {
      switch (el.kind) {
        case "Declaration":
          if (el.expr) checkExpr(el.expr, this.env(scope, el, "workflow"), this.ctx.declType(el));
          break;
        case "Call":
          this.checkCall(el, scope, container);
          break;
        case "Scatter": {
          const t = inferExpr(el.expr, this.env(scope, el, "workflow"));
          let item: WdlType = T.Any;
          if (t.kind === "Array" && !t.optional) item = t.item;
          else if (t.kind !== "Any") this.ctx.report(msg.scatterType(el.expr.span, t));
          const inner = this.bodyScope.get(el)!;
          const v = el.variable.name;
          const clash = inner.own(v) ?? scope.lookup(v);
          if (clash) this.ctx.report(msg.duplicateName(el.variable.span, "scatter variable", v, clash.span));
          else inner.define({ name: v, type: item, binding: { kind: "scatter-variable", scatter: el }, span: el.variable.span, node: el });
          this.checkBody(el.body, el);
          break;
        }
        case "Conditional": {
          const t = inferExpr(el.condition, this.env(scope, el, "workflow"));
          if (t.kind !== "Any" && (t.kind !== "Boolean" || t.optional)) this.ctx.report(msg.conditionType(el.condition.span, t));
          this.checkBody(el.body, el);
          break;
        }
      }
    }
  }

  private checkCall(call: CallStatement, scope: Scope, container: Container | undefined): void {
    const env = this.env(scope, call, "workflow");
    for (const a of call.after) {
      const target = this.callNames.get(a.name);
      if (!target) this.ctx.report(msg.unknownAfter(a.span, a.name));
      else this.deps.get(call)!.push(target);
    }
    const callee = this.callees.get(call);
    const lookup = (name: string): ScopeEntry | undefined => {
      const entry = scope.lookup(name);
      if (entry?.node) {
        this.used.add(entry.node);
        this.deps.get(call)!.push(entry.node);
      }
      return entry;
    };
    if (!callee) {
      // Still check the input expressions (names, functions) so nothing goes unreported.
      for (const i of call.inputs) {
        if (i.expr) inferExpr(i.expr, env);
        else lookup(i.name.name);
      }
      return;
    }
    const { supplied, unsupplied } = checkCallInputs(this.ctx, call, callee, env, lookup, this.allowNestedInputs);
    const c = this.pending.get(call)!;
    c.suppliedInputs = supplied;
    c.unsuppliedInputs = unsupplied;
    c.parent = container;
    this.ctx.calls.set(call, c);
    this.calls.push(c);
  }
}

/** The workflow's `allow_nested_inputs` hint (1.2) or `allowNestedInputs` meta entry (1.0/1.1, deprecated in 1.2). */
function nestedInputsAllowed(wf: WorkflowDef): boolean {
  const names = ["allow_nested_inputs", "allowNestedInputs"];
  const hint = wf.hints?.entries.find((e) => names.includes(e.key.name));
  if (hint) return hint.value.kind === "Boolean" && hint.value.value;
  const meta = wf.meta?.entries.find((e) => names.includes(e.key.name));
  return meta?.value.kind === "MetaBoolean" && meta.value.value;
}

function nodeName(n: GraphNode): string {
  switch (n.kind) {
    case "Declaration":
      return n.name.name;
    case "Call":
      return (n.alias ?? n.target[n.target.length - 1]!).name;
    case "Scatter":
      return `scatter (${n.variable.name})`;
    case "Conditional":
      return "if";
  }
}

function nodeSpan(n: GraphNode): Span {
  switch (n.kind) {
    case "Declaration":
      return n.name.span;
    case "Call":
      return (n.alias ?? n.target[n.target.length - 1]!).span;
    case "Scatter":
      return n.variable.span;
    case "Conditional":
      return n.condition.span;
  }
}
