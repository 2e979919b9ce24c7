/**
 * CST→AST for the bodies of structs, tasks, workflows, scatters and
 * conditionals. The parser accepts every element in every body; this module
 * says which element is not allowed where, which sections appear twice, and
 * which declarations must (or must not) have a value.
 */
import type { CstNode, IToken } from "chevrotain";
import type {
  CommandSection,
  ConditionalStatement,
  Declaration,
  Expr,
  InputSection,
  KeyValueSection,
  MetaSection,
  OutputSection,
  ScatterStatement,
  WorkflowElement,
} from "../ast.js";
import type { Span } from "../../diagnostics/span.js";
import { describeToken } from "../parse-errors.js";
import { BuildContext, firstToken, needNode, needToken, nodesOf, tokenOf } from "./context.js";
import { ident, needExpression } from "./expressions.js";
import { buildMetaSection } from "./meta.js";
import { buildCall, buildDeclaration, buildDeclarationBlock, buildKeyValueSection, tryBuild } from "./sections.js";
import { buildCommand } from "./strings-ast.js";
import { FEATURES } from "./features.js";
import { LENIENCIES } from "../leniencies.js";
import { versionRules } from "../version-rules.js";

/** What owns a body. */
export interface BodyOwner {
  readonly kind: "task" | "workflow" | "struct" | "scatter" | "if";
  /** The task/workflow/struct name, for messages. */
  readonly name?: string;
}

/** Everything found in one body, sorted by kind. */
export interface BodyParts {
  inputs?: InputSection;
  outputs?: OutputSection;
  command?: CommandSection;
  requirements?: KeyValueSection;
  hints?: KeyValueSection;
  runtime?: KeyValueSection;
  meta?: MetaSection;
  parameterMeta?: MetaSection;
  /** Declarations directly in the body (not in input/output sections), in order. */
  readonly declarations: Declaration[];
  /** Declarations, calls, scatters and conditionals, in order. */
  readonly elements: WorkflowElement[];
}

type SectionKey = "inputs" | "outputs" | "command" | "requirements" | "hints" | "runtime" | "meta" | "parameterMeta";
type ElementKind = SectionKey | "call" | "scatter" | "if" | "declaration" | "stray";

const ruleOf: Readonly<Record<Exclude<ElementKind, "stray">, string>> = {
  inputs: "inputSection",
  outputs: "outputSection",
  command: "commandSection",
  requirements: "requirementsSection",
  hints: "hintsSection",
  runtime: "runtimeSection",
  meta: "metaSection",
  parameterMeta: "parameterMetaSection",
  call: "callStatement",
  scatter: "scatterStatement",
  if: "conditionalStatement",
  declaration: "declaration",
};

/** How each element is named in messages. */
export const elementWords: Readonly<Record<Exclude<ElementKind, "stray">, string>> = {
  inputs: "an input section",
  outputs: "an output section",
  command: "a command section",
  requirements: "a requirements section",
  hints: "a hints section",
  runtime: "a runtime section",
  meta: "a meta section",
  parameterMeta: "a parameter_meta section",
  call: "a call",
  scatter: "a scatter",
  if: "an if block",
  declaration: "a declaration",
};

const sectionNames: Readonly<Record<SectionKey, string>> = {
  inputs: "input",
  outputs: "output",
  command: "command",
  requirements: "requirements",
  hints: "hints",
  runtime: "runtime",
  meta: "meta",
  parameterMeta: "parameter_meta",
};

const allowed: Readonly<Record<BodyOwner["kind"], ReadonlySet<ElementKind>>> = {
  task: new Set(["inputs", "outputs", "command", "requirements", "hints", "runtime", "meta", "parameterMeta", "declaration", "stray"]),
  workflow: new Set(["inputs", "outputs", "hints", "meta", "parameterMeta", "declaration", "call", "scatter", "if", "stray"]),
  struct: new Set(["meta", "parameterMeta", "declaration", "stray"]),
  scatter: new Set(["declaration", "call", "scatter", "if", "stray"]),
  if: new Set(["declaration", "call", "scatter", "if", "stray"]),
};

const expectedIn: Readonly<Record<BodyOwner["kind"], string>> = {
  task: "a declaration or a task section (input, command, output, requirements, hints, runtime, meta, parameter_meta)",
  workflow: "a declaration, call, scatter, if, or a workflow section (input, output, hints, meta, parameter_meta)",
  struct: "a member declaration such as 'String name'",
  scatter: "a declaration, call, scatter or if",
  if: "a declaration, call, scatter or if",
};

/** The kind of a `bodyElement` CST node. */
export function elementKind(element: CstNode): ElementKind {
  const c = element.children;
  for (let i = 0; i < ruleEntries.length; i++) {
    const [kind, rule] = ruleEntries[i]!;
    if (c[rule]) return kind;
  }
  return "stray";
}

/** ruleOf as a list, declarations (the most frequent elements) first. */
const ruleEntries = (Object.entries(ruleOf) as [Exclude<ElementKind, "stray">, string][]).sort(
  (a, b) => Number(b[0] === "declaration") - Number(a[0] === "declaration"),
);

/** "task 'foo'", "a scatter body", … */
export function describeOwner(owner: BodyOwner): string {
  switch (owner.kind) {
    case "task":
    case "workflow":
    case "struct":
      return `${owner.kind} '${owner.name ?? "?"}'`;
    case "scatter":
      return "a scatter body";
    case "if":
      return "an if body";
  }
}

/** Reports a run of stray tokens. */
export function reportStray(ctx: BuildContext, stray: CstNode, where: string, expected: string): void {
  const t = firstToken(stray);
  if (t === undefined) return;
  let help: string | undefined;
  if (t.image === "command") help = "a command section is written 'command <<< … >>>' or 'command { … }'";
  else if (t.image === "version") help = "the version statement must be the first statement of the document";
  else if (t.image === "=") help = "a declaration needs a type before its name, e.g. 'Int x = 1'";
  ctx.error("syntax-error", `expected ${expected} in ${where}, but found ${describeToken(t)}`, ctx.tokenSpan(t), help);
}

/** Collects the elements of one body, one `bodyElement` CST node at a time. */
export class BodyCollector {
  private readonly parts: BodyParts = { declarations: [], elements: [] };
  private readonly firstSeen = new Map<SectionKey, Span>();
  /** Declarations without a value directly in a task or workflow body: decided when the body ends (see unboundToInputs). */
  private readonly unbound: Declaration[] = [];

  constructor(
    private readonly ctx: BuildContext,
    /** Who owns the body. */
    readonly owner: BodyOwner,
  ) {}

  /** Converts one `bodyElement` node. */
  add(element: CstNode): void {
    const { ctx, owner } = this;
    const kind = elementKind(element);
    if (kind === "stray") {
      reportStray(ctx, needNode(element, "stray"), describeOwner(owner), expectedIn[owner.kind]);
      return;
    }
    const node = nodesOf(element, ruleOf[kind])[0];
    if (node === undefined) return;
    const start = kind === "declaration" && allowed[owner.kind].has(kind) ? undefined : startToken(kind, node);
    if (start === null) return;
    if (!allowed[owner.kind].has(kind)) {
      if (start !== undefined) reportMisplaced(ctx, kind, owner, start);
      return;
    }
    tryBuild(() => addElement(ctx, this.parts, kind, node, owner, start, this.firstSeen, this.unbound));
  }

  /** Everything collected. */
  finish(): BodyParts {
    const parts = this.parts;
    if (this.unbound.length) unboundToInputs(this.ctx, parts, this.unbound, this.owner.kind);
    if (this.owner.kind === "struct" && (parts.meta || parts.parameterMeta)) {
      this.ctx.gate(FEATURES.structMeta, (parts.meta ?? parts.parameterMeta)!.span);
    }
    return parts;
  }
}

/** Collects the elements of a `body` CST node owned by `owner`. */
export function buildBody(ctx: BuildContext, body: CstNode, owner: BodyOwner): BodyParts {
  const collector = new BodyCollector(ctx, owner);
  for (const element of nodesOf(body, "bodyElement")) collector.add(element);
  return collector.finish();
}

const keywordOf: Readonly<Partial<Record<ElementKind, string>>> = {
  inputs: "Input",
  outputs: "Output",
  requirements: "Requirements",
  hints: "Hints",
  runtime: "Runtime",
  meta: "Meta",
  parameterMeta: "ParameterMeta",
  call: "Call",
  scatter: "Scatter",
  if: "If",
};

/** The first token of an element (its keyword, looked up directly), or null when recovery left none. */
function startToken(kind: Exclude<ElementKind, "stray">, node: CstNode): IToken | null {
  const key = keywordOf[kind];
  const t = key !== undefined ? tokenOf(node, key) : kind === "command" ? (tokenOf(node, "CommandHeredocStart") ?? tokenOf(node, "CommandBraceStart")) : firstToken(node);
  return t ?? null;
}

function reportMisplaced(ctx: BuildContext, kind: Exclude<ElementKind, "stray">, owner: BodyOwner, start: IToken): void {
  let help: string | undefined;
  if (kind === "call" || kind === "scatter" || kind === "if") help = "calls, scatters and if blocks may only appear in a workflow";
  else if (kind === "inputs" || kind === "outputs") help = "input and output sections belong directly in a task or workflow body";
  else if (kind === "command" || kind === "requirements" || kind === "runtime") help = "this section belongs in a task";
  ctx.error("misplaced-element", `${elementWords[kind]} is not allowed in ${describeOwner(owner)}`, ctx.tokenSpan(start), help);
}

function addElement(
  ctx: BuildContext,
  parts: BodyParts,
  kind: Exclude<ElementKind, "stray">,
  node: CstNode,
  owner: BodyOwner,
  start: IToken | undefined,
  firstSeen: Map<SectionKey, Span>,
  unbound: Declaration[],
): void {
  switch (kind) {
    case "declaration": {
      const decl = buildDeclaration(ctx, node);
      if (decl.expr === undefined && (owner.kind === "task" || owner.kind === "workflow")) unbound.push(decl);
      else checkDeclaration(ctx, decl, owner.kind, false);
      parts.declarations.push(decl);
      parts.elements.push(decl);
      return;
    }
    case "call":
      parts.elements.push(buildCall(ctx, node));
      return;
    case "scatter":
      parts.elements.push(buildScatter(ctx, node));
      return;
    case "if":
      parts.elements.push(...buildConditionalChain(ctx, node));
      return;
    default:
      break;
  }
  if (start === undefined) return;
  const keywordSpan = ctx.tokenSpan(start);
  const first = firstSeen.get(kind);
  if (first) {
    ctx.error(
      "duplicate-section",
      `${describeOwner(owner)} has a second ${sectionNames[kind]} section`,
      keywordSpan,
      `merge the two ${sectionNames[kind]} sections into one`,
      [{ span: first, message: `the first ${sectionNames[kind]} section is here` }],
    );
    return;
  }
  firstSeen.set(kind, keywordSpan);
  switch (kind) {
    case "inputs":
    case "outputs": {
      const { declarations, span, strays } = buildDeclarationBlock(ctx, start, node);
      const section = kind === "inputs" ? "the input section" : "the output section";
      for (const s of strays) reportStray(ctx, s, section, "a declaration such as 'Int x'");
      for (const d of declarations) checkDeclaration(ctx, d, owner.kind, kind);
      if (kind === "inputs") parts.inputs = { kind: "InputSection", declarations, span };
      else parts.outputs = { kind: "OutputSection", declarations, span };
      return;
    }
    case "command":
      parts.command = buildCommand(ctx, node);
      return;
    case "requirements":
    case "hints":
    case "runtime":
      parts[kind] = buildKeyValueSection(ctx, node, kind);
      return;
    case "meta":
      parts.meta = buildMetaSection(ctx, node, "meta");
      return;
    case "parameterMeta":
      parts.parameterMeta = buildMetaSection(ctx, node, "parameter_meta");
      return;
  }
}

/**
 * Declarations without a value directly in a task or workflow body. Where the
 * version rules read them as inputs (1.0, 1.1: what widely used engines do
 * with this draft-2 habit) they move into the input section, with a leniency
 * warning: all of them when the body has no input section, else only the
 * optional ones (a required one next to an input section is an error there
 * too). Otherwise each is an error.
 */
function unboundToInputs(ctx: BuildContext, parts: BodyParts, unbound: readonly Declaration[], owner: BodyOwner["kind"]): void {
  const asInputs = versionRules(ctx.version).unboundDeclarationIsInput;
  const moved = new Set<Declaration>();
  for (const d of unbound) {
    if (!asInputs || (parts.inputs !== undefined && !d.type.optional)) {
      checkDeclaration(ctx, d, owner, false);
      continue;
    }
    moved.add(d);
    ctx.lenient(
      "unbound-declaration",
      `declaration '${d.name.name}' has no value and is outside the input section; it is read as an input`,
      d.span,
      LENIENCIES.unboundDeclaration,
    );
  }
  if (moved.size === 0) return;
  const keep = <T,>(list: T[]) => list.filter((e) => !moved.has(e as Declaration));
  parts.declarations.splice(0, parts.declarations.length, ...keep(parts.declarations));
  parts.elements.splice(0, parts.elements.length, ...keep(parts.elements));
  const declarations = [...(parts.inputs?.declarations ?? []), ...moved];
  parts.inputs = { kind: "InputSection", declarations, span: parts.inputs?.span ?? ctx.span(unbound[0]!.span, [...moved].pop()!.span) };
}

/** Checks where a declaration needs (or may not have) a value, and where `env` may be used. */
function checkDeclaration(ctx: BuildContext, d: Declaration, owner: BodyOwner["kind"], section: false | "inputs" | "outputs"): void {
  const name = d.name.name;
  if (d.env && !(owner === "task" && section !== "outputs")) {
    ctx.error("misplaced-env", "'env' may only be used on task inputs and private task declarations", d.span, "remove 'env'");
  }
  if (owner === "struct") {
    if (d.expr) ctx.error("struct-member-value", `struct member '${name}' cannot have a value`, d.expr.span, `write just '${typeText(ctx, d)} ${name}'`);
    return;
  }
  if (section === "inputs" || d.expr) return;
  if (section === "outputs") {
    ctx.error("unbound-output", `output '${name}' must have a value`, d.span, `write '${typeText(ctx, d)} ${name} = <expression>'`);
  } else {
    ctx.error(
      "unbound-declaration",
      `declaration '${name}' must have a value, because it is not in an input section`,
      d.span,
      "move it into the input section, or give it a value with '= <expression>'",
    );
  }
}

function typeText(ctx: BuildContext, d: Declaration): string {
  return ctx.source.slice(d.type.span.start.offset, d.type.span.end.offset);
}

function buildScatter(ctx: BuildContext, node: CstNode): ScatterStatement {
  const kw = needToken(node, "Scatter");
  const variable = ident(ctx, needToken(node, "Identifier"));
  const expr = needExpression(ctx, node);
  const body = needNode(node, "body");
  const parts = buildBody(ctx, body, { kind: "scatter" });
  return { kind: "Scatter", variable, expr, body: parts.elements, span: ctx.span(kw, tokenOf(body, "RCurly") ?? expr.span) };
}

function buildConditional(ctx: BuildContext, node: CstNode): ConditionalStatement {
  const kw = needToken(node, "If");
  const condition = needExpression(ctx, node);
  const body = needNode(node, "body");
  const parts = buildBody(ctx, body, { kind: "if" });
  return { kind: "Conditional", condition, body: parts.elements, span: ctx.span(kw, tokenOf(body, "RCurly") ?? condition.span) };
}

/** An `if` and its 1.3 `else if` / `else` clauses: one ConditionalStatement per clause (see ast.ts). */
function buildConditionalChain(ctx: BuildContext, node: CstNode): ConditionalStatement[] {
  const chain = [buildConditional(ctx, node)];
  let sawElse: IToken | undefined;
  for (const clause of nodesOf(node, "elseClause")) {
    const kw = needToken(clause, "Else");
    ctx.gate(FEATURES.elseClause, ctx.tokenSpan(kw));
    if (sawElse) {
      ctx.error("else-not-last", "an 'else' clause must be the last clause of an if statement", ctx.tokenSpan(kw), "move this clause before the 'else', or merge the two", [
        { span: ctx.tokenSpan(sawElse), message: "the 'else' clause is here" },
      ]);
      continue;
    }
    const isElseIf = tokenOf(clause, "If") !== undefined;
    if (!isElseIf) sawElse = kw;
    const condition: Expr = isElseIf ? needExpression(ctx, clause) : { kind: "Boolean", value: true, span: ctx.tokenSpan(kw) };
    const body = needNode(clause, "body");
    const parts = buildBody(ctx, body, { kind: "if" });
    const previous = chain[chain.length - 1]!;
    chain.push({
      kind: "Conditional",
      condition,
      body: parts.elements,
      span: ctx.span(kw, tokenOf(body, "RCurly") ?? condition.span),
      clause: isElseIf ? "else if" : "else",
      priorConditions: chain.map((c) => c.condition),
      previousClause: previous,
    });
  }
  return chain;
}

