/**
 * Test kit for evaluation: a tiny AST builder (every node gets a span whose
 * offset is unique, so tests can tell which node an error points at), an
 * EvalContext builder over plain bindings, and an in-memory FileIO.
 */
import type { EvalContext, FileIO } from "../../src/eval/context.js";
import type { Span } from "../../src/diagnostics/span.js";
import type {
  BinaryOperator,
  CommandSection,
  Expr,
  Placeholder,
  PlaceholderOption,
  TextPart,
  UnaryOperator,
  WdlVersion,
} from "../../src/syntax/ast.js";
import type { StructType, WdlType } from "../../src/types/types.js";
import { ValueError } from "../../src/values/errors.js";
import type { WdlValue } from "../../src/values/value.js";

let counter = 0;
/** A fresh span; `line` lets a test give a node a recognisable position. */
export function span(line = 1): Span {
  counter++;
  return { uri: "test.wdl", start: { line, column: 1, offset: counter }, end: { line, column: 2, offset: counter + 1 } };
}

type Part = string | Expr | Placeholder;

function toParts(parts: readonly Part[]): (TextPart | Placeholder)[] {
  return parts.map((p) =>
    typeof p === "string" ? { kind: "Text", text: p, span: span() } : p.kind === "Placeholder" ? p : ph(p),
  );
}

/** A placeholder `~{expr}` with options. */
export function ph(expr: Expr, options: Partial<Record<PlaceholderOption["name"], Expr>> = {}): Placeholder {
  return {
    kind: "Placeholder",
    syntax: "~{",
    expr,
    options: Object.entries(options).map(([name, value]) => ({
      kind: "PlaceholderOption",
      name: name as PlaceholderOption["name"],
      value: value!,
      span: span(),
    })),
    span: span(),
  };
}

/** Expression builders. */
export const E = {
  none: (): Expr => ({ kind: "None", span: span() }),
  bool: (value: boolean): Expr => ({ kind: "Boolean", value, span: span() }),
  int: (value: number | bigint): Expr => ({ kind: "Int", value: BigInt(value), span: span() }),
  float: (value: number): Expr => ({ kind: "Float", value, span: span() }),
  /** A string literal; string parts are text, expressions become placeholders. */
  str: (...parts: Part[]): Expr => ({ kind: "String", quote: '"', parts: toParts(parts), span: span() }),
  name: (name: string, line?: number): Expr => ({ kind: "NameRef", name, span: span(line) }),
  member: (target: Expr, member: string): Expr => ({
    kind: "MemberAccess",
    target,
    member: { name: member, span: span() },
    span: span(),
  }),
  index: (target: Expr, index: Expr, line?: number): Expr => ({ kind: "IndexAccess", target, index, span: span(line) }),
  call: (name: string, ...args: Expr[]): Expr => ({
    kind: "Apply",
    callee: { name, span: span() },
    args,
    span: span(),
  }),
  un: (op: UnaryOperator, operand: Expr): Expr => ({ kind: "UnaryOp", op, operand, span: span() }),
  bin: (op: BinaryOperator, left: Expr, right: Expr, line?: number): Expr => ({ kind: "BinaryOp", op, left, right, span: span(line) }),
  ite: (condition: Expr, then: Expr, otherwise: Expr): Expr => ({ kind: "IfThenElse", condition, then, else: otherwise, span: span() }),
  arr: (...items: Expr[]): Expr => ({ kind: "ArrayLiteral", items, span: span() }),
  map: (...entries: [Expr, Expr][]): Expr => ({
    kind: "MapLiteral",
    entries: entries.map(([key, value]) => ({ kind: "MapEntry", key, value, span: span() })),
    span: span(),
  }),
  pair: (left: Expr, right: Expr): Expr => ({ kind: "PairLiteral", left, right, span: span() }),
  obj: (members: Record<string, Expr>): Expr => ({
    kind: "ObjectLiteral",
    members: Object.entries(members).map(([n, value]) => ({ kind: "MemberInit", name: { name: n, span: span() }, value, span: span() })),
    span: span(),
  }),
  struct: (typeName: string, members: Record<string, Expr>): Expr => ({
    kind: "StructLiteral",
    typeName: { name: typeName, span: span() },
    members: Object.entries(members).map(([n, value]) => ({ kind: "MemberInit", name: { name: n, span: span() }, value, span: span() })),
    span: span(),
  }),
} as const;

/** A command section from raw parts. */
export function command(style: "heredoc" | "brace", ...parts: Part[]): CommandSection {
  return { kind: "CommandSection", style, parts: toParts(parts), span: span() };
}

/** An in-memory FileIO: `files` maps path → content; written files are added to it. */
export interface MemoryIO extends FileIO {
  readonly files: Map<string, string>;
}

/** Builds an in-memory FileIO (relative paths resolve against `/work`). */
export function memoryIO(files: Record<string, string> = {}, extra: Partial<FileIO> = {}): MemoryIO {
  const store = new Map(Object.entries(files).map(([k, v]) => [abs(k), v]));
  let n = 0;
  const io: MemoryIO = {
    files: store,
    resolve: abs,
    readText(p) {
      const c = store.get(abs(p));
      if (c === undefined) throw new ValueError(`cannot read file '${p}': no such file or directory`, "file-read-failed");
      return c;
    },
    writeFile(hint, content) {
      const p = `/tmp/out/${hint}_${++n}.txt`;
      store.set(p, content);
      return p;
    },
    glob: () => [],
    size(p) {
      const c = store.get(abs(p));
      if (c === undefined) throw new ValueError(`cannot determine the size of '${p}': no such file or directory`, "file-read-failed");
      return Buffer.byteLength(c);
    },
    exists: (p) => store.has(abs(p)),
    stdout: () => undefined,
    stderr: () => undefined,
    commandPath: (p) => p,
    ...extra,
  };
  return io;
}

function abs(p: string): string {
  return p.startsWith("/") ? p : `/work/${p}`;
}

/** An EvalContext over plain bindings. */
export function ctx(
  bindings: Record<string, WdlValue> = {},
  options: { version?: WdlVersion; structs?: StructType[]; io?: FileIO; typeOf?: (e: Expr) => WdlType | undefined } = {},
): EvalContext {
  const scope = new Map(Object.entries(bindings));
  return {
    version: options.version ?? "1.2",
    lookup: (name) => scope.get(name),
    structs: new Map((options.structs ?? []).map((s) => [s.name, s])),
    io: options.io ?? memoryIO(),
    ...(options.typeOf ? { typeOf: options.typeOf } : {}),
  };
}

/** A struct type from member types (in order). */
export function structType(name: string, members: Record<string, WdlType>): StructType {
  return { kind: "Struct", name, members: new Map(Object.entries(members)), optional: false };
}
