/**
 * The typed, inert AST of a WDL document (1.0, 1.1, 1.2 and 1.3). It is the only
 * thing the parser hands to later layers: the Chevrotain CST never leaks past
 * the CST→AST conversion. Every node has a `span`; unions are keyed on `kind`.
 *
 * Conventions:
 * - Int literals are `bigint` (WDL Int is a signed 64-bit integer).
 * - String literal text parts hold the *decoded* text (escapes resolved,
 *   multi-line `<<< >>>` strings already normalized as the spec says).
 * - Command text parts hold the raw text exactly as written (no escape
 *   processing); common-indentation stripping happens at evaluation time.
 * - Optional sections are `undefined` when absent.
 */
import type { Span } from "../diagnostics/span.js";

/** WDL versions this front end understands (`version development` is read as 1.2). */
export type WdlVersion = "1.0" | "1.1" | "1.2" | "1.3";

/** The `version` statement's spellings this front end reads, and the version each means. */
export const VERSION_SPELLINGS: Readonly<Record<string, WdlVersion>> = { "1.0": "1.0", "1.1": "1.1", "1.2": "1.2", "1.3": "1.3", development: "1.2" };

const VERSION_ORDER: Readonly<Record<WdlVersion, number>> = { "1.0": 0, "1.1": 1, "1.2": 2, "1.3": 3 };

/** True when `version` is `since` or a later version. */
export function versionAtLeast(version: WdlVersion, since: WdlVersion): boolean {
  return VERSION_ORDER[version] >= VERSION_ORDER[since];
}

/** A name as written, with its location. */
export interface Identifier {
  readonly name: string;
  readonly span: Span;
}

// ───────────────────────────── document ─────────────────────────────

/** A whole `.wdl` file. */
export interface Document {
  readonly kind: "Document";
  /** Absolute path (or URL) the document was read from. */
  readonly uri: string;
  readonly version: WdlVersion;
  /** The version string exactly as written (e.g. "development", "1.2"). */
  readonly versionText: string;
  readonly versionSpan: Span;
  readonly imports: readonly ImportDecl[];
  readonly structs: readonly StructDef[];
  /** `enum` definitions (1.3). */
  readonly enums: readonly EnumDef[];
  readonly tasks: readonly TaskDef[];
  /** The document's workflow; a second workflow is a syntax diagnostic and is dropped. */
  readonly workflow: WorkflowDef | undefined;
  readonly span: Span;
}

/** `import "uri" [as ns] [alias A as B]*` */
export interface ImportDecl {
  readonly kind: "Import";
  /** The import URI as written (a string literal without placeholders). */
  readonly uri: string;
  readonly uriSpan: Span;
  /** The `as` namespace, when given; otherwise the file's base name without `.wdl` is used. */
  readonly namespace: Identifier | undefined;
  readonly aliases: readonly ImportAlias[];
  readonly span: Span;
}

/** `alias Original as New` inside an import. */
export interface ImportAlias {
  readonly kind: "ImportAlias";
  readonly from: Identifier;
  readonly to: Identifier;
  readonly span: Span;
}

/** `struct Name { members, meta?, parameter_meta? }` */
export interface StructDef {
  readonly kind: "Struct";
  readonly name: Identifier;
  /** Members are unbound declarations (`expr` is always undefined). */
  readonly members: readonly Declaration[];
  readonly meta: MetaSection | undefined;
  readonly parameterMeta: MetaSection | undefined;
  readonly span: Span;
}

/** `enum Name[ValueType]? { Choice = value, … }` (1.3): choices separated by commas or line breaks. */
export interface EnumDef {
  readonly kind: "Enum";
  readonly name: Identifier;
  /** The value type written in brackets; undefined when the values' common type is inferred. */
  readonly valueType: TypeExpr | undefined;
  readonly choices: readonly EnumChoiceDef[];
  readonly span: Span;
}

/** One choice of an enum: `Red` (its value is the String "Red") or `Red = "#FF0000"`. */
export interface EnumChoiceDef {
  readonly kind: "EnumChoice";
  readonly name: Identifier;
  readonly value: Expr | undefined;
  readonly span: Span;
}

// ───────────────────────────── types ─────────────────────────────

/** A type as written in the source; resolved to a WdlType by analysis. */
export type TypeExpr = PrimitiveTypeExpr | ArrayTypeExpr | MapTypeExpr | PairTypeExpr | ObjectTypeExpr | NamedTypeExpr;

/** The primitive type names. */
export type PrimitiveTypeName = "Boolean" | "Int" | "Float" | "String" | "File" | "Directory";

/** `Int`, `String?`, `Directory`, … */
export interface PrimitiveTypeExpr {
  readonly kind: "PrimitiveType";
  readonly name: PrimitiveTypeName;
  readonly optional: boolean;
  readonly span: Span;
}

/** `Array[T]`, `Array[T]+`, `Array[T]+?` */
export interface ArrayTypeExpr {
  readonly kind: "ArrayType";
  readonly item: TypeExpr;
  readonly nonEmpty: boolean;
  readonly optional: boolean;
  readonly span: Span;
}

/** `Map[K, V]` */
export interface MapTypeExpr {
  readonly kind: "MapType";
  readonly key: TypeExpr;
  readonly value: TypeExpr;
  readonly optional: boolean;
  readonly span: Span;
}

/** `Pair[L, R]` */
export interface PairTypeExpr {
  readonly kind: "PairType";
  readonly left: TypeExpr;
  readonly right: TypeExpr;
  readonly optional: boolean;
  readonly span: Span;
}

/** `Object` (deprecated). */
export interface ObjectTypeExpr {
  readonly kind: "ObjectType";
  readonly optional: boolean;
  readonly span: Span;
}

/** A struct type name (resolved by analysis). */
export interface NamedTypeExpr {
  readonly kind: "NamedType";
  readonly name: Identifier;
  readonly optional: boolean;
  readonly span: Span;
}

// ───────────────────────────── declarations ─────────────────────────────

/**
 * `[env] Type name [= expr]`. Unbound (no `expr`) in input sections and struct
 * members; bound everywhere else (private declarations, workflow body, outputs).
 */
export interface Declaration {
  readonly kind: "Declaration";
  readonly type: TypeExpr;
  readonly name: Identifier;
  readonly expr: Expr | undefined;
  /** `env` modifier (WDL 1.2): exported to the command's environment. */
  readonly env: boolean;
  readonly span: Span;
}

/** `input { … }` */
export interface InputSection {
  readonly kind: "InputSection";
  readonly declarations: readonly Declaration[];
  readonly span: Span;
}

/** `output { … }` (all declarations bound). */
export interface OutputSection {
  readonly kind: "OutputSection";
  readonly declarations: readonly Declaration[];
  readonly span: Span;
}

// ───────────────────────────── tasks ─────────────────────────────

/** `task name { … }` */
export interface TaskDef {
  readonly kind: "Task";
  readonly name: Identifier;
  readonly inputs: InputSection | undefined;
  /** Declarations outside input/output, in source order. */
  readonly privateDeclarations: readonly Declaration[];
  readonly command: CommandSection | undefined;
  readonly outputs: OutputSection | undefined;
  /** `requirements { }` (1.2). */
  readonly requirements: KeyValueSection | undefined;
  /** `hints { }` (1.2). */
  readonly hints: KeyValueSection | undefined;
  /** `runtime { }` (deprecated in 1.2). */
  readonly runtime: KeyValueSection | undefined;
  readonly meta: MetaSection | undefined;
  readonly parameterMeta: MetaSection | undefined;
  readonly span: Span;
}

/** `command { … }` or `command <<< … >>>`. */
export interface CommandSection {
  readonly kind: "CommandSection";
  readonly style: "heredoc" | "brace";
  /** Raw text and placeholders, in order. */
  readonly parts: readonly (TextPart | Placeholder)[];
  readonly span: Span;
}

/** Which section a KeyValueSection is. */
export type KeyValueSectionName = "requirements" | "hints" | "runtime";

/** `requirements`, `hints` or `runtime`: `key: expr` entries (keys may repeat only as an error). */
export interface KeyValueSection {
  readonly kind: "KeyValueSection";
  readonly section: KeyValueSectionName;
  readonly entries: readonly KeyValueEntry[];
  readonly span: Span;
}

/** One `key: expr` entry. */
export interface KeyValueEntry {
  readonly kind: "KeyValueEntry";
  readonly key: Identifier;
  readonly value: Expr;
  readonly span: Span;
}

/** `meta { }` or `parameter_meta { }`. */
export interface MetaSection {
  readonly kind: "MetaSection";
  readonly section: "meta" | "parameter_meta";
  readonly entries: readonly MetaEntry[];
  readonly span: Span;
}

/** One `key: meta_value` entry. */
export interface MetaEntry {
  readonly kind: "MetaEntry";
  readonly key: Identifier;
  readonly value: MetaValue;
  readonly span: Span;
}

/** Values allowed in meta sections: no expressions. */
export type MetaValue =
  | { readonly kind: "MetaNull"; readonly span: Span }
  | { readonly kind: "MetaBoolean"; readonly value: boolean; readonly span: Span }
  | { readonly kind: "MetaInt"; readonly value: bigint; readonly span: Span }
  | { readonly kind: "MetaFloat"; readonly value: number; readonly span: Span }
  | { readonly kind: "MetaString"; readonly value: string; readonly span: Span }
  | { readonly kind: "MetaArray"; readonly items: readonly MetaValue[]; readonly span: Span }
  | { readonly kind: "MetaObject"; readonly entries: readonly MetaEntry[]; readonly span: Span };

// ───────────────────────────── workflows ─────────────────────────────

/** `workflow name { … }` */
export interface WorkflowDef {
  readonly kind: "Workflow";
  readonly name: Identifier;
  readonly inputs: InputSection | undefined;
  /** Declarations, calls, scatters and conditionals, in source order. */
  readonly body: readonly WorkflowElement[];
  readonly outputs: OutputSection | undefined;
  readonly meta: MetaSection | undefined;
  readonly parameterMeta: MetaSection | undefined;
  /** `hints { }` (1.2), e.g. `allow_nested_inputs`. */
  readonly hints: KeyValueSection | undefined;
  readonly span: Span;
}

/** What may appear in a workflow body (and in scatter/if bodies). */
export type WorkflowElement = Declaration | CallStatement | ScatterStatement | ConditionalStatement;

/** `call ns.task [as alias] [after other]* [{ [input:] a = x, b }]` */
export interface CallStatement {
  readonly kind: "Call";
  /** The callee name parts: `["task"]` or `["ns", "task"]` (or deeper namespaces). */
  readonly target: readonly Identifier[];
  readonly alias: Identifier | undefined;
  readonly after: readonly Identifier[];
  readonly inputs: readonly CallInput[];
  /** Whether the `input:` keyword was written (optional from 1.2). */
  readonly inputKeyword: boolean;
  readonly span: Span;
}

/** `name = expr`, or the 1.1+ shorthand `name` (then `expr` is undefined and means a reference to `name`). */
export interface CallInput {
  readonly kind: "CallInput";
  readonly name: Identifier;
  readonly expr: Expr | undefined;
  readonly span: Span;
}

/** `scatter (x in expr) { body }` */
export interface ScatterStatement {
  readonly kind: "Scatter";
  readonly variable: Identifier;
  readonly expr: Expr;
  readonly body: readonly WorkflowElement[];
  readonly span: Span;
}

/**
 * `if (expr) { body }`. A 1.3 chain `if (a) {…} else if (b) {…} else {…}` is
 * one ConditionalStatement per clause, siblings in the enclosing body: the
 * later clauses name the conditions before them (`priorConditions`), all of
 * which must be false for the clause to run; a plain `else` has the condition
 * `true` (a literal spanning the `else` keyword).
 */
export interface ConditionalStatement {
  readonly kind: "Conditional";
  readonly condition: Expr;
  readonly body: readonly WorkflowElement[];
  readonly span: Span;
  /** Which clause of a chain this is; absent for a plain `if`. */
  readonly clause?: "else if" | "else";
  /** For an `else if` / `else` clause: the conditions of the clauses before it, in order. */
  readonly priorConditions?: readonly Expr[];
  /** For an `else if` / `else` clause: the clause right before it (its node in the workflow graph). */
  readonly previousClause?: ConditionalStatement;
}

// ───────────────────────────── expressions ─────────────────────────────

/** Every expression form. */
export type Expr =
  | NoneLiteral
  | BooleanLiteral
  | IntLiteral
  | FloatLiteral
  | StringLiteral
  | ArrayLiteral
  | MapLiteral
  | PairLiteral
  | ObjectLiteral
  | StructLiteral
  | HintsLiteral
  | NameRef
  | MemberAccess
  | IndexAccess
  | Apply
  | UnaryOp
  | BinaryOp
  | IfThenElse;

/** `None` */
export interface NoneLiteral {
  readonly kind: "None";
  readonly span: Span;
}

/** `true` / `false` */
export interface BooleanLiteral {
  readonly kind: "Boolean";
  readonly value: boolean;
  readonly span: Span;
}

/** An integer literal (decimal, hex `0x…` or octal `0…`). A literal outside the 64-bit range is a syntax diagnostic. */
export interface IntLiteral {
  readonly kind: "Int";
  readonly value: bigint;
  readonly span: Span;
}

/** A float literal. */
export interface FloatLiteral {
  readonly kind: "Float";
  readonly value: number;
  readonly span: Span;
}

/** `"…"`, `'…'` or the 1.2 multi-line `<<< … >>>`, possibly with placeholders. */
export interface StringLiteral {
  readonly kind: "String";
  readonly quote: '"' | "'" | "<<<";
  readonly parts: readonly (TextPart | Placeholder)[];
  readonly span: Span;
}

/** Literal text inside a string or command. */
export interface TextPart {
  readonly kind: "Text";
  readonly text: string;
  readonly span: Span;
}

/** `~{expr}` or `${expr}`, with options such as `sep=", "`. */
export interface Placeholder {
  readonly kind: "Placeholder";
  readonly syntax: "~{" | "${";
  readonly options: readonly PlaceholderOption[];
  readonly expr: Expr;
  readonly span: Span;
}

/** A placeholder option: `sep="…"`, `true="…"`, `false="…"`, `default="…"` (value is a literal expression). */
export interface PlaceholderOption {
  readonly kind: "PlaceholderOption";
  readonly name: "sep" | "true" | "false" | "default";
  readonly value: Expr;
  readonly span: Span;
}

/** `[a, b, c]` */
export interface ArrayLiteral {
  readonly kind: "ArrayLiteral";
  readonly items: readonly Expr[];
  readonly span: Span;
}

/** `{k: v, …}` */
export interface MapLiteral {
  readonly kind: "MapLiteral";
  readonly entries: readonly MapEntry[];
  readonly span: Span;
}

/** One `key: value` of a map literal. */
export interface MapEntry {
  readonly kind: "MapEntry";
  readonly key: Expr;
  readonly value: Expr;
  readonly span: Span;
}

/** `(left, right)` */
export interface PairLiteral {
  readonly kind: "PairLiteral";
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** One `name: value` member of an object or struct literal. */
export interface MemberInit {
  readonly kind: "MemberInit";
  readonly name: Identifier;
  readonly value: Expr;
  readonly span: Span;
}

/** `object { a: 1 }` (deprecated). */
export interface ObjectLiteral {
  readonly kind: "ObjectLiteral";
  readonly members: readonly MemberInit[];
  readonly span: Span;
}

/** `StructName { a: 1 }` (1.1+). */
export interface StructLiteral {
  readonly kind: "StructLiteral";
  readonly typeName: Identifier;
  readonly members: readonly MemberInit[];
  readonly span: Span;
}

/**
 * The 1.2 hints-scoped literals, allowed only as values in a `hints` section:
 * `hints { k: v }`, `input { person.name: hints { … } }`, `output { … }`.
 * Keys of `input`/`output` literals may be dotted paths, kept here as written.
 */
export interface HintsLiteral {
  readonly kind: "HintsLiteral";
  readonly scope: "hints" | "input" | "output";
  readonly entries: readonly HintsEntry[];
  readonly span: Span;
}

/** One entry of a hints-scoped literal; `key` is a dotted path such as `person.name`. */
export interface HintsEntry {
  readonly kind: "HintsEntry";
  readonly key: readonly Identifier[];
  readonly value: Expr;
  readonly span: Span;
}

/** A bare identifier in an expression. */
export interface NameRef {
  readonly kind: "NameRef";
  readonly name: string;
  readonly span: Span;
}

/** `target.member` — struct member, pair `left`/`right`, call output, or namespace access (resolved by analysis). */
export interface MemberAccess {
  readonly kind: "MemberAccess";
  readonly target: Expr;
  readonly member: Identifier;
  readonly span: Span;
}

/** `target[index]` */
export interface IndexAccess {
  readonly kind: "IndexAccess";
  readonly target: Expr;
  readonly index: Expr;
  readonly span: Span;
}

/** A standard-library function call `name(args…)`. */
export interface Apply {
  readonly kind: "Apply";
  readonly callee: Identifier;
  readonly args: readonly Expr[];
  readonly span: Span;
}

/** Unary operators. */
export type UnaryOperator = "!" | "-" | "+";

/** `!x`, `-x`, `+x` */
export interface UnaryOp {
  readonly kind: "UnaryOp";
  readonly op: UnaryOperator;
  readonly operand: Expr;
  readonly span: Span;
}

/** Binary operators (`**` is 1.2). */
export type BinaryOperator = "||" | "&&" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%" | "**";

/** `left op right` */
export interface BinaryOp {
  readonly kind: "BinaryOp";
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** `if c then a else b` */
export interface IfThenElse {
  readonly kind: "IfThenElse";
  readonly condition: Expr;
  readonly then: Expr;
  readonly else: Expr;
  readonly span: Span;
}
