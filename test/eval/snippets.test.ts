/**
 * End-to-end checks of evaluation on parsed WDL: small documents go through
 * the real parser, then each workflow declaration (body, then outputs) is
 * evaluated in order and coerced to its declared type.
 */
import { describe, expect, it } from "vitest";
import { renderCommand } from "../../src/eval/command.js";
import { evaluateAs } from "../../src/eval/evaluate.js";
import { EvalError } from "../../src/eval/errors.js";
import type { Declaration, Document, TypeExpr } from "../../src/syntax/ast.js";
import { parseDocument } from "../../src/syntax/parse.js";
import type { StructType, WdlType } from "../../src/types/types.js";
import { valueToJson } from "../../src/values/json.js";
import { V, type WdlValue } from "../../src/values/value.js";
import { ctx } from "./kit.js";

function parse(text: string): Document {
  const r = parseDocument(text, "/snippet.wdl");
  expect(r.diagnostics).toEqual([]);
  return r.document!;
}

function resolve(t: TypeExpr, structs: Map<string, StructType>): WdlType {
  switch (t.kind) {
    case "PrimitiveType":
      return { kind: t.name, optional: t.optional };
    case "ArrayType":
      return { kind: "Array", item: resolve(t.item, structs), nonEmpty: t.nonEmpty, optional: t.optional };
    case "MapType":
      return { kind: "Map", key: resolve(t.key, structs), value: resolve(t.value, structs), optional: t.optional };
    case "PairType":
      return { kind: "Pair", left: resolve(t.left, structs), right: resolve(t.right, structs), optional: t.optional };
    case "ObjectType":
      return { kind: "Object", optional: t.optional };
    case "NamedType":
      return { ...structs.get(t.name.name)!, optional: t.optional };
  }
}

/** Evaluates a workflow's declarations in order; returns the values by name (as JSON). */
function run(text: string, inputs: Record<string, WdlValue> = {}): Record<string, unknown> {
  const doc = parse(text);
  const structs = new Map<string, StructType>();
  for (const s of doc.structs) {
    structs.set(s.name.name, { kind: "Struct", name: s.name.name, members: new Map(), optional: false });
  }
  for (const s of doc.structs) {
    const members = structs.get(s.name.name)!.members as Map<string, WdlType>;
    for (const m of s.members) members.set(m.name.name, resolve(m.type, structs));
  }
  const scope = new Map<string, WdlValue>(Object.entries(inputs));
  const c = { ...ctx({}, { version: doc.version }), lookup: (n: string) => scope.get(n), structs };
  const wf = doc.workflow!;
  const decls: Declaration[] = [
    ...(wf.inputs?.declarations ?? []),
    ...wf.body.filter((e): e is Declaration => e.kind === "Declaration"),
    ...(wf.outputs?.declarations ?? []),
  ];
  const out: Record<string, unknown> = {};
  for (const d of decls) {
    if (scope.has(d.name.name)) continue;
    const type = resolve(d.type, structs);
    const v = d.expr ? evaluateAs(d.expr, type, c) : { kind: "None" as const };
    scope.set(d.name.name, v);
    out[d.name.name] = valueToJson(v);
  }
  return out;
}

describe("parsed expressions", () => {
  it("follow operator precedence and associativity", () => {
    const out = run(`version 1.2
workflow w {
  Int a = 1 + 2 * 3
  Int b = (1 + 2) * 3
  Int c = 10 - 4 - 3
  Int d = 2 ** 3 ** 2
  Boolean e = 1 < 2 == true
  Boolean f = !false && false || true
  Int g = -2 * 3
  Float h = 7 / 2 + 0.5
  Int i = 7 % 4 * 2
}`);
    expect(out).toEqual({ a: 7, b: 9, c: 3, d: 64, e: true, f: true, g: -6, h: 3.5, i: 6 });
  });

  it("evaluate the spec's placeholder and string examples", () => {
    const out = run(`version 1.2
workflow w {
  File x = "/hij"
  Int? i = None
  String s1 = "~{1 + 2.0}"
  String s2 = "~{s1 + 1}"
  Boolean b1 = 1 == 1.0
  Boolean b2 = true == "true"
  Boolean b3 = 1 == true
  Array[Boolean] coercion = ["~{"abc"}" == "abc", "~{x}" == "/hij", "~{5}" == "5", "~{3.141}" == "3.141000", "~{i}" == ""]
  String esc = "tab\\there \\"q\\" \\u00e9"
}`);
    expect(out).toMatchObject({
      s1: "3.000000",
      s2: "3.0000001",
      b1: true,
      b2: true,
      b3: false,
      coercion: [true, true, true, true, true],
      esc: 'tab\there "q" é',
    });
  });

  it("evaluate multi-line strings with placeholders after indentation is removed", () => {
    const out = run(`version 1.2
workflow w {
  String spaces = "  "
  String name = "Henry"
  String multi_line = <<<
    ~{spaces}Hello ~{name},
    ~{spaces}Welcome!
  >>>
}`);
    expect(out["multi_line"]).toBe("  Hello Henry,\n  Welcome!");
  });

  it("handle deprecated placeholder options", () => {
    const out = run(
      `version 1.1
workflow w {
  input {
    Array[String] str_array
    Array[Int] int_array
    Boolean yes
    String? s
  }
  String a = "~{sep=' ' str_array}"
  String b = "~{sep=',' quote(int_array)}"
  String c = "~{true='--y' false='--n' yes}"
  String d = "~{default='foobar' s}"
}`,
      { str_array: V.array([V.string("A"), V.string("B")]), int_array: V.array([V.int(1), V.int(2)]), yes: V.bool(false), s: V.none() },
    );
    expect(out).toMatchObject({ a: "A B", b: '"1","2"', c: "--n", d: "foobar" });
  });

  it("build and read structs, pairs and maps", () => {
    const out = run(`version 1.2
struct BankAccount {
  String account_number
  Int routing_number
  Float balance
  Array[Int]+ pin_digits
  String? username
}
struct Person {
  String name
  BankAccount? account
}
workflow w {
  Person john = Person {
    name: "John",
    account: BankAccount { account_number: "123456", routing_number: 300211325, balance: 3.50, pin_digits: [1, 2, 3, 4] }
  }
  Boolean has_account = defined(john.account)
  Pair[Int, Array[String]] data = (5, ["hello", "goodbye"])
  String hello = data.right[0]
  Map[Int, Int] m = { 2: 5, 1: 10 }
  Array[Array[Int]] ints = [[as_pairs(m)[0].left, as_pairs(m)[0].right]]
}`);
    expect(out["john"]).toEqual({
      name: "John",
      account: { account_number: "123456", routing_number: 300211325, balance: 3.5, pin_digits: [1, 2, 3, 4], username: null },
    });
    expect(out).toMatchObject({ has_account: true, hello: "hello", ints: [[2, 5]] });
  });

  it("report runtime errors at the offending expression", () => {
    const text = `version 1.2
workflow w {
  Array[Int] empty = []
  Int i = empty[0]
}`;
    try {
      run(text);
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(EvalError);
      const d = (e as EvalError).diagnostic;
      expect(d.message).toBe("index 0 is out of range for an array of length 0");
      expect(d.span?.start.line).toBe(4);
      expect(d.span?.start.column).toBe(11);
    }
  });
});

describe("parsed commands", () => {
  function command(text: string, bindings: Record<string, WdlValue>): string {
    const doc = parse(text);
    return renderCommand(doc.tasks[0]!.command!, ctx(bindings, { version: doc.version }));
  }

  it("strip the common indentation of a heredoc command (python_strip)", () => {
    const out = command(
      `version 1.2
task python_strip {
  input {
    File infile
  }
  command<<<
  python <<CODE
    with open("~{infile}") as fp:
      for line in fp:
        if not line.startswith('#'):
          print(line.strip())
  CODE
  >>>
}`,
      { infile: V.file("/path/to/file") },
    );
    expect(out).toBe(
      'python <<CODE\n  with open("/path/to/file") as fp:\n    for line in fp:\n      if not line.startswith(\'#\'):\n        print(line.strip())\nCODE',
    );
  });

  it("treat ${} as a placeholder in brace commands and keep bash variables", () => {
    const out = command(
      `version 1.0
task t {
  input {
    String str
  }
  command {
    s=\${str}
    printf $s
    echo ~{str}
  }
}`,
      { str: V.string("hello") },
    );
    expect(out).toBe("s=hello\nprintf $s\necho hello");
  });

  it("keep ${} as text in heredoc commands", () => {
    const out = command(
      `version 1.2
task t {
  input {
    Int n
  }
  command <<<
    for i in $(seq ~{n}); do
      printf \${i}
    done
  >>>
}`,
      { n: V.int(2) },
    );
    expect(out).toBe("for i in $(seq 2); do\n  printf ${i}\ndone");
  });
});
