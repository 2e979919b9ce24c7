/**
 * The checked-document model: what analysis hands to evaluation and the
 * runtime so that they can run a document without analysing it again. These
 * are plain read-only data (plus two lookups per document); the AST nodes
 * they point at are the parser's own objects, so node identity is the key of
 * every side table (a CallStatement, a Declaration, an Expr).
 */
import type {
  CallInput,
  CallStatement,
  ConditionalStatement,
  Declaration,
  Document,
  Expr,
  NameRef,
  ScatterStatement,
  TaskDef,
  TypeExpr,
  WdlVersion,
  WorkflowDef,
} from "../syntax/ast.js";
import type { EnumType, StructType, WdlType } from "../types/types.js";

/** One input of a task or workflow, as the caller and the inputs JSON see it. */
export interface InputInfo {
  readonly name: string;
  /** The declared type (struct aliases applied). */
  readonly type: WdlType;
  readonly decl: Declaration;
  /** The declaration has a default expression (`Int x = 1`). */
  readonly hasDefault: boolean;
  /** Neither optional (`T?`) nor defaulted: a value must be supplied. */
  readonly required: boolean;
}

/** One output of a task or workflow. */
export interface OutputInfo {
  readonly name: string;
  readonly type: WdlType;
  readonly decl: Declaration;
}

/** What a task and a workflow have in common: something a `call` can target. */
interface CallableBase {
  readonly name: string;
  /** The document that defines it. */
  readonly document: CheckedDocument;
  /** Inputs in declaration order. */
  readonly inputs: readonly InputInfo[];
  readonly inputByName: ReadonlyMap<string, InputInfo>;
  /** Outputs in declaration order. */
  readonly outputs: readonly OutputInfo[];
  readonly outputByName: ReadonlyMap<string, OutputInfo>;
}

/** A checked task. */
export interface CheckedTask extends CallableBase {
  readonly kind: "task";
  readonly def: TaskDef;
  /**
   * Inputs and private declarations in an order in which each one's
   * expression only references declarations earlier in the list (the spec
   * lets task declarations appear in any order). Outputs are ordered
   * in `outputOrder`.
   */
  readonly declarationOrder: readonly Declaration[];
  /** Outputs in an order in which each one only references outputs earlier in the list (they may reference each other in any order). */
  readonly outputOrder: readonly Declaration[];
  /** For each input/private/output declaration, the task declarations its expression references. */
  readonly declarationDependencies: ReadonlyMap<Declaration, readonly Declaration[]>;
}

/** A checked workflow. */
export interface CheckedWorkflow extends CallableBase {
  readonly kind: "workflow";
  readonly def: WorkflowDef;
  /** Every call in the body (nested ones included), in source order. */
  readonly calls: readonly CheckedCall[];
  /** The dependency graph of the workflow's inputs, body elements and outputs. */
  readonly graph: WorkflowGraph;
  /** The workflow's `allow_nested_inputs` hint (1.2 `hints`, or 1.1 `meta`); false when absent. */
  readonly allowNestedInputs: boolean;
}

/** Something a call statement can target. */
export type Callable = CheckedTask | CheckedWorkflow;

/** A call statement resolved against its callee. */
export interface CheckedCall {
  readonly statement: CallStatement;
  /** The name the call's outputs are known by: the alias, else the callee's name. */
  readonly name: string;
  /** The resolved task or workflow (its `document` is the document defining it). */
  readonly callee: Callable;
  /** Declared types of the callee's inputs, by name. */
  readonly inputTypes: ReadonlyMap<string, WdlType>;
  /** The inputs the call statement supplies, by input name (1.1+ shorthand `{ x }` included, its `expr` undefined). */
  readonly suppliedInputs: ReadonlyMap<string, CallInput>;
  /**
   * The callee's inputs the call does not supply. Required ones among them
   * must come from the inputs JSON as `<workflow>.<call>.<input>`; analysis
   * reports an error for them unless nested inputs are allowed (see
   * `CheckedWorkflow.allowNestedInputs`).
   */
  readonly unsuppliedInputs: readonly InputInfo[];
  /** Types of the callee's outputs as seen right after the call (inside its own scatter/if). */
  readonly outputTypes: ReadonlyMap<string, WdlType>;
  /** The scatter or conditional directly around the call, if any. */
  readonly parent: ScatterStatement | ConditionalStatement | undefined;
}

/** A node of a workflow's dependency graph: an input, a body element (at any depth) or an output. */
export type GraphNode = Declaration | CallStatement | ScatterStatement | ConditionalStatement;

/**
 * The workflow dependency graph (spec "Evaluation of Workflow Elements",
 * Appendix B). Edges come from name references (a declaration, a call's
 * outputs, a scatter variable) and from `after` clauses.
 */
export interface WorkflowGraph {
  /** Every node: inputs, body elements depth-first in source order, outputs. */
  readonly nodes: readonly GraphNode[];
  /**
   * The nodes each node references directly (for a scatter or conditional:
   * only its own expression/condition; its body has its own nodes). A
   * reference to a name declared inside a scatter/if points at that nested
   * declaration or call.
   */
  readonly dependencies: ReadonlyMap<GraphNode, readonly GraphNode[]>;
  /** The scatter or conditional whose body directly contains a node; undefined for top-level nodes, inputs and outputs. */
  readonly parent: ReadonlyMap<GraphNode, ScatterStatement | ConditionalStatement | undefined>;
  /**
   * What must finish before a node may start *within its own body*: every
   * dependency lifted to the sibling that contains it (inputs, top-level
   * body and outputs are siblings of each other). For a scatter or
   * conditional this also includes what any node of its body needs from
   * outside it. References to enclosing bodies are dropped, since they are
   * satisfied before the enclosing scatter/if starts. A scatter's own
   * variable counts as satisfied.
   */
  readonly siblingDependencies: ReadonlyMap<GraphNode, readonly GraphNode[]>;
  /** Each body (the top level: `undefined`) in a topological order of its siblingDependencies. */
  readonly order: ReadonlyMap<ScatterStatement | ConditionalStatement | undefined, readonly GraphNode[]>;
}

/** What a bare name in an expression refers to. */
export type Binding =
  | { readonly kind: "declaration"; readonly decl: Declaration }
  | { readonly kind: "call"; readonly call: CheckedCall }
  | { readonly kind: "scatter-variable"; readonly scatter: ScatterStatement }
  /** The 1.2 hidden `task` variable, in a task's command and outputs. */
  | { readonly kind: "task-variable" };

/** A document after analysis; imports are checked documents too. */
export interface CheckedDocument {
  readonly uri: string;
  readonly document: Document;
  readonly version: WdlVersion;
  /** Import namespace → the imported document. */
  readonly namespaces: ReadonlyMap<string, CheckedDocument>;
  /** Struct types visible in this document: its own plus imported ones, under their (aliased) names. */
  readonly structs: ReadonlyMap<string, StructType>;
  /** Enum types visible in this document (1.3): its own plus imported ones, under their (aliased) names. */
  readonly enums: ReadonlyMap<string, EnumType>;
  /** Tasks defined in this document, by name. */
  readonly tasks: ReadonlyMap<string, CheckedTask>;
  /** The document's workflow, if any. */
  readonly workflow: CheckedWorkflow | undefined;
  /** Resolves a type as written in this document (unknown struct names resolve to `Any`). */
  resolveType(type: TypeExpr): WdlType;
  /** The declared type of a declaration of this document (struct members included). */
  declType(decl: Declaration): WdlType;
  /** The inferred type of an expression of this document (`Any` for expressions with errors or never visited). */
  typeOf(expr: Expr): WdlType;
  /** What a bare name refers to, for names that resolved. */
  bindingOf(ref: NameRef): Binding | undefined;
  /** The checked call for a call statement of this document's workflow. */
  callOf(statement: CallStatement): CheckedCall | undefined;
}
