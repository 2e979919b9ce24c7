/**
 * Valid documents: the AST has the right shape for the tricky cases
 * (precedence, placeholders, command text, multi-line strings, escapes,
 * calls, hints literals, meta values, types) and every node has a span.
 */
import { describe, expect, it } from "vitest";
import { parseDocument } from "../../src/syntax/parse.js";
import type { CommandSection, Document, Expr, StringLiteral, TaskDef } from "../../src/syntax/ast.js";

function parseOk(src: string, version = "1.2"): Document {
  const { document, diagnostics } = parseDocument(`version ${version}\n${src}`, "/w/ok.wdl");
  expect(diagnostics.map((d) => `${d.span?.start.line}:${d.span?.start.column} ${d.message}`)).toEqual([]);
  if (document === undefined) throw new Error("no document");
  return document;
}

/** The expression of `Type x = <expr>` in a workflow. */
function expr(text: string, version = "1.2"): Expr {
  const doc = parseOk(`workflow w {\n  Int x = ${text}\n}\n`, version);
  const decl = doc.workflow!.body[0]!;
  if (decl.kind !== "Declaration" || decl.expr === undefined) throw new Error("no declaration");
  return decl.expr;
}

/** A compact rendering: (op a b), literals, names. */
function show(e: Expr): string {
  switch (e.kind) {
    case "BinaryOp":
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case "UnaryOp":
      return `(${e.op}${show(e.operand)})`;
    case "Int":
      return e.value.toString();
    case "Float":
      return `${e.value}f`;
    case "NameRef":
      return e.name;
    case "MemberAccess":
      return `${show(e.target)}.${e.member.name}`;
    case "IndexAccess":
      return `${show(e.target)}[${show(e.index)}]`;
    case "Apply":
      return `${e.callee.name}(${e.args.map(show).join(", ")})`;
    case "IfThenElse":
      return `(if ${show(e.condition)} ${show(e.then)} ${show(e.else)})`;
    case "Boolean":
      return String(e.value);
    default:
      return e.kind;
  }
}

function text(s: Expr): string {
  if (s.kind !== "String") throw new Error(`not a string: ${s.kind}`);
  return s.parts.map((p) => (p.kind === "Text" ? p.text : `<${show(p.expr)}>`)).join("");
}

describe("operator precedence (spec table)", () => {
  it.each([
    ["1 + 2 * 3", "(+ 1 (* 2 3))"],
    ["1 * 2 + 3", "(+ (* 1 2) 3)"],
    ["1 - 2 - 3", "(- (- 1 2) 3)"],
    ["a || b && c", "(|| a (&& b c))"],
    ["a == b || c != d", "(|| (== a b) (!= c d))"],
    ["a < b == c >= d", "(== (< a b) (>= c d))"],
    ["1 + 2 < 3 * 4", "(< (+ 1 2) (* 3 4))"],
    ["2 ** 3 * 4", "(* (** 2 3) 4)"],
    ["2 * 3 ** 4", "(* 2 (** 3 4))"],
    ["2 ** 3 ** 2", "(** (** 2 3) 2)"],
    ["-2 ** 2", "(** (-2) 2)"],
    ["!a && b", "(&& (!a) b)"],
    ["-x.y[0]", "(-x.y[0])"],
    ["f(1)[2].z", "f(1)[2].z"],
    ["(1 + 2) * 3", "(* (+ 1 2) 3)"],
    ["if a then 1 else 2 + 3", "(if a 1 (+ 2 3))"],
    ["1 + if a then 2 else 3", "(+ 1 (if a 2 3))"],
    ["10 % 3 / 2", "(/ (% 10 3) 2)"],
  ])("%s", (src, expected) => {
    expect(show(expr(src))).toBe(expected);
  });
});

describe("literals", () => {
  it("reads hex, octal and decimal integers as bigint", () => {
    expect(show(expr("0x1F + 017 + 9"))).toBe("(+ (+ 31 15) 9)");
  });

  it("accepts the most negative Int", () => {
    const e = expr("-9223372036854775808");
    expect(e).toMatchObject({ kind: "Int", value: -9223372036854775808n });
  });

  it("reads floats", () => {
    expect(show(expr("1.5e3 + .5 + 2."))).toBe("(+ (+ 1500f 0.5f) 2f)");
  });

  it("builds pairs, arrays, maps, objects and struct literals", () => {
    expect(expr("(1, 2)").kind).toBe("PairLiteral");
    expect(expr("[1, 2,]")).toMatchObject({ kind: "ArrayLiteral", items: [{ value: 1n }, { value: 2n }] });
    expect(expr(`{"a": 1, "b": 2}`)).toMatchObject({ kind: "MapLiteral", entries: [{ key: { kind: "String" } }, {}] });
    expect(expr("object { a: 1 }")).toMatchObject({ kind: "ObjectLiteral", members: [{ name: { name: "a" } }] });
    expect(expr(`Person { name: "x", "age": 3 }`)).toMatchObject({
      kind: "StructLiteral",
      typeName: { name: "Person" },
      members: [{ name: { name: "name" } }, { name: { name: "age" } }],
    });
  });

  it("reads member access on keywords such as left/right", () => {
    expect(show(expr("p.left + p.right"))).toBe("(+ p.left p.right)");
  });
});

describe("strings and escapes", () => {
  it("decodes every escape form", () => {
    const e = expr(String.raw`"a\nb\tc\\d\"e\'f\~{g\${h\101\x41\u00e9\U0001F600"`);
    expect(text(e)).toBe("a\nb\tc\\d\"e'f~{g${hAAé😀");
  });

  it("splits text and placeholders, with both placeholder syntaxes", () => {
    const e = expr(`"a ~{x} b \${y + 1} c"`);
    expect(text(e)).toBe("a <x> b <(+ y 1)> c");
    const s = e as StringLiteral;
    expect(s.parts.filter((p) => p.kind === "Placeholder").map((p) => p.kind === "Placeholder" && p.syntax)).toEqual(["~{", "${"]);
  });

  it("keeps $ and ~ that do not open a placeholder", () => {
    expect(text(expr(`'cost: $5 ~ approx'`))).toBe("cost: $5 ~ approx");
  });

  it("nests placeholders inside placeholders", () => {
    expect(text(expr(`"~{if b then "~{x}!" else "no"}"`))).toBe(`<(if b String String)>`);
  });

  it("reads placeholder options", () => {
    const s = expr(`"~{sep=", " xs} ~{true="yes" false="no" b} ~{default="none" o}"`) as StringLiteral;
    const options = s.parts.flatMap((p) => (p.kind === "Placeholder" ? p.options.map((o) => o.name) : []));
    expect(options).toEqual(["sep", "true", "false", "default"]);
  });

  it("normalizes multi-line strings as the spec says", () => {
    expect(text(expr("<<<\n    This is a\n    multi-line string!\n  >>>"))).toBe("This is a\nmulti-line string!");
    expect(text(expr("<<<   hello  world   >>>"))).toBe("hello  world");
    expect(text(expr("<<<\n      hello  \\\n          world\n  >>>"))).toBe("hello  world");
    expect(text(expr("<<<\n  hello \\\\\n    world\n  >>>"))).toBe("hello \\\n  world");
    expect(text(expr("<<<\n\n  this is a\n\n    multi-line string\n\n  >>>"))).toBe("\nthis is a\n\n  multi-line string\n");
  });

  it("strips common whitespace around placeholders in multi-line strings", () => {
    expect(text(expr("<<<\n      ~{a}Hello ~{b},\n      ~{a}Welcome!\n    >>>"))).toBe("<a>Hello <b>,\n<a>Welcome!");
  });
});

describe("commands", () => {
  function command(src: string, version = "1.2"): CommandSection {
    const doc = parseOk(`task t {\n  ${src}\n}\n`, version);
    return (doc.tasks[0] as TaskDef).command!;
  }

  it("keeps heredoc text exactly, with only ~{} as placeholders", () => {
    const c = command("command <<<\n    echo ${HOME} ~{x} \\>>> $y\n    # comment\n  >>>");
    expect(c.style).toBe("heredoc");
    expect(c.parts.map((p) => (p.kind === "Text" ? p.text : `<${show(p.expr)}>`)).join("")).toBe(
      "\n    echo ${HOME} <x> \\>>> $y\n    # comment\n  ",
    );
  });

  it("treats ${} and ~{} as placeholders in brace commands and keeps escaped braces", () => {
    const c = command("command {\n  echo ${x} ~{y} \\} $z\n}");
    expect(c.style).toBe("brace");
    expect(c.parts.map((p) => (p.kind === "Text" ? p.text : `<${show(p.expr)}>`)).join("")).toBe(
      "\n  echo <x> <y> \\} $z\n",
    );
  });

  it("allows braces and strings inside command placeholders", () => {
    const c = command(`command <<< ~{sep(" ", [x, "}"])} >>>`);
    const ph = c.parts.find((p) => p.kind === "Placeholder");
    expect(ph && ph.kind === "Placeholder" && show(ph.expr)).toBe("sep(String, ArrayLiteral)");
  });
});

describe("documents", () => {
  it("reads imports with namespaces and aliases", () => {
    const doc = parseOk(`import "lib/x.wdl" as x alias A as B alias C as D\nimport 'y.wdl'\n`);
    expect(doc.imports).toMatchObject([
      { uri: "lib/x.wdl", namespace: { name: "x" }, aliases: [{ from: { name: "A" }, to: { name: "B" } }, { from: { name: "C" } }] },
      { uri: "y.wdl", namespace: undefined, aliases: [] },
    ]);
  });

  it("maps version development to 1.2", () => {
    const { document } = parseDocument("version development\nworkflow w {}\n", "/w/d.wdl");
    expect(document).toMatchObject({ version: "1.2", versionText: "development" });
  });

  it("reads calls in all their forms", () => {
    const doc = parseOk(
      `workflow w {\n  call lib.t as u after a after b { input: x = 1, y, n.m = 2 }\n  call t2 { z = 3 }\n  call t3\n}\n`,
    );
    const [c1, c2, c3] = doc.workflow!.body;
    expect(c1).toMatchObject({
      kind: "Call",
      target: [{ name: "lib" }, { name: "t" }],
      alias: { name: "u" },
      after: [{ name: "a" }, { name: "b" }],
      inputKeyword: true,
      inputs: [{ name: { name: "x" } }, { name: { name: "y" }, expr: undefined }, { name: { name: "n.m" } }],
    });
    expect(c2).toMatchObject({ kind: "Call", inputKeyword: false, inputs: [{ name: { name: "z" } }] });
    expect(c3).toMatchObject({ kind: "Call", inputs: [], alias: undefined });
  });

  it("nests scatters and conditionals", () => {
    const doc = parseOk(`workflow w {\n  scatter (i in [1, 2]) {\n    if (i > 1) {\n      Int y = i\n    }\n  }\n}\n`);
    expect(doc.workflow!.body[0]).toMatchObject({
      kind: "Scatter",
      variable: { name: "i" },
      body: [{ kind: "Conditional", body: [{ kind: "Declaration", name: { name: "y" } }] }],
    });
  });

  it("reads every task section", () => {
    const doc = parseOk(
      `task t {\n  input {\n    env String s\n    Int? n = 2\n    Array[File]+ fs\n    Map[String, Pair[Int, Directory?]] m\n  }\n` +
        `  Int p = 1\n  command <<< >>>\n  output { Int o = p }\n  requirements { container: "ubuntu" cpu: 1 }\n` +
        `  hints {\n    inputs: input { person.name: hints { min_length: 3 }, s: hints { x: 1 } }\n    outputs: output { o: hints { max: 1 } }\n  }\n` +
        `  meta { author: "me" version: 1.1 tags: ["a", null, -1, true] nested: { a: 1, b: { c: 2.5 } } }\n` +
        `  parameter_meta { s: { help: "the s" } }\n}\n`,
    );
    const t = doc.tasks[0]!;
    expect(t.inputs!.declarations.map((d) => [d.name.name, d.env, d.type.kind])).toEqual([
      ["s", true, "PrimitiveType"],
      ["n", false, "PrimitiveType"],
      ["fs", false, "ArrayType"],
      ["m", false, "MapType"],
    ]);
    expect(t.inputs!.declarations[2]!.type).toMatchObject({ nonEmpty: true, optional: false });
    expect(t.inputs!.declarations[3]!.type).toMatchObject({ value: { right: { name: "Directory", optional: true } } });
    expect(t.privateDeclarations.map((d) => d.name.name)).toEqual(["p"]);
    expect(t.requirements!.entries.map((e) => e.key.name)).toEqual(["container", "cpu"]);
    expect(t.hints!.entries[0]!.value).toMatchObject({
      kind: "HintsLiteral",
      scope: "input",
      entries: [{ key: [{ name: "person" }, { name: "name" }], value: { kind: "HintsLiteral", scope: "hints" } }, {}],
    });
    expect(t.meta!.entries.map((e) => e.value.kind)).toEqual(["MetaString", "MetaFloat", "MetaArray", "MetaObject"]);
    expect(t.meta!.entries[2]!.value).toMatchObject({
      items: [{ kind: "MetaString" }, { kind: "MetaNull" }, { kind: "MetaInt", value: -1n }, { kind: "MetaBoolean" }],
    });
    expect(t.parameterMeta!.entries[0]!.key.name).toBe("s");
  });

  it("reads structs with meta sections (1.2)", () => {
    const doc = parseOk(`struct P {\n  String name\n  Int? age\n  meta { description: "a person" }\n  parameter_meta { name: "n" }\n}\n`);
    expect(doc.structs[0]).toMatchObject({ name: { name: "P" }, members: [{ name: { name: "name" } }, { name: { name: "age" } }] });
    expect(doc.structs[0]!.meta?.entries[0]?.key.name).toBe("description");
  });

  it("reads 1.0 documents with object literals and runtime sections", () => {
    const doc = parseOk(`task t {\n  command { echo ${"${"}x} }\n  runtime { docker: "ubuntu" }\n}\nworkflow w {\n  Object o = object { a: 1 }\n  call t { input: x = 1 }\n}\n`, "1.0");
    expect(doc.version).toBe("1.0");
    expect(doc.tasks[0]!.runtime!.entries[0]!.key.name).toBe("docker");
  });

  it("gives every node a span inside the document", () => {
    const src = `struct S { Int a }\ntask t {\n  input { S s }\n  command <<< echo ~{s.a + 1} >>>\n  output { String o = "~{s.a}" }\n}\nworkflow w {\n  scatter (i in [1]) { call t { input: s = S { a: i } } }\n}\n`;
    const doc = parseOk(src);
    const length = `version 1.2\n${src}`.length;
    let count = 0;
    const visit = (node: unknown, key: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => visit(n, key));
      if (node === null || typeof node !== "object") return;
      const o = node as Record<string, unknown>;
      if ("kind" in o || key === "name" || key === "member" || key === "key") {
        const span = o.span as { start: { offset: number }; end: { offset: number }; uri: string } | undefined;
        expect(span, `span of ${String(o.kind ?? key)}`).toBeDefined();
        expect(span!.uri).toBe("/w/ok.wdl");
        expect(span!.start.offset).toBeLessThanOrEqual(span!.end.offset);
        expect(span!.end.offset).toBeLessThanOrEqual(length);
        count++;
      }
      for (const [k, v] of Object.entries(o)) if (k !== "span" && k !== "uriSpan" && k !== "versionSpan") visit(v, k);
    };
    visit(doc, "");
    expect(count).toBeGreaterThan(30);
  });

  it("locates a declaration exactly", () => {
    const doc = parseOk(`workflow w {\n  Int x = 1 + 2\n}\n`);
    const d = doc.workflow!.body[0]!;
    expect(d.span.start).toEqual({ line: 3, column: 3, offset: 27 });
    expect(d.span.end).toMatchObject({ line: 3, column: 16 });
  });
});
