/**
 * CST→AST for a whole document: the version statement, imports, structs,
 * tasks and the workflow, plus diagnostics for what does not belong at the
 * top level (a second workflow, declarations outside any task, stray tokens).
 */
import type { CstNode, IToken } from "chevrotain";
import type { Document, EnumChoiceDef, EnumDef, ImportAlias, ImportDecl, StructDef, TaskDef, WdlVersion, WorkflowDef } from "../ast.js";
import { VERSION_SPELLINGS } from "../ast.js";
import { describeToken } from "../parse-errors.js";
import { Identifier, RESERVED_KEYWORDS } from "../tokens.js";
import { closeKeyword } from "../syntax-diagnostics.js";
import { BuildContext, Incomplete, firstToken, needNode, needToken, nodesOf, tokenOf, tokensOf } from "./context.js";
import { buildBody, elementKind, elementWords } from "./body.js";
import { buildType, ident, needExpression } from "./expressions.js";
import { FEATURES } from "./features.js";
import { tryBuild } from "./sections.js";
import { buildString } from "./strings-ast.js";


const topLevelExpected = "'import', 'struct', 'task' or 'workflow'";

/**
 * Builds the AST of a document from the CSTs of its top-level chunks, in
 * order (parse.ts parses each top-level element separately, so that no
 * chunk's CST outlives its conversion). The first chunk carries the version.
 */
export class DocumentBuilder {
  private version: { version: WdlVersion; text: string; span: ReturnType<BuildContext["span"]> } | undefined;
  private started = false;
  private readonly imports: ImportDecl[] = [];
  private readonly structs: StructDef[] = [];
  private readonly enums: EnumDef[] = [];
  private readonly tasks: TaskDef[] = [];
  private workflow: WorkflowDef | undefined;

  constructor(private readonly ctx: BuildContext) {}

  /** Converts one chunk's CST (a `document` rule match). */
  add(cst: CstNode): void {
    const ctx = this.ctx;
    if (!this.started) {
      this.started = true;
      this.version = readVersion(ctx, nodesOf(cst, "version")[0]);
      if (this.version) ctx.version = this.version.version;
    }
    if (this.version === undefined) return;
    for (const n of nodesOf(cst, "importStatement")) push(this.imports, tryBuild(() => buildImport(ctx, n)));
    for (const n of nodesOf(cst, "structDefinition")) push(this.structs, tryBuild(() => buildStruct(ctx, n)));
    for (const n of nodesOf(cst, "enumDefinition")) push(this.enums, tryBuild(() => buildEnum(ctx, n)));
    for (const n of nodesOf(cst, "taskDefinition")) push(this.tasks, tryBuild(() => buildTask(ctx, n)));
    for (const n of nodesOf(cst, "workflowDefinition")) {
      const w = tryBuild(() => buildWorkflow(ctx, n));
      if (w !== undefined) this.addWorkflow(w);
    }
    reportTopLevelLeftovers(ctx, cst);
  }

  private addWorkflow(w: WorkflowDef): void {
    const first = this.workflow;
    if (first === undefined) {
      this.workflow = w;
      return;
    }
    this.ctx.error(
      "second-workflow",
      `a document may contain only one workflow, but '${w.name.name}' is a second one`,
      w.name.span,
      "move this workflow into its own file and import it",
      [{ span: first.name.span, message: `the first workflow, '${first.name.name}', is here` }],
    );
  }

  /** The document, or undefined when its version is missing or unsupported (already reported). */
  finish(): Document | undefined {
    const ctx = this.ctx;
    if (!this.started) this.version = readVersion(ctx, undefined);
    const version = this.version;
    if (version === undefined) return undefined;
    return {
      kind: "Document",
      uri: ctx.uri,
      version: version.version,
      versionText: version.text,
      versionSpan: version.span,
      imports: this.imports,
      structs: this.structs,
      enums: this.enums,
      tasks: this.tasks,
      workflow: this.workflow,
      span: { uri: ctx.uri, start: { line: 1, column: 1, offset: 0 }, end: endPosition(ctx.source, ctx.source.length, version.span.end) },
    };
  }
}

function push<T>(list: T[], item: T | undefined): void {
  if (item !== undefined) list.push(item);
}

function endPosition(source: string, offset: number, fallback: { line: number; column: number; offset: number }) {
  if (offset === 0) return fallback;
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf("\n"); i !== -1 && i < offset; i = source.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1, offset };
}

function readVersion(
  ctx: BuildContext,
  node: CstNode | undefined,
): { version: WdlVersion; text: string; span: ReturnType<BuildContext["span"]> } | undefined {
  const kw = node ? tokenOf(node, "Version") : undefined;
  if (node === undefined || kw === undefined) {
    ctx.error(
      "missing-version",
      "the document does not start with a version statement",
      { uri: ctx.uri, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
      "add 'version 1.3' (or 1.0, 1.1, 1.2) as the first line; wdlrun does not read draft-2 documents",
    );
    return undefined;
  }
  // The version is the rest of the line after `version`, up to a comment.
  const lineEnd = ctx.source.indexOf("\n", kw.startOffset + kw.image.length);
  const rest = ctx.source.slice(kw.startOffset + kw.image.length, lineEnd === -1 ? undefined : lineEnd);
  const text = rest.replace(/#.*/, "").trim();
  const numberTok = tokenOf(node, "FloatLiteral") ?? tokenOf(node, "IntLiteral") ?? tokenOf(node, "Identifier");
  const span = ctx.span(kw, numberTok ?? kw);
  const version = VERSION_SPELLINGS[text];
  if (version === undefined) {
    ctx.error(
      "unsupported-version",
      text === "" ? "the version statement names no version" : `unsupported WDL version '${text}'`,
      span,
      "wdlrun reads WDL 1.0, 1.1, 1.2 and 1.3 ('version development' is read as 1.2)",
    );
    return undefined;
  }
  return { version, text, span };
}

function buildImport(ctx: BuildContext, node: CstNode): ImportDecl {
  const kw = needToken(node, "Import");
  const uriString = buildString(ctx, needNode(node, "string"));
  let uri = "";
  for (const p of uriString.parts) {
    if (p.kind === "Text") uri += p.text;
    else ctx.error("import-placeholder", "an import URI cannot contain placeholders", p.span);
  }
  const nsTok = tokenOf(node, "Identifier");
  const aliases = nodesOf(node, "importAlias").map((a): ImportAlias => {
    const [from, to] = tokensOf(a, "Identifier");
    if (from === undefined || to === undefined || to.isInsertedInRecovery) throw new Incomplete();
    return { kind: "ImportAlias", from: ident(ctx, from), to: ident(ctx, to), span: ctx.span(needToken(a, "Alias"), to) };
  });
  const namespace = nsTok ? ident(ctx, nsTok) : undefined;
  const end = aliases[aliases.length - 1]?.span ?? namespace?.span ?? uriString.span;
  return { kind: "Import", uri, uriSpan: uriString.span, namespace, aliases, span: ctx.span(kw, end) };
}

function buildStruct(ctx: BuildContext, node: CstNode): StructDef {
  const kw = needToken(node, "Struct");
  const name = ident(ctx, needToken(node, "Identifier"));
  const body = needNode(node, "body");
  const parts = buildBody(ctx, body, { kind: "struct", name: name.name });
  return {
    kind: "Struct",
    name,
    members: parts.declarations,
    meta: parts.meta,
    parameterMeta: parts.parameterMeta,
    span: ctx.span(kw, tokenOf(body, "RCurly") ?? name.span),
  };
}

function buildEnum(ctx: BuildContext, node: CstNode): EnumDef {
  const kw = needToken(node, "Enum");
  ctx.gate(FEATURES.enums, ctx.tokenSpan(kw));
  const name = ident(ctx, needToken(node, "Identifier"));
  const typeNode = nodesOf(node, "type")[0];
  const choices = nodesOf(node, "enumChoice").map((c): EnumChoiceDef => {
    const choiceName = ident(ctx, needToken(c, "Identifier"));
    const value = nodesOf(c, "expression").length > 0 ? needExpression(ctx, c) : undefined;
    return { kind: "EnumChoice", name: choiceName, value, span: value ? ctx.span(choiceName.span, value.span) : choiceName.span };
  });
  return { kind: "Enum", name, valueType: typeNode ? buildType(ctx, typeNode) : undefined, choices, span: ctx.span(kw, needToken(node, "RCurly")) };
}

function buildTask(ctx: BuildContext, node: CstNode): TaskDef {
  const kw = needToken(node, "Task");
  const name = ident(ctx, needToken(node, "Identifier"));
  const body = needNode(node, "body");
  const parts = buildBody(ctx, body, { kind: "task", name: name.name });
  const span = ctx.span(kw, tokenOf(body, "RCurly") ?? name.span);
  if (parts.command === undefined) {
    ctx.error("missing-command", `task '${name.name}' has no command section`, name.span, "add 'command <<< … >>>' (it may be empty)");
  }
  if (parts.runtime && (parts.requirements || parts.hints)) {
    ctx.error(
      "runtime-with-requirements",
      `task '${name.name}' has a runtime section and a ${parts.requirements ? "requirements" : "hints"} section; a task may use only one of runtime or requirements/hints`,
      parts.runtime.span,
      "move the runtime attributes into the requirements section (and hints section) and remove the runtime section",
    );
  }
  return {
    kind: "Task",
    name,
    inputs: parts.inputs,
    privateDeclarations: parts.declarations,
    command: parts.command,
    outputs: parts.outputs,
    requirements: parts.requirements,
    hints: parts.hints,
    runtime: parts.runtime,
    meta: parts.meta,
    parameterMeta: parts.parameterMeta,
    span,
  };
}

function buildWorkflow(ctx: BuildContext, node: CstNode): WorkflowDef {
  const kw = needToken(node, "Workflow");
  const name = ident(ctx, needToken(node, "Identifier"));
  const body = needNode(node, "body");
  const parts = buildBody(ctx, body, { kind: "workflow", name: name.name });
  return {
    kind: "Workflow",
    name,
    inputs: parts.inputs,
    body: parts.elements,
    outputs: parts.outputs,
    meta: parts.meta,
    parameterMeta: parts.parameterMeta,
    hints: parts.hints,
    span: ctx.span(kw, tokenOf(body, "RCurly") ?? name.span),
  };
}

/**
 * Reports what the parser found at the top level that is not an import,
 * struct, task or workflow. Only the first of several consecutive misplaced
 * things is reported, since the rest usually follows from it.
 */
function reportTopLevelLeftovers(ctx: BuildContext, cst: CstNode): void {
  type Item = { at: number; misplaced: CstNode | IToken | undefined };
  const items: Item[] = [];
  const keywords: Record<string, string> = {
    importStatement: "Import",
    structDefinition: "Struct",
    enumDefinition: "Enum",
    taskDefinition: "Task",
    workflowDefinition: "Workflow",
  };
  for (const [rule, keyword] of Object.entries(keywords)) {
    for (const n of nodesOf(cst, rule)) items.push({ at: tokenOf(n, keyword)?.startOffset ?? 0, misplaced: undefined });
  }
  if (cst.children.bodyElement === undefined && cst.children.RCurly === undefined) return;
  for (const n of nodesOf(cst, "bodyElement")) items.push({ at: firstToken(n)?.startOffset ?? 0, misplaced: n });
  for (const t of tokensOf(cst, "RCurly")) items.push({ at: t.startOffset, misplaced: t });
  items.sort((a, b) => a.at - b.at);
  let previousMisplaced = false;
  for (const item of items) {
    if (item.misplaced !== undefined && !previousMisplaced) reportMisplacedTopLevel(ctx, item.misplaced);
    previousMisplaced = item.misplaced !== undefined;
  }
}

function reportMisplacedTopLevel(ctx: BuildContext, thing: CstNode | IToken): void {
  if ("image" in thing) {
    ctx.error("unmatched-brace", `unexpected '}' at the top level of the document; it closes nothing`, ctx.tokenSpan(thing), "remove it");
    return;
  }
  const first = firstToken(thing);
  if (first === undefined) return;
  const kind = elementKind(thing);
  const lower = first.image.toLowerCase();
  if (first.image !== lower && RESERVED_KEYWORDS.has(lower) && ["import", "struct", "task", "workflow"].includes(lower)) {
    ctx.error(
      "syntax-error",
      `expected ${topLevelExpected} but found ${describeToken(first)}`,
      ctx.tokenSpan(first),
      `keywords are case-sensitive: did you mean '${lower}'?`,
    );
  } else if (kind === "stray") {
    const meant = first.tokenType === Identifier ? closeKeyword(first.image) : undefined;
    ctx.error("syntax-error", `expected ${topLevelExpected} but found ${describeToken(first)}`, ctx.tokenSpan(first), meant ? `did you mean '${meant}'?` : undefined);
  } else {
    ctx.error(
      "misplaced-element",
      `${elementWords[kind]} is not allowed at the top level of a document; expected ${topLevelExpected}`,
      ctx.tokenSpan(first),
      kind === "declaration" || kind === "call" ? "put it inside a task or workflow" : undefined,
    );
  }
}
