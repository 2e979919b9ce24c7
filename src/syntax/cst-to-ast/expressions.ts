/**
 * CST→AST for expressions and types: the operator precedence table (spec
 * section "Operator Precedence Table") applied to the parser's flat operator
 * sequences, literals (64-bit Int range), postfix access, and every literal
 * form. Strings and placeholders live in ./strings-ast.ts.
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import type {
  BinaryOperator,
  Expr,
  HintsEntry,
  Identifier,
  MapEntry,
  MemberInit,
  TypeExpr,
  UnaryOperator,
} from "../ast.js";
import { joinSpans } from "../../diagnostics/span.js";
import { BuildContext, Incomplete, childList, firstToken, needNode, needToken, nodeOf, nodesOf, tokenOf, tokensOf } from "./context.js";
import { FEATURES } from "./features.js";
import { LENIENCIES } from "../leniencies.js";
import { RESERVED_FROM_12 } from "../version-rules.js";
import { buildString } from "./strings-ast.js";

/** Binding strength of each binary operator (higher binds tighter); all are left-associative. */
const precedence: Readonly<Record<BinaryOperator, number>> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
  "**": 7,
};

const INT_MAX = (1n << 63n) - 1n;
const INT_MIN_MAGNITUDE = 1n << 63n;

/** An identifier from a token. */
export function ident(ctx: BuildContext, t: IToken): Identifier {
  return { name: t.image, span: ctx.tokenSpan(t) };
}

/** Builds an `expression` CST node. */
export function buildExpression(ctx: BuildContext, node: CstNode): Expr {
  const ops = tokensOf(node, "BinaryOperator");
  if (ops.length === 0) return buildOperand(ctx, node);
  const operandNodes = splitOperands(node, ops);
  const first = buildOperand(ctx, operandNodes[0]!);
  // Shunting-yard over the flat sequence: operands and pending operators.
  const operands: Expr[] = [first];
  const pending: IToken[] = [];
  const reduce = (): void => {
    const op = pending.pop()!;
    const right = operands.pop()!;
    const left = operands.pop()!;
    operands.push({ kind: "BinaryOp", op: op.image as BinaryOperator, left, right, span: joinSpans(left.span, right.span) });
  };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.image === "**") ctx.gate(FEATURES.exponentiation, ctx.tokenSpan(op));
    const p = precedence[op.image as BinaryOperator];
    while (pending.length > 0 && precedence[pending[pending.length - 1]!.image as BinaryOperator] >= p) reduce();
    pending.push(op);
    operands.push(buildOperand(ctx, operandNodes[i + 1]!));
  }
  while (pending.length > 0) reduce();
  return operands[0]!;
}

/** The key of the token that starts each kind of child node of an expression. */
const firstTokenKeys: Readonly<Record<string, readonly string[]>> = {
  string: ["DqStart", "SqStart", "MlStart"],
  ifThenElse: ["If"],
  groupOrPair: ["LParen"],
  arrayLiteral: ["LSquare"],
  mapLiteral: ["LCurly"],
  objectLiteral: ["Object"],
  hintsLiteral: ["Hints", "Input", "Output"],
  apply: ["LParen"],
  memberAccess: ["Dot"],
  indexAccess: ["LSquare"],
};

function offsetOf(e: CstElement): number {
  if (!("children" in e)) return e.startOffset;
  for (const key of firstTokenKeys[e.name] ?? []) {
    const t = tokenOf(e, key);
    if (t !== undefined) return t.startOffset;
  }
  return firstToken(e)?.startOffset ?? Number.MAX_SAFE_INTEGER;
}

/**
 * Splits an expression node with binary operators into one pseudo-node per
 * operand (same child keys as a single-operand expression), by offset.
 */
function splitOperands(node: CstNode, ops: readonly IToken[]): CstNode[] {
  const parts: Record<string, CstElement[]>[] = ops.map(() => ({}));
  parts.push({});
  const children = node.children;
  for (const key in children) {
    if (key === "BinaryOperator") continue;
    for (const e of childList(children[key])) {
      const at = offsetOf(e);
      let i = 0;
      while (i < ops.length && ops[i]!.startOffset < at) i++;
      (parts[i]![key] ??= []).push(e);
    }
  }
  return parts.map((c) => ({ name: "operand", children: c }) as CstNode);
}

/** Builds an optional `expression` child, or throws Incomplete when it is missing. */
export function needExpression(ctx: BuildContext, node: CstNode, index = 0): Expr {
  const e = nodesOf(node, "expression")[index];
  if (e === undefined) throw new Incomplete();
  return buildExpression(ctx, e);
}

/** Builds one operand: prefix operators applied to a primary with its member accesses and indexes. */
function buildOperand(ctx: BuildContext, node: CstNode): Expr {
  const ops = tokensOf(node, "UnaryOperator");
  const postfix = node;
  let operand: Expr | undefined;
  let remaining = ops.length;
  const last = ops[ops.length - 1];
  if (last?.image === "-") {
    // `-9223372036854775808` is the one Int literal whose magnitude alone is out of range.
    const lit = bareIntLiteral(postfix);
    if (lit !== undefined && parseIntImage(lit.image) === INT_MIN_MAGNITUDE) {
      operand = { kind: "Int", value: -INT_MIN_MAGNITUDE, span: ctx.span(last, lit) };
      remaining--;
    }
  }
  operand ??= buildPostfix(ctx, postfix);
  for (let i = remaining - 1; i >= 0; i--) {
    const op = ops[i]!;
    operand = { kind: "UnaryOp", op: op.image as UnaryOperator, operand, span: ctx.span(op, operand.span) };
  }
  return operand;
}

/** The Int literal token of a unary expression that is just that literal (no member access or index). */
function bareIntLiteral(postfix: CstNode): IToken | undefined {
  if (nodeOf(postfix, "memberAccess") || nodeOf(postfix, "indexAccess")) return undefined;
  return tokenOf(postfix, "IntLiteral");
}

function parseIntImage(image: string): bigint {
  if (/^0[xX]/.test(image)) return BigInt(image);
  if (image.length > 1 && image.startsWith("0")) return BigInt(`0o${image.slice(1)}`);
  return BigInt(image);
}

/** The primary expression of an operand with its member accesses and indexes applied. */
function buildPostfix(ctx: BuildContext, node: CstNode): Expr {
  let target = buildPrimary(ctx, node);
  const members = nodesOf(node, "memberAccess");
  const indexes = nodesOf(node, "indexAccess");
  if (members.length === 0 && indexes.length === 0) return target;
  if (indexes.length === 0) {
    for (const n of members) {
      needToken(n, "Dot");
      const member = ident(ctx, nameToken(n));
      target = { kind: "MemberAccess", target, member, span: joinSpans(target.span, member.span) };
    }
    return target;
  }
  const steps = [
    ...members.map((n) => ({ n, at: needToken(n, "Dot").startOffset, member: true })),
    ...indexes.map((n) => ({ n, at: needToken(n, "LSquare").startOffset, member: false })),
  ].sort((a, b) => a.at - b.at);
  for (const step of steps) {
    if (step.member) {
      const member = ident(ctx, nameToken(step.n));
      target = { kind: "MemberAccess", target, member, span: joinSpans(target.span, member.span) };
    } else {
      const index = needExpression(ctx, step.n);
      target = { kind: "IndexAccess", target, index, span: ctx.span(target.span, tokenOf(step.n, "RSquare") ?? index.span) };
    }
  }
  return target;
}

/** The keys an operand's primary child may have, most frequent first. */
const primaryKeys = [
  "Identifier", "string", "IntLiteral", "arrayLiteral", "FloatLiteral", "True", "False", "ifThenElse",
  "groupOrPair", "mapLiteral", "None", "objectLiteral", "hintsLiteral", "Task", "In", "Keyword",
] as const;

/** Builds the primary expression of an operand (dispatching on its primary child's key). */
function buildPrimary(ctx: BuildContext, node: CstNode): Expr {
  const children = node.children;
  let key: (typeof primaryKeys)[number] | undefined;
  for (let i = 0; i < primaryKeys.length; i++) {
    if (children[primaryKeys[i]!] !== undefined) {
      key = primaryKeys[i];
      break;
    }
  }
  switch (key) {
    case "IntLiteral":
      return intLiteral(ctx, needToken(node, key));
    case "FloatLiteral":
      return floatLiteral(ctx, needToken(node, key));
    case "True":
    case "False":
      return { kind: "Boolean", value: key === "True", span: ctx.tokenSpan(needToken(node, key)) };
    case "None": {
      const span = ctx.tokenSpan(needToken(node, key));
      ctx.gate(FEATURES.none, span);
      return { kind: "None", span };
    }
    case "string":
      return buildString(ctx, needNode(node, key));
    case "ifThenElse": {
      const n = needNode(node, key);
      const condition = needExpression(ctx, n, 0);
      const then = needExpression(ctx, n, 1);
      const otherwise = needExpression(ctx, n, 2);
      return { kind: "IfThenElse", condition, then, else: otherwise, span: ctx.span(needToken(n, "If"), otherwise.span) };
    }
    case "groupOrPair": {
      const n = needNode(node, key);
      const left = needExpression(ctx, n, 0);
      if (!n.children.Comma) return left;
      const right = needExpression(ctx, n, 1);
      return { kind: "PairLiteral", left, right, span: ctx.span(needToken(n, "LParen"), tokenOf(n, "RParen") ?? right.span) };
    }
    case "arrayLiteral": {
      const n = needNode(node, key);
      const items = nodesOf(n, "expression").map((e) => buildExpression(ctx, e));
      return { kind: "ArrayLiteral", items, span: ctx.span(needToken(n, "LSquare"), tokenOf(n, "RSquare")) };
    }
    case "mapLiteral": {
      const n = needNode(node, key);
      const entries = nodesOf(n, "mapEntry").map((e): MapEntry => {
        const k = needExpression(ctx, e, 0);
        const value = needExpression(ctx, e, 1);
        return { kind: "MapEntry", key: k, value, span: joinSpans(k.span, value.span) };
      });
      return { kind: "MapLiteral", entries, span: ctx.span(needToken(n, "LCurly"), tokenOf(n, "RCurly")) };
    }
    case "objectLiteral": {
      const n = needNode(node, key);
      const block = needNode(n, "memberInitBlock");
      return { kind: "ObjectLiteral", members: memberInits(ctx, block), span: ctx.span(needToken(n, "Object"), tokenOf(block, "RCurly")) };
    }
    case "hintsLiteral":
      return hintsLiteral(ctx, needNode(node, key));
    case "Task": {
      const span = ctx.tokenSpan(needToken(node, key));
      ctx.gate(FEATURES.taskVariable, span);
      return { kind: "NameRef", name: "task", span };
    }
    case "Identifier": {
      const name = needToken(node, key);
      if (children.apply !== undefined) {
        const n = needNode(node, "apply");
        const callee = ident(ctx, name);
        const args = nodesOf(n, "expression").map((e) => buildExpression(ctx, e));
        return { kind: "Apply", callee, args, span: ctx.span(callee.span, tokenOf(n, "RParen")) };
      }
      if (children.structLiteral !== undefined) {
        const block = needNode(needNode(node, "structLiteral"), "memberInitBlock");
        const typeName = ident(ctx, name);
        const span = ctx.span(typeName.span, tokenOf(block, "RCurly"));
        ctx.gate(FEATURES.structLiteral, span);
        return { kind: "StructLiteral", typeName, members: memberInits(ctx, block), span };
      }
      return { kind: "NameRef", name: name.image, span: ctx.tokenSpan(name) };
    }
    case "In": {
      const name = needToken(node, key);
      reservedName(ctx, name);
      return { kind: "NameRef", name: name.image, span: ctx.tokenSpan(name) };
    }
    case "Keyword": {
      // A keyword in a name's place (see keywordIsName in the parser): the declaration it names carries the error.
      const name = needToken(node, key);
      return { kind: "NameRef", name: name.image, span: ctx.tokenSpan(name) };
    }
    default:
      throw new Incomplete();
  }
}

/**
 * Reports a reserved keyword used as a name where wdlrun accepts it: `in` (a
 * declaration, a call input, a reference), which the spec's own examples and
 * real tasks use, and any keyword as a call input's name (the callee's input,
 * which a document of another version may name so). A leniency.
 */
export function reservedName(ctx: BuildContext, t: IToken): void {
  ctx.lenient("reserved-name", `'${t.image}' is a reserved keyword used as a name`, ctx.tokenSpan(t), LENIENCIES.reservedWordName);
}

/**
 * Reports a reserved keyword in a declaration's name place: `in` is a
 * leniency (see reservedName); any other keyword is an error, reported once
 * here (references to it are read as names, so they add nothing).
 */
export function keywordName(ctx: BuildContext, t: IToken): void {
  if (t.image === "in") reservedName(ctx, t);
  else {
    const since = RESERVED_FROM_12.has(t.image) ? " (reserved from WDL 1.2 on)" : "";
    ctx.error("reserved-word", `'${t.image}' is a reserved keyword${since} and cannot name a declaration`, ctx.tokenSpan(t), `choose another name, such as '${t.image}_', and use it in every reference`);
  }
}

/** An Int literal token, range-checked (WDL Int is a signed 64-bit integer). */
export function intLiteral(ctx: BuildContext, t: IToken): Expr & { kind: "Int" } {
  const value = parseIntImage(t.image);
  const span = ctx.tokenSpan(t);
  if (value > INT_MAX) {
    ctx.error(
      "int-out-of-range",
      `the integer ${t.image} is out of range: WDL Int is a signed 64-bit integer (at most 9223372036854775807)`,
      span,
      "use a Float, or a String if the digits matter",
    );
  }
  return { kind: "Int", value, span };
}

/** A Float literal token (must be finite). */
export function floatLiteral(ctx: BuildContext, t: IToken): Expr & { kind: "Float" } {
  const value = Number(t.image);
  const span = ctx.tokenSpan(t);
  if (!Number.isFinite(value)) {
    ctx.error("float-out-of-range", `the number ${t.image} is too large for a 64-bit Float`, span);
  }
  return { kind: "Float", value, span };
}

function memberInits(ctx: BuildContext, block: CstNode): MemberInit[] {
  return nodesOf(block, "memberInit").map((m) => {
    const name = memberName(ctx, m);
    const value = needExpression(ctx, m);
    return { kind: "MemberInit", name, value, span: joinSpans(name.span, value.span) };
  });
}

function memberName(ctx: BuildContext, m: CstNode): Identifier {
  const quoted = nodeOf(m, "string");
  if (quoted === undefined) return ident(ctx, nameToken(needNode(m, "anyName")));
  const s = buildString(ctx, quoted);
  let name = "";
  for (const p of s.parts) {
    if (p.kind === "Text") name += p.text;
    else ctx.error("member-name-placeholder", "a member name cannot contain placeholders", p.span);
  }
  return { name, span: s.span };
}

/** The name token of an `anyName` or `memberAccess` node (a name or a keyword used as a key). */
export function nameToken(node: CstNode): IToken {
  const t = tokenOf(node, "Identifier") ?? tokenOf(node, "Keyword");
  if (t === undefined) throw new Incomplete();
  return t;
}

function hintsLiteral(ctx: BuildContext, n: CstNode): Expr {
  const keyword = tokenOf(n, "Hints") ?? tokenOf(n, "Input") ?? tokenOf(n, "Output");
  if (keyword === undefined) throw new Incomplete();
  const span = ctx.span(keyword, tokenOf(n, "RCurly"));
  ctx.gate(FEATURES.hintsLiteral, span);
  if (ctx.hintsDepth === 0) {
    ctx.error(
      "misplaced-hints-literal",
      `a '${keyword.image} { … }' literal may only be used as a value in a hints section`,
      ctx.tokenSpan(keyword),
    );
  }
  ctx.hintsDepth++;
  try {
    const entries = nodesOf(n, "hintsEntry").map((e): HintsEntry => {
      const key = nodesOf(e, "anyName").map((k) => ident(ctx, nameToken(k)));
      const value = needExpression(ctx, e);
      return { kind: "HintsEntry", key, value, span: joinSpans(key[0]?.span ?? value.span, value.span) };
    });
    return { kind: "HintsLiteral", scope: keyword.image as "hints" | "input" | "output", entries, span };
  } finally {
    ctx.hintsDepth--;
  }
}

/** Builds a `type` CST node. */
export function buildType(ctx: BuildContext, node: CstNode): TypeExpr {
  const optional = tokenOf(node, "Question") !== undefined;
  const end = tokenOf(node, "Question");
  const c = node.children;
  const sub = nodesOf(node, "type");
  if (c.Array) {
    const start = needToken(node, "Array");
    const item = buildType(ctx, sub[0] ?? fail());
    const plus = tokenOf(node, "Plus");
    const span = ctx.span(start, end ?? plus ?? tokenOf(node, "RSquare") ?? item.span);
    return { kind: "ArrayType", item, nonEmpty: plus !== undefined, optional, span };
  }
  if (c.Map || c.Pair) {
    const start = tokenOf(node, "Map") ?? needToken(node, "Pair");
    const a = buildType(ctx, sub[0] ?? fail());
    const b = buildType(ctx, sub[1] ?? fail());
    const span = ctx.span(start, end ?? tokenOf(node, "RSquare") ?? b.span);
    return c.Map
      ? { kind: "MapType", key: a, value: b, optional, span }
      : { kind: "PairType", left: a, right: b, optional, span };
  }
  if (c.ObjectType) return { kind: "ObjectType", optional, span: ctx.span(needToken(node, "ObjectType"), end) };
  if (c.Identifier) {
    const name = ident(ctx, needToken(node, "Identifier"));
    return { kind: "NamedType", name, optional, span: ctx.span(name.span, end) };
  }
  const prim =
    tokenOf(node, "Boolean") ?? tokenOf(node, "IntType") ?? tokenOf(node, "FloatType") ??
    tokenOf(node, "StringType") ?? tokenOf(node, "File") ?? tokenOf(node, "Directory");
  if (prim === undefined) throw new Incomplete();
  const span = ctx.span(prim, end);
  if (prim.image === "Directory") ctx.gate(FEATURES.directory, ctx.tokenSpan(prim));
  return { kind: "PrimitiveType", name: prim.image as "Boolean", optional, span };
}

function fail(): never {
  throw new Incomplete();
}
