/**
 * WDL 1.3 in the front end: the version, the relaxed import rule, `else if` /
 * `else` chains, the 1.3 standard-library additions, enumerations and the
 * `task` variable in requirements. Each case is a hand-written document and
 * the one diagnostic (code, position, message) it must give, or none.
 */
import { describe, expect, it } from "vitest";
import { at, check, doc, errorsOf, type DiagnosticCase } from "./kit.js";

const W13 = (...body: string[]) => doc("version 1.3", "", "workflow w {", ...body, "}");

/** Documents that must check without any diagnostic. */
const clean: { name: string; src: string; files?: Record<string, string> }[] = [
  { name: "version 1.3", src: W13("  Int x = 1", "  output {", "    Int y = x", "  }") },
  { name: "a 1.3 document imports 1.2, 1.1 and 1.0 documents", src: doc("version 1.3", 'import "a.wdl"', 'import "b.wdl"', 'import "c.wdl"'), files: { "a.wdl": doc("version 1.2"), "b.wdl": doc("version 1.1"), "c.wdl": doc("version 1.0") } },
  {
    name: "else if / else: every branch's names are optional outside",
    src: W13(
      "  input {",
      "    String mode",
      "  }",
      '  if (mode == "a") {',
      "    Int a = 1",
      '  } else if (mode == "b") {',
      "    Int b = 2",
      "  } else {",
      "    Int c = 3",
      "  }",
      "  output {",
      "    Int? oa = a",
      "    Int? ob = b",
      "    Int picked = select_first([a, b, c])",
      "  }",
    ),
  },
  {
    name: "enums: plain, valued, typed, in structs, value(), equality, interpolation",
    src: doc(
      "version 1.3",
      'enum Color { Red = "#FF0000", Green = "#00FF00" }',
      "enum Status {",
      "  Pending",
      "  Done",
      "}",
      "enum Weight[Float] { Light = 1, Heavy = 2.5 }",
      "struct Job {",
      "  Color color",
      "}",
      "workflow w {",
      "  input {",
      "    Color c = Color.Red",
      "  }",
      "  Job j = Job { color: Color.Green }",
      "  output {",
      "    String hex = value(c)",
      "    Float w = value(Weight.Light)",
      "    Boolean same = j.color == c",
      '    String s = "~{Status.Done}"',
      "    Array[String] parts = split(hex, \"F+\")",
      "  }",
      "}",
    ),
  },
  { name: "an enum from an imported document, under an alias", src: doc("version 1.3", 'import "lib.wdl" alias Color as Colour', "workflow w {", "  output {", "    Colour c = Colour.Red", "  }", "}"), files: { "lib.wdl": doc("version 1.3", "enum Color { Red, Green }") } },
  { name: "enum is still a name before 1.3", src: doc("version 1.2", "workflow w {", "  Int enum = 1", "  output {", "    Int o = enum", "  }", "}") },
  {
    name: "task in requirements, hints and runtime; task.previous and task.max_retries",
    src: doc(
      "version 1.3",
      "task t {",
      "  command <<< echo ~{task.max_retries} ~{task.previous.cpu} >>>",
      "  requirements {",
      '    memory: if defined(task.previous.memory) then "~{select_first([task.previous.memory]) * 2} B" else "1 GiB"',
      "    cpu: task.attempt + 1",
      "    max_retries: 2",
      "  }",
      "  hints {",
      "    max_cpu: task.attempt + 2",
      "  }",
      "  output {",
      "    Boolean last = task.attempt == task.max_retries",
      "  }",
      "}",
    ),
  },
];

const cases: DiagnosticCase[] = [
  {
    name: "a 1.2 document imports a 1.3 one",
    src: doc("version 1.2", 'import "new.wdl"'),
    files: { "new.wdl": doc("version 1.3") },
    code: "import-version-newer",
    at: "2:8",
    message: "this document is version 1.2 and cannot import a version 1.3 document",
  },
  { name: "else if in 1.2", src: doc("version 1.2", "workflow w {", "  if (true) {", "  } else if (false) {", "  }", "}"), code: "version-feature", at: "4:5", message: "an 'else if' or 'else' clause requires WDL 1.3" },
  { name: "else before else if", src: W13("  if (true) {", "  } else {", "  } else if (false) {", "  }"), code: "else-not-last", at: "6:5", message: "'else' clause must be the last clause" },
  { name: "else if condition not Boolean", src: W13("  if (true) {", '  } else if ("no") {', "  }"), code: "condition-type", at: "5:14", message: "found `String`" },
  { name: "a name in two branches", src: W13("  if (true) {", "    Int x = 1", "  } else {", "    Int x = 2", "  }"), code: "duplicate-name", at: "7:9", message: "`x`" },
  { name: "a branch's name is optional outside", src: W13("  if (true) {", "    Int x = 1", "  } else {", "    Int y = 2", "  }", "  Int z = y"), code: "optional-mismatch", at: "9:11", message: "`Int?`" },
  { name: "task in requirements before 1.3", src: doc("version 1.2", "task t {", "  command <<< >>>", "  requirements {", "    cpu: task.attempt + 1", "  }", "}"), code: "unknown-name", at: "5:10", message: "only available in a task's command and output" },
  { name: "task.previous is not the task's resources", src: doc("version 1.3", "task t {", "  command <<< >>>", "  requirements {", "    cpu: task.cpu", "  }", "}"), code: "unknown-member", at: "5:15", message: "no member `cpu`" },
  { name: "task.previous fields are optional", src: doc("version 1.3", "task t {", "  command <<< >>>", "  requirements {", "    cpu: task.previous.cpu + 1", "  }", "}"), code: "optional-operand", at: "5:10", message: "`Float?`" },
  { name: "enum before 1.3", src: doc("version 1.2", "enum Color { Red }"), code: "version-feature", at: "2:1", message: "enum definitions require" },
  { name: "misspelt enum choice", src: doc("version 1.3", "enum Color { Red, Green }", "workflow w {", "  Color c = Color.Gren", "}"), code: "unknown-enum-choice", at: "4:19", message: "enum `Color` has no choice `Gren`; its choices are `Red`, `Green`" },
  { name: "enum values without a common type", src: doc("version 1.3", 'enum Bad { A = 1, B = "x" }'), code: "enum-value-types", at: "2:23", message: "no common type: `Int` and `String`" },
  { name: "enum value of the wrong type", src: doc("version 1.3", 'enum Bad[Int] { A = "x" }'), code: "type-mismatch", at: "2:21", message: "`Int` but found `String`" },
  { name: "enum value not a literal", src: doc("version 1.3", "enum Bad { A = length([1]) }"), code: "enum-value-not-literal", at: "2:16", message: "must be a literal" },
  { name: "enums are not ordered", src: doc("version 1.3", "enum E { A, B }", "workflow w {", "  Boolean b = E.A < E.B", "}"), code: "operator-type", at: "4:15", message: "`<`" },
  { name: "an enum is not a String", src: doc("version 1.3", "enum E { A }", "workflow w {", "  String s = E.A", "}"), code: "type-mismatch", at: "4:14", message: "`String` but found `E`" },
  { name: "duplicate enum choice", src: doc("version 1.3", "enum E { A, A }"), code: "duplicate-name", at: "2:13", message: "enum choice `A`" },
  { name: "split before 1.3", src: doc("version 1.2", "workflow w {", '  Array[String] a = split("a,b", ",")', "}"), code: "version-gated", at: "3:21", message: "`split` requires WDL 1.3" },
];

describe("WDL 1.3: documents that check clean", () => {
  for (const c of clean) {
    it(c.name, () => {
      expect(check(c.src, c.files ?? {}).diagnostics.map((d) => `${at(d)} ${d.code}: ${d.message}`)).toEqual([]);
    });
  }
});

describe("WDL 1.3: diagnostics", () => {
  for (const c of cases) {
    it(c.name, () => {
      const errors = errorsOf(c.src, c.files ?? {});
      expect(errors.map((d) => `${at(d)} ${d.code}`)).toEqual([`${c.at} ${c.code}`]);
      expect(errors[0]!.message).toContain(c.message);
    });
  }
});

describe("WDL 1.3: suggestions", () => {
  it("a misspelt enum choice suggests the nearest one", () => {
    const [e] = errorsOf(doc("version 1.3", "enum Color { Red, Green }", "workflow w {", "  Color c = Color.Gren", "}"));
    expect(e?.help).toBe("did you mean `Green`?");
  });
});
