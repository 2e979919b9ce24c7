/**
 * Hand-written invalid documents: each must produce exactly the expected
 * error (code, position, message) and no other error.
 */
import { describe, expect, it } from "vitest";
import { at, doc, errorsOf, type DiagnosticCase } from "./kit.js";

interface Case extends DiagnosticCase {
  /** How many errors in all (default 1). */
  readonly errors?: number;
}

const T = (body: string[], version = "1.2") => doc(`version ${version}`, "", ...body);
const W = (body: string[], version = "1.2") => T(["workflow w {", ...body, "}"], version);
const TASK_ECHO = ["task echo {", "  input {", "    String msg", "    Int n = 1", "  }", "  command <<< echo ~{msg} ~{n} >>>", "  output {", "    String out = msg", "  }", "}"];

const cases: Case[] = [
  // ── unknown names ──
  { name: "unknown name in a workflow", src: W(["  Int x = y + 1"]), code: "unknown-name", at: "4:11", message: "unknown name `y`" },
  { name: "unknown name with suggestion", src: W(["  Int count = 1", "  Int x = cuont"]), code: "unknown-name", at: "5:11", message: "`cuont`" },
  { name: "unknown name in a task command", src: T(["task t {", "  command <<< echo ~{nope} >>>", "}"]), code: "unknown-name", at: "4:22", message: "`nope`" },
  { name: "task output not visible in the command", src: T(["task t {", "  command <<< echo ~{o} >>>", "  output {", "    Int o = 1", "  }", "}"]), code: "unknown-name", at: "4:22", message: "`o`" },
  { name: "scatter variable not visible outside", src: W(["  scatter (i in [1, 2]) {", "    Int j = i", "  }", "  Int k = i"]), code: "unknown-name", at: "7:11", message: "`i`" },
  { name: "workflow output not visible in the body", src: W(["  Int a = b", "  output {", "    Int b = 1", "  }"]), code: "unknown-name", at: "4:11", message: "`b`" },
  { name: "task variable outside command and outputs", src: T(["task t {", "  String s = task.name", "  command <<< >>>", "}"]), code: "unknown-name", at: "4:14", message: "only available in a task's command and output" },
  { name: "unknown function", src: W(["  Int x = lenght([1])"]), code: "unknown-function", at: "4:11", message: "unknown function `lenght`" },
  { name: "call used as a value", src: T([...TASK_ECHO, "workflow w {", "  call echo { msg = \"hi\" }", "  String s = echo", "}"]), code: "call-as-value", at: "15:14", message: "`echo` is a call" },

  // ── type mismatches ──
  { name: "String to Int", src: W(['  Int x = "a"']), code: "type-mismatch", at: "4:11", message: "expected value of type `Int` but found `String`" },
  { name: "Float to Int", src: W(["  Int x = 1.5"]), code: "type-mismatch", at: "4:11", message: "`Int` but found `Float`" },
  { name: "Boolean to Int", src: W(["  Int x = true"]), code: "type-mismatch", at: "4:11", message: "`Int` but found `Boolean`" },
  { name: "Array item type", src: W(['  Array[Int] xs = [1, "two"]']), code: "type-mismatch", at: "4:23", message: "`Int` but found `String`" },
  { name: "optional to required", src: W(["  Int? a = 1", "  Int b = a"]), code: "optional-mismatch", at: "5:11", message: "optional type `Int?`" },
  { name: "array literal items incompatible", src: W(['  Array[Int] ys = [1]', '  Boolean b = length([1, "x", true]) > 0']), code: "literal-mismatch", at: "5:31", message: "array items have incompatible types `String` and `Boolean`" },
  { name: "map literal values incompatible", src: W(['  Int n = length(as_pairs({"a": 1, "b": [2]}))']), code: "literal-mismatch", at: "4:41", message: "map values" },
  { name: "if-then-else branches differ", src: W(['  Boolean c = true', '  Int x = if c then 1 else [1]']), code: "branch-mismatch", at: "5:11", message: "incompatible types `Int` and `Array[Int]+`" },
  { name: "if condition not Boolean", src: W(["  Int x = if 1 then 1 else 2"]), code: "condition-type", at: "4:14", message: "must be a `Boolean`" },
  { name: "conditional statement condition", src: W(['  if ("yes") {', "    Int x = 1", "  }"]), code: "condition-type", at: "4:7", message: "found `String`" },
  { name: "scatter over non-array", src: W(["  scatter (i in 5) {", "    Int j = i", "  }"]), code: "scatter-type", at: "4:17", message: "found `Int`" },
  { name: "arithmetic on strings", src: W(['  String x = "a" - "b"']), code: "operator-type", at: "4:14", message: "operator `-` cannot be applied to `String` and `String`" },
  { name: "logical and on Int", src: W(["  Boolean b = 1 && true"]), code: "operator-type", at: "4:15", message: "`&&`" },
  { name: "negating a String", src: W(['  Int x = -"a"']), code: "operator-type", at: "4:11", message: "operator `-` cannot be applied to `String`" },
  { name: "comparing an Array with <", src: W(["  Boolean b = [1] < [2]"]), code: "operator-type", at: "4:15", message: "`<`" },
  { name: "optional operand outside a placeholder", src: W(["  Int? a = 1", "  Int b = a + 1"]), code: "optional-operand", at: "5:11", message: "optional type `Int?`" },
  { name: "indexing an Int", src: W(["  Int a = 1", "  Int b = a[0]"]), code: "not-indexable", at: "5:11", message: "`Int` cannot be indexed" },
  { name: "array index must be Int", src: W(["  Array[Int] xs = [1]", '  Int b = xs["0"]']), code: "type-mismatch", at: "5:14", message: "index" },
  { name: "unknown struct member", src: T(["struct P {", "  String name", "}", "workflow w {", '  P p = P { name: "a" }', "  String s = p.nmae", "}"]), code: "unknown-member", at: "8:16", message: "has no member `nmae`" },
  { name: "pair member other than left/right", src: W(["  Pair[Int, Int] p = (1, 2)", "  Int x = p.first"]), code: "unknown-member", at: "5:13", message: "no member `first`" },
  { name: "unknown call output", src: T([...TASK_ECHO, "workflow w {", '  call echo { msg = "hi" }', "  String s = echo.result", "}"]), code: "unknown-member", at: "15:19", message: "no output `result`" },
  { name: "placeholder with an array", src: W(["  Array[Int] xs = [1]", '  String s = "~{xs}"']), code: "placeholder-type", at: "5:17", message: "`Array[Int]` cannot be interpolated" },
  { name: "sep option on a non-array", src: T(["task t {", "  input {", "    Int n", "  }", "  command <<< echo ~{sep=',' n} >>>", "}"], "1.1"), code: "placeholder-option", at: "7:30", message: "`sep` placeholder option needs an array" },
  { name: "map key must be primitive", src: W(["  Map[Int, Int] m = {[1]: 2}"]), code: "map-key-type", at: "4:22", message: "primitive" },
  { name: "empty array for a non-empty type", src: W(["  Array[Int]+ xs = []"]), code: "type-mismatch", at: "4:20", message: "non-empty array" },
  { name: "struct to incompatible struct", src: T(["struct A {", "  Int x", "}", "struct B {", "  Int y", "}", "workflow w {", "  A a = A { x: 1 }", "  B b = a", "}"]), code: "type-mismatch", at: "11:9", message: "`B` but found `A`" },

  // ── struct literals ──
  { name: "struct literal with unknown member", src: T(["struct P {", "  String name", "}", "workflow w {", '  P p = P { name: "a", age: 3 }', "}"]), code: "unknown-member", at: "7:24", message: "struct `P` has no member `age`" },
  { name: "struct literal missing a member", src: T(["struct P {", "  String name", "  Int age", "  Int? height", "}", "workflow w {", '  P p = P { name: "a" }', "}"]), code: "missing-member", at: "9:9", message: "missing required member `age`" },
  { name: "struct literal member type", src: T(["struct P {", "  Int age", "}", "workflow w {", '  P p = P { age: "old" }', "}"]), code: "type-mismatch", at: "7:18", message: "`Int` but found `String`" },
  { name: "unknown struct type in a literal", src: W(["  Int x = 1", "  Boolean b = Q { a: 1 } == Q { a: 1 }"], "1.2"), code: "unknown-type", at: "5:15", message: "unknown type `Q`", errors: 2 },
  { name: "unknown type in a declaration", src: W(["  Sample s = 1"]), code: "unknown-type", at: "4:3", message: "unknown type `Sample`" },

  // ── calls ──
  { name: "missing required call input", src: T([...TASK_ECHO, "workflow w {", "  call echo", "}"]), code: "missing-call-input", at: "14:8", message: "missing required input `msg`" },
  { name: "unknown call input", src: T([...TASK_ECHO, "workflow w {", '  call echo { msg = "a", mesage = "b" }', "}"]), code: "unknown-call-input", at: "14:26", message: "`echo` has no input named `mesage`" },
  { name: "call input of the wrong type", src: T([...TASK_ECHO, "workflow w {", '  call echo { msg = "a", n = "b" }', "}"]), code: "type-mismatch", at: "14:30", message: "input `n` of type `Int`" },
  { name: "shorthand input of the wrong type", src: T([...TASK_ECHO, "workflow w {", "  Array[String] msg = [\"a\"]", "  call echo { msg }", "}"]), code: "type-mismatch", at: "15:15", message: "input `msg` of type `String` but found `Array[String]`" },
  { name: "unknown task", src: T([...TASK_ECHO, "workflow w {", "  call ecko", "}"]), code: "unknown-callee", at: "14:8", message: "no task or workflow named `ecko`" },
  { name: "unknown namespace", src: W(["  call lib.task1"]), code: "unknown-namespace", at: "4:8", message: "no imported namespace named `lib`" },
  { name: "unknown task in a namespace", src: T(['import "lib.wdl"', "workflow w {", "  call lib.nothing", "}"]), files: { "lib.wdl": T(["task t {", "  command <<< >>>", "}"]) }, code: "unknown-callee", at: "5:12", message: "`lib.nothing`" },
  { name: "shorthand input with unknown name", src: T([...TASK_ECHO, "workflow w {", "  call echo { msg }", "}"]), code: "unknown-name", at: "14:15", message: "unknown name `msg`" },
  { name: "after an unknown call", src: T([...TASK_ECHO, "workflow w {", '  call echo { msg = "a" }', '  call echo as e2 after ech { msg = "b" }', "}"]), code: "unknown-name", at: "15:25", message: "`after` names no call called `ech`" },
  { name: "calls in 1.2 need every required input", src: T(["task t {", "  input {", "    Int n", "  }", "  command <<< echo ~{n} >>>", "}", "workflow w {", "  call t", "}"], "1.2"), code: "missing-call-input", at: "10:8", message: "`n`" },

  // ── duplicates and conflicts ──
  { name: "duplicate declaration", src: W(["  Int x = 1", "  Int x = 2"]), code: "duplicate-name", at: "5:7", message: "declaration `x` is already defined" },
  { name: "duplicate across scatter export", src: W(["  scatter (i in [1]) {", "    Int x = i", "  }", "  Int x = 5"]), code: "duplicate-name", at: "7:7", message: "`x` is already defined" },
  { name: "duplicate across two ifs", src: W(["  if (true) {", "    Int x = 1", "  }", "  if (false) {", "    Float x = 1.0", "  }"]), code: "duplicate-name", at: "8:11", message: "`x`" },
  { name: "duplicate call name", src: T([...TASK_ECHO, "workflow w {", '  call echo { msg = "a" }', '  call echo { msg = "b" }', "}"]), code: "duplicate-name", at: "15:8", message: "call `echo` is already defined" },
  { name: "call alias clashes with a declaration", src: T([...TASK_ECHO, "workflow w {", "  Int e = 1", '  call echo as e { msg = "b" }', "}"]), code: "duplicate-name", at: "15:16", message: "call `e`" },
  { name: "duplicate task", src: T(["task t {", "  command <<< >>>", "}", "task t {", "  command <<< >>>", "}"]), code: "duplicate-name", at: "6:6", message: "task `t` is already defined" },
  { name: "duplicate struct", src: T(["struct S {", "  Int a", "}", "struct S {", "  Int b", "}"]), code: "duplicate-name", at: "6:8", message: "struct `S`" },
  { name: "duplicate task input", src: T(["task t {", "  input {", "    Int a", "    String a", "  }", "  command <<< ~{a} >>>", "}"]), code: "duplicate-name", at: "6:12", message: "`a` is already defined" },
  { name: "task output reuses an input name", src: T(["task t {", "  input {", "    Int a", "  }", "  command <<< ~{a} >>>", "  output {", "    Int a = 2", "  }", "}"]), code: "duplicate-name", at: "9:9", message: "output `a`" },
  { name: "workflow output reuses an input name", src: W(["  input {", "    Int n", "  }", "  output {", "    Int n = 1", "  }"]), code: "duplicate-name", at: "8:9", message: "output `n` is already defined" },
  { name: "scatter variable shadows a declaration", src: W(["  Int i = 0", "  scatter (i in [1]) {", "    Int j = i", "  }"]), code: "duplicate-name", at: "5:12", message: "scatter variable `i`" },
  { name: "workflow and task with the same name", src: T(["task w {", "  command <<< >>>", "}", "workflow w {", "}"]), code: "name-conflict", at: "6:10", message: "workflow `w` conflicts with a task" },
  { name: "call named like the workflow", src: T(["task w2 {", "  command <<< >>>", "}", "workflow w {", "  call w2 as w", "}"]), code: "name-conflict", at: "7:14", message: "same name as the workflow" },
  { name: "duplicate namespace", src: T(['import "a/lib.wdl"', 'import "b/lib.wdl"', "workflow w {", "}"]), files: { "a/lib.wdl": T([]), "b/lib.wdl": T([]) }, code: "duplicate-namespace", at: "4:8", message: "namespace `lib` is already imported" },
  { name: "conflicting imported struct", src: T(['import "lib.wdl"', "struct S {", "  String a", "}", "workflow w {", "}"]), files: { "lib.wdl": T(["struct S {", "  Int a", "}"]) }, code: "conflicting-struct", at: "4:8", message: "struct `S`" },
  { name: "task named like an import namespace", src: T(['import "lib.wdl"', "task lib {", "  command <<< >>>", "}"]), files: { "lib.wdl": T([]) }, code: "name-conflict", at: "4:6", message: "task `lib` conflicts with an import namespace" },
  { name: "import alias onto a different struct", src: T(['import "lib.wdl" alias S as Local', "struct Local {", "  String x", "}"]), files: { "lib.wdl": T(["struct S {", "  Int a", "}"]) }, code: "conflicting-struct", at: "4:8", message: "struct `Local`" },
  { name: "recursive struct", src: T(["struct Node {", "  Array[Node] children", "}"]), code: "recursive-struct", at: "3:8", message: "contains itself" },
  { name: "container and docker both given", src: T(["task t {", "  command <<< >>>", "  requirements {", '    container: "a"', '    docker: "b"', "  }", "}"]), code: "duplicate-key", at: "7:5", message: "docker" },

  // ── imports ──
  { name: "missing import", src: T(['import "nope.wdl"', "workflow w {", "}"]), code: "import-not-found", at: "3:8", message: "cannot read imported document `nope.wdl`" },
  { name: "import cycle", src: T(['import "a.wdl"', "workflow w {", "}"]), files: { "a.wdl": T(['import "b.wdl"']), "b.wdl": T(['import "a.wdl"']) }, code: "import-cycle", at: "3:8", message: "a.wdl → b.wdl → a.wdl" },
  { name: "self import", src: T(['import "main.wdl"', "workflow w {", "}"]), code: "import-cycle", at: "3:8", message: "main.wdl → main.wdl" },
  { name: "import alias of an unknown struct", src: T(['import "lib.wdl" alias Nope as Other', "workflow w {", "}"]), files: { "lib.wdl": T(["struct S {", "  Int a", "}"]) }, code: "unknown-struct", at: "3:24", message: "has no struct `Nope`" },
  { name: "import with an invalid default namespace", src: T(['import "my-lib.wdl"', "workflow w {", "}"]), files: { "my-lib.wdl": T([]) }, code: "invalid-namespace", at: "3:8", message: "`my-lib` is not a valid identifier" },

  // ── functions ──
  { name: "too many arguments", src: W(["  Int x = floor(1.5, 2)"]), code: "argument-count", at: "4:11", message: "`floor` does not take 2 arguments" },
  { name: "no arguments", src: W(["  Int x = length()"]), code: "argument-count", at: "4:11", message: "does not take 0 arguments" },
  { name: "wrong argument type", src: W(['  Int x = floor("1.5")']), code: "argument-type", at: "4:17", message: "argument 1 of `floor` has type `String`" },
  { name: "contains with a File needle", src: W(['  Array[String] strings = ["a"]', '  File f = "a"', "  Boolean b = contains(strings, f)"]), code: "argument-type", at: "6:33", message: "argument 2 of `contains`" },
  { name: "select_first of non-array", src: W(["  Int x = select_first(1)"]), code: "argument-type", at: "4:24", message: "`select_first`" },
  { name: "prefix of a compound array", src: W(['  Array[String] xs = prefix("a", [[1]])']), code: "argument-type", at: "4:34", message: "argument 2 of `prefix`" },
  { name: "stdout in a workflow", src: W(["  File f = stdout()"]), code: "function-restricted", at: "4:12", message: "only be used in a task's output section" },
  { name: "glob in a task command", src: T(["task t {", '  command <<< echo ~{length(glob("*"))} >>>', "}"]), code: "function-restricted", at: "4:29", message: "`glob`" },
  { name: "find is 1.2", src: W(['  String? m = find("abc", "b")'], "1.1"), code: "version-gated", at: "4:15", message: "`find` requires WDL 1.2" },
  { name: "sep function is 1.1", src: W(['  String s = sep(",", ["a"])'], "1.0"), code: "version-gated", at: "4:14", message: "`sep` requires WDL 1.1" },
  { name: "min is 1.1", src: W(["  Int s = min(1, 2)"], "1.0"), code: "version-gated", at: "4:11", message: "`min` requires WDL 1.1" },
  { name: "min of Int and Int returned into String", src: W(["  Boolean b = min(1, 2)"]), code: "type-mismatch", at: "4:15", message: "`Boolean` but found `Int`" },

  // ── requirements, runtime, hints ──
  { name: "unknown requirement", src: T(["task t {", "  command <<< >>>", "  requirements {", "    memroy: \"1 GiB\"", "  }", "}"]), code: "unknown-requirement", at: "6:5", message: "`memroy` is not a requirement" },
  { name: "cpu must be a number", src: T(["task t {", "  command <<< >>>", "  requirements {", '    cpu: "two"', "  }", "}"]), code: "requirement-type", at: "6:10", message: "`cpu` must be an `Int` or `Float`, found `String`" },
  { name: "memory must be Int or String", src: T(["task t {", "  command <<< >>>", "  requirements {", "    memory: 1.5", "  }", "}"]), code: "requirement-type", at: "6:13", message: "`memory`" },
  { name: "gpu must be Boolean", src: T(["task t {", "  command <<< >>>", "  requirements {", "    gpu: 1", "  }", "}"]), code: "requirement-type", at: "6:10", message: "`gpu` must be a `Boolean`" },
  { name: "return_codes must be Int, String or Array[Int]", src: T(["task t {", "  command <<< >>>", "  requirements {", "    return_codes: [1.5]", "  }", "}"]), code: "requirement-type", at: "6:19", message: "`return_codes`" },
  { name: "container as Array[Int]", src: T(["task t {", "  command <<< >>>", "  requirements {", "    container: [1]", "  }", "}"]), code: "requirement-type", at: "6:16", message: "`container`" },
  { name: "requirements cannot use output names", src: T(["task t {", "  command <<< >>>", "  output {", "    Int n = 2", "  }", "  requirements {", "    cpu: n", "  }", "}"]), code: "unknown-name", at: "9:10", message: "`n`" },
  { name: "hints inputs naming an unknown input", src: T(["task t {", "  input {", "    File f", "  }", "  command <<< cat ~{f} >>>", "  hints {", "    inputs: input { g: hints { localization_optional: true } }", "  }", "}"]), code: "unknown-name", at: "9:21", message: "no input named `g`" },
  { name: "workflow hint must be a literal", src: W(["  Boolean b = true", "  hints {", "    allow_nested_inputs: b", "  }"]), code: "workflow-hint-expression", at: "6:26", message: "literal" },

  // ── cycles ──
  { name: "workflow declaration cycle", src: W(["  Int a = b", "  Int b = a"]), code: "dependency-cycle", at: "4:7", message: "a → b → a" },
  { name: "self-referencing task declaration", src: T(["task t {", "  Int a = a + 1", "  command <<< >>>", "}"]), code: "self-reference", at: "4:7", message: "`a` refers to itself" },
  { name: "cycle through a call", src: T([...TASK_ECHO, "workflow w {", "  String s = echo.out", "  call echo { msg = s }", "}"]), code: "dependency-cycle", at: "14:10", message: "s → echo → s" },
];

describe("invalid documents", () => {
  it("has at least 60 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });
  for (const c of cases) {
    it(c.name, () => {
      const errors = errorsOf(c.src, c.files);
      const summary = errors.map((d) => `${at(d)} ${d.code}: ${d.message}`);
      const found = errors.find((d) => d.code === c.code && at(d) === c.at);
      expect(found, `expected ${c.code} at ${c.at}; got:\n${summary.join("\n")}`).toBeDefined();
      expect(found!.message).toContain(c.message);
      expect(summary).toHaveLength(c.errors ?? 1);
    });
  }
});
