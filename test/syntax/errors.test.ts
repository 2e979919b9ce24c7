/**
 * Invalid documents: each must give a located diagnostic (line, column) whose
 * message says what was found and what was expected, in plain words.
 */
import { describe, expect, it } from "vitest";
import { parseDocument } from "../../src/syntax/parse.js";

interface Case {
  readonly name: string;
  readonly src: string;
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: RegExp;
  readonly help?: RegExp;
  /** A leniency (accepted with a warning naming the rule; an error under --strict); default error. */
  readonly severity?: "warning";
}

const v12 = "version 1.2\n";

const cases: Case[] = [
  // ───────────── syntax errors ─────────────
  {
    name: "task body not closed before the workflow",
    src: `${v12}task t {\n  command <<< echo >>>\n\nworkflow w {\n}\n`,
    line: 5, column: 1, code: "syntax-error",
    message: /^expected '\}' to close the task body started at line 2, but found keyword 'workflow'$/,
  },
  {
    name: "declaration without its expression",
    src: `${v12}workflow w {\n  Int x =\n  Int y = 2\n}\n`,
    line: 4, column: 3, code: "syntax-error",
    message: /^expected an expression but found keyword 'Int'$/,
  },
  {
    name: "unclosed parenthesis",
    src: `${v12}workflow w {\n  Int x = (1 + 2\n  Int y = 2\n}\n`,
    line: 4, column: 3, code: "syntax-error",
    message: /expected '\)' to close the parenthesis started at line 3, but found keyword 'Int'/,
  },
  {
    name: "unterminated string",
    src: `${v12}workflow w {\n  String s = "abc\n  Int y = 2\n}\n`,
    line: 3, column: 14, code: "unterminated-string",
    message: /string is not closed: expected " before the end of the line/,
  },
  {
    name: "unterminated heredoc command",
    src: `${v12}task t {\n  command <<< echo\n`,
    line: 4, column: 1, code: "syntax-error",
    message: /expected '>>>' to close the command section started at line 3, but found the end of the file/,
  },
  {
    name: "keyword used as a declaration name",
    src: `${v12}task t {\n  input { Int input }\n  command <<< >>>\n}\n`,
    line: 3, column: 15, code: "reserved-word",
    message: /^'input' is a reserved keyword and cannot name a declaration$/,
    help: /choose another name, such as 'input_'/,
  },
  {
    name: "call input without a value",
    src: `${v12}workflow w {\n  call foo { input: a = }\n}\n`,
    line: 3, column: 25, code: "syntax-error",
    message: /^expected an expression but found '\}'$/,
  },
  {
    name: "call inputs without commas",
    src: `${v12}workflow w {\n  call bar { x = 1 y = 2 }\n}\n`,
    line: 3, column: 20, code: "syntax-error",
    message: /expected '\}' to close the call body started at line 3, but found name 'y'/,
    help: /separate the entries with ','/,
  },
  {
    name: "unexpected character",
    src: `${v12}workflow w {\n  Int x = 1 @ 2\n}\n`,
    line: 3, column: 13, code: "syntax-error",
    message: /^unexpected character '@'$/,
  },
  {
    name: "misspelled section keyword",
    src: `${v12}workflow w {\n  paramter_meta {\n  }\n}\n`,
    line: 3, column: 17, code: "syntax-error",
    message: /expected a name for the declaration but found '\{'/,
    help: /did you mean 'parameter_meta'\?/,
  },
  {
    name: "workflow body not closed",
    src: `${v12}workflow w {\n  if (x) {\n    Int y = 1\n  }\n`,
    line: 6, column: 1, code: "syntax-error",
    message: /expected '\}' to close the workflow body started at line 2, but found the end of the file/,
  },
  {
    name: "scatter header missing ')'",
    src: `${v12}workflow w {\n  scatter (i in range(3) {\n    Int y = 1\n  }\n}\n`,
    line: 3, column: 26, code: "syntax-error",
    message: /expected '\)' to close the scatter header started at line 3, but found '\{'/,
  },
  {
    name: "if-then without else",
    src: `${v12}workflow w {\n  Int x = if a then b\n}\n`,
    line: 4, column: 1, code: "syntax-error",
    message: /^expected 'else' but found '\}'$/,
    help: /needs an else branch/,
  },
  {
    name: "array type missing ']'",
    src: `${v12}workflow w {\n  Array[Int x = [1]\n}\n`,
    line: 3, column: 13, code: "syntax-error",
    message: /expected '\]' to close the type parameters started at line 3, but found name 'x'/,
  },
  {
    name: "map literal missing a comma",
    src: `${v12}workflow w {\n  Map[String, Int] m = {"a": 1 "b": 2}\n}\n`,
    line: 3, column: 32, code: "syntax-error",
    message: /expected '\}' to close the map literal started at line 3, but found a string/,
  },
  {
    name: "bare function call as a statement",
    src: `${v12}workflow w {\n  select_first([1])\n}\n`,
    line: 3, column: 15, code: "syntax-error",
    message: /expected a name for the declaration but found '\('/,
    help: /cannot stand alone as a statement/,
  },
  {
    name: "capitalized keyword at the top level",
    src: `${v12}Struct B {\n  Int a\n}\n`,
    line: 2, column: 1, code: "syntax-error",
    message: /expected 'import', 'struct', 'task' or 'workflow' but found name 'Struct'/,
    help: /did you mean 'struct'\?/,
  },
  {
    name: "stray brace at the top level",
    src: `${v12}workflow w {\n}\n}\n`,
    line: 4, column: 1, code: "unmatched-brace",
    message: /^unexpected '\}': it closes nothing$/,
  },
  {
    name: "version not first",
    src: `workflow w {}\nversion 1.2\n`,
    line: 1, column: 1, code: "missing-version",
    message: /does not start with a version statement/,
  },
  {
    name: "unsupported version",
    src: `version 2.0\nworkflow w {}\n`,
    line: 1, column: 1, code: "unsupported-version",
    message: /^unsupported WDL version '2.0'$/,
    help: /1.0, 1.1, 1.2 and 1.3/,
  },
  {
    name: "draft version name",
    src: `version draft-3\nworkflow w {}\n`,
    line: 1, column: 1, code: "unsupported-version",
    message: /unsupported WDL version 'draft-3'/,
  },
  {
    name: "bare 'command' keyword",
    src: `${v12}task t {\n  command\n  echo hi\n}\n`,
    line: 3, column: 3, code: "syntax-error",
    message: /in task 't', but found keyword 'command'/,
    help: /'command <<< … >>>' or 'command \{ … \}'/,
  },
  {
    name: "expression in a meta section",
    src: `${v12}task t {\n  command <<< >>>\n  meta {\n    author: someone\n  }\n}\n`,
    line: 5, column: 13, code: "invalid-meta-value",
    message: /'someone' is not a meta value/,
  },
  {
    name: "integer out of the 64-bit range",
    src: `${v12}workflow w {\n  Int x = 9223372036854775808\n}\n`,
    line: 3, column: 11, code: "int-out-of-range",
    message: /the integer 9223372036854775808 is out of range/,
  },
  {
    name: "unknown escape sequence",
    src: `${v12}workflow w {\n  String s = "a\\qb"\n}\n`,
    line: 3, column: 16, code: "unknown-escape", severity: "warning",
    message: /unknown escape sequence '\\q' is kept as the two characters/,
  },
  {
    name: "short hex escape",
    src: `${v12}workflow w {\n  String s = "\\x4"\n}\n`,
    line: 3, column: 15, code: "invalid-escape",
    message: /'\\x' must be followed by 2 hexadecimal digits/,
  },
  {
    name: "unknown placeholder option",
    src: `${v12}workflow w {\n  String s = "~{joiner=',' xs}"\n}\n`,
    line: 3, column: 17, code: "unknown-placeholder-option",
    message: /unknown placeholder option 'joiner'/,
  },
  {
    name: "placeholder in an import URI",
    src: `${v12}import "~{x}.wdl"\n`,
    line: 2, column: 9, code: "import-placeholder",
    message: /import URI cannot contain placeholders/,
  },
  // ───────────── structure ─────────────
  {
    name: "two command sections",
    src: `${v12}task t {\n  command <<< >>>\n  command <<< >>>\n}\n`,
    line: 4, column: 3, code: "duplicate-section",
    message: /^task 't' has a second command section$/,
  },
  {
    name: "two output sections",
    src: `${v12}task t {\n  command <<< >>>\n  output {}\n  output {}\n}\n`,
    line: 5, column: 3, code: "duplicate-section",
    message: /^task 't' has a second output section$/,
  },
  {
    name: "two input sections in a workflow",
    src: `${v12}workflow w {\n  input {}\n  input {}\n}\n`,
    line: 4, column: 3, code: "duplicate-section",
    message: /^workflow 'w' has a second input section$/,
  },
  {
    name: "a second workflow",
    src: `${v12}workflow a {}\nworkflow b {}\n`,
    line: 3, column: 10, code: "second-workflow",
    message: /only one workflow, but 'b' is a second one/,
  },
  {
    name: "task without a command",
    src: `${v12}task t {\n  output { Int x = 1 }\n}\n`,
    line: 2, column: 6, code: "missing-command",
    message: /^task 't' has no command section$/,
  },
  {
    name: "runtime together with requirements",
    src: `${v12}task t {\n  command <<< >>>\n  requirements { cpu: 1 }\n  runtime { cpu: 1 }\n}\n`,
    line: 5, column: 3, code: "runtime-with-requirements",
    message: /runtime section and a requirements section/,
  },
  {
    name: "repeated runtime key",
    src: `${v12}task t {\n  command <<< >>>\n  runtime {\n    cpu: 1\n    cpu: 2\n  }\n}\n`,
    line: 6, column: 5, code: "duplicate-runtime-key", severity: "warning",
    message: /the key 'cpu' appears twice in this runtime section; the last value is used/,
  },
  {
    name: "call inside a task",
    src: `${v12}task t {\n  command <<< >>>\n  call other\n}\n`,
    line: 4, column: 3, code: "misplaced-element",
    message: /^a call is not allowed in task 't'$/,
  },
  {
    name: "input section inside a scatter",
    src: `${v12}workflow w {\n  scatter (i in [1]) {\n    input { Int x }\n  }\n}\n`,
    line: 4, column: 5, code: "misplaced-element",
    message: /^an input section is not allowed in a scatter body$/,
  },
  {
    name: "private declaration without a value",
    src: `${v12}workflow w {\n  Int x\n}\n`,
    line: 3, column: 3, code: "unbound-declaration",
    message: /declaration 'x' must have a value, because it is not in an input section/,
  },
  {
    name: "output without a value",
    src: `${v12}workflow w {\n  output {\n    Array[Int] x\n  }\n}\n`,
    line: 4, column: 5, code: "unbound-output",
    message: /^output 'x' must have a value$/,
    help: /Array\[Int\] x = <expression>/,
  },
  {
    name: "struct member with a value",
    src: `${v12}struct S {\n  Int a = 1\n}\n`,
    line: 3, column: 11, code: "struct-member-value",
    message: /struct member 'a' cannot have a value/,
  },
  {
    name: "env in a workflow",
    src: `${v12}workflow w {\n  env String s = "x"\n}\n`,
    line: 3, column: 3, code: "misplaced-env",
    message: /'env' may only be used on task inputs and private task declarations/,
  },
  {
    name: "declaration at the top level",
    src: `${v12}Int x = 1\n`,
    line: 2, column: 1, code: "misplaced-element",
    message: /a declaration is not allowed at the top level/,
  },
  {
    name: "hints literal outside a hints section",
    src: `${v12}workflow w {\n  Int x = hints { a: 1 }\n}\n`,
    line: 3, column: 11, code: "misplaced-hints-literal",
    message: /may only be used as a value in a hints section/,
  },
  // ───────────── version-gated features ─────────────
  ...gated("1.1", "requirements section", 4, 3, `task t {\n  command <<< >>>\n  requirements { cpu: 1 }\n}`, /the requirements section requires WDL 1.2 or later, but this document is version 1.1/),
  ...gated("1.1", "hints section", 4, 3, `task t {\n  command <<< >>>\n  hints { x: 1 }\n}`, /the hints section requires WDL 1.2/),
  ...gated("1.0", "exponentiation", 3, 13, `workflow w {\n  Int x = 2 ** 3\n}`, /the exponentiation operator '\*\*' requires WDL 1.2/),
  ...gated("1.1", "multi-line string", 3, 14, `workflow w {\n  String s = <<<\n  a\n  >>>\n}`, /multi-line strings \(<<< >>>\) requires WDL 1.2/),
  ...gated("1.1", "Directory", 3, 3, `workflow w {\n  Directory d = "."\n}`, /the Directory type requires WDL 1.2/),
  ...gated("1.1", "env", 4, 5, `task t {\n  input {\n    env String s\n  }\n  command <<< >>>\n}`, /'env' declarations requires WDL 1.2/),
  ...gated("1.1", "struct meta", 4, 3, `struct S {\n  Int a\n  meta { description: "x" }\n}`, /meta and parameter_meta sections in structs requires WDL 1.2/),
  ...gated("1.0", "struct literal", 6, 9, `struct S {\n  Int a\n}\nworkflow w {\n  S s = S { a: 1 }\n}`, /struct literals requires WDL 1.1/),
  ...gated("1.0", "None", 3, 12, `workflow w {\n  Int? x = None\n}`, /the None literal requires WDL 1.1/),
  ...gated("1.0", "call input shorthand", 4, 19, `workflow w {\n  Int a = 1\n  call t { input: a }\n}`, /call input shorthand .* requires WDL 1.1/),
  ...gated("1.0", "call without input:", 3, 12, `workflow w {\n  call t { a = 1 }\n}`, /call inputs without the 'input:' keyword requires WDL 1.1/),
  ...gated("1.0", "after", 4, 15, `workflow w {\n  call t\n  call t as u after t\n}`, /'after' clauses in calls requires WDL 1.1/),
  ...gated("1.1", "task variable", 3, 22, `task t {\n  command <<< echo ~{task.name} >>>\n}`, /the implicit 'task' variable requires WDL 1.2/),
];

function gated(version: string, name: string, line: number, column: number, body: string, message: RegExp): Case[] {
  return [{ name: `${name} in ${version}`, src: `version ${version}\n${body}\n`, line, column, code: "version-feature", message, help: /change the first line to 'version/ }];
}

describe("invalid documents give located, plain-words diagnostics", () => {
  it("has at least 30 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const { diagnostics } = parseDocument(c.src, "/w/test.wdl");
    const found = diagnostics.find((d) => d.code === c.code);
    if (found === undefined) {
      throw new Error(`no ${c.code} diagnostic; got: ${diagnostics.map((d) => `${d.code}: ${d.message}`).join(" | ")}`);
    }
    expect(found.severity).toBe(c.severity ?? "error");
    expect(found.message).toMatch(c.message);
    expect([found.span?.start.line, found.span?.start.column]).toEqual([c.line, c.column]);
    expect(found.span?.uri).toBe("/w/test.wdl");
    if (c.help) expect(found.help).toMatch(c.help);
    // Messages are sentences, not Chevrotain token dumps.
    expect(found.message).not.toMatch(/-->|<--|Expecting|token of type|RCurly|LCurly|Identifier/);
  });

  it("reports several independent errors in one document", () => {
    const src = `${v12}workflow w {\n  Int x =\n  Int y = (1 + \n  String s = "ok"\n  Int z = 1 @ 2\n}\n`;
    const { diagnostics } = parseDocument(src, "/w/many.wdl");
    const lines = diagnostics.filter((d) => d.severity === "error").map((d) => d.span?.start.line);
    expect(lines).toEqual(expect.arrayContaining([4, 5, 6]));
  });

  it("related information points at the first duplicate", () => {
    const { diagnostics } = parseDocument(`${v12}task t {\n  command <<< >>>\n  command <<< >>>\n}\n`, "/w/d.wdl");
    const dup = diagnostics.find((d) => d.code === "duplicate-section");
    expect(dup?.related?.[0]?.span.start.line).toBe(3);
  });

  it("drops the second workflow and keeps the first", () => {
    const { document } = parseDocument(`${v12}workflow a {}\nworkflow b {}\n`, "/w/two.wdl");
    expect(document?.workflow?.name.name).toBe("a");
  });
});
