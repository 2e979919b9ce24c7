/** Warnings: deprecated features and suspicious code never fail a check, but are reported where they are. */
import { describe, expect, it } from "vitest";
import { at, doc, errorsOf, warningsOf, type DiagnosticCase } from "./kit.js";

type Case = DiagnosticCase;

const cases: Case[] = [
  { name: "unused task input", src: doc("version 1.2", "task t {", "  input {", "    Int unused", "  }", "  command <<< >>>", "}"), code: "unused-input", at: "4:9", message: "input `unused` is never used" },
  { name: "unused private declaration", src: doc("version 1.2", "task t {", "  Int scratch = 1", "  command <<< >>>", "}"), code: "unused-declaration", at: "3:7", message: "private declaration `scratch` is never used" },
  { name: "unused workflow input", src: doc("version 1.2", "workflow w {", "  input {", "    String s", "  }", "}"), code: "unused-input", at: "4:12", message: "`s`" },
  { name: "Object type", src: doc("version 1.1", "workflow w {", "  input {", "    Object o", "  }", "  output {", "    Object p = o", "  }", "}"), code: "deprecated-object", at: "4:5", message: "`Object` type is deprecated" },
  { name: "object literal", src: doc("version 1.1", "workflow w {", "  output {", "    Object p = object { a: 1 }", "  }", "}"), code: "deprecated-object", at: "4:16", message: "deprecated" },
  { name: "runtime section in 1.2", src: doc("version 1.2", "task t {", "  command <<< >>>", "  runtime {", "    cpu: 1", "  }", "}"), code: "deprecated-runtime", at: "4:3", message: "`runtime` section is deprecated" },
  { name: "docker alias in 1.2", src: doc("version 1.2", "task t {", "  command <<< >>>", "  requirements {", '    docker: "ubuntu"', "  }", "}"), code: "deprecated-key", at: "5:5", message: "`docker` is deprecated" },
  { name: "placeholder option in 1.2", src: doc("version 1.2", "task t {", "  input {", "    Array[String] xs", "  }", "  command <<< echo ~{sep=',' xs} >>>", "}"), code: "deprecated-placeholder-option", at: "6:22", message: "`sep` placeholder option is deprecated" },
  { name: "declaration named like a struct", src: doc("version 1.2", "struct S {", "  Int a", "}", "workflow w {", "  Int S = 1", "  output {", "    Int o = S", "  }", "}"), code: "shadowing", at: "6:7", message: "shadows a struct type" },
  { name: "declaration named like a namespace", src: doc("version 1.2", 'import "lib.wdl"', "workflow w {", "  Int lib = 1", "  output {", "    Int o = lib", "  }", "}"), files: { "lib.wdl": doc("version 1.2") }, code: "shadowing", at: "4:7", message: "an imported namespace" },
  { name: "Int assigned to String", src: doc("version 1.2", "workflow w {", "  output {", "    String s = 1", "  }", "}"), code: "number-to-string", at: "4:16", message: "`Int` is converted to `String` (its text)" },
  { name: "File assigned to String", src: doc("version 1.2", "workflow w {", "  File f = 'a'", "  output {", "    String s = f", "  }", "}"), code: "implicit-string-conversion", at: "5:16", message: "`File`" },
  { name: "String + Int outside a placeholder", src: doc("version 1.2", "workflow w {", "  output {", '    String s = "a" + 1', "  }", "}"), code: "deprecated-concatenation", at: "4:16", message: "concatenating a `String` with `Int` is deprecated" },
  { name: "runtime key typo", src: doc("version 1.1", "task t {", "  command <<< >>>", "  runtime {", '    dockr: "ubuntu"', "  }", "}"), code: "unknown-runtime-key", at: "5:5", message: "`dockr`" },
  { name: "runtime attribute of the wrong type", src: doc("version 1.1", "task t {", "  command <<< >>>", "  runtime {", '    cpu: "two"', "  }", "}"), code: "runtime-type", at: "5:10", message: "`cpu` should be an `Int` or `Float`" },
  { name: "reserved hint of the wrong type", src: doc("version 1.2", "task t {", "  command <<< >>>", "  hints {", '    short_task: "yes"', "  }", "}"), code: "hint-type", at: "5:17", message: "`short_task` should be a `Boolean`" },
  { name: "wdlrun's nodes hint of the wrong type", src: doc("version 1.2", "task t {", "  command <<< >>>", "  hints {", '    nodes: "two"', "  }", "}"), code: "hint-type", at: "5:12", message: "`nodes` should be an `Int` (wdlrun: the number of ranks of a gang)" },
  { name: "parameter_meta for nothing", src: doc("version 1.2", "task t {", "  command <<< >>>", "  parameter_meta {", '    ghost: "x"', "  }", "}"), code: "unknown-parameter-meta", at: "5:5", message: "`ghost`" },
  { name: "Object functions", src: doc("version 1.1", "workflow w {", "  output {", "    File f = write_object(object { a: 1 })", "  }", "}"), code: "deprecated-function", at: "4:14", message: "`write_object` is deprecated" },
  {
    name: "required input left to run time (1.2)",
    src: doc("version 1.2", "task t {", "  input {", "    Int n", "  }", "  command <<< ~{n} >>>", "}", "workflow w {", "  call t", "  hints {", "    allow_nested_inputs: true", "  }", "}"),
    code: "deprecated-nested-input",
    at: "9:8",
    message: "leaves required input `n` to be set at run time",
  },
  { name: "allowNestedInputs in meta (1.2)", src: doc("version 1.2", "workflow w {", "  meta {", "    allowNestedInputs: true", "  }", "}"), code: "deprecated-key", at: "4:5", message: "`meta.allowNestedInputs` is deprecated" },
  { name: "imports of another version", src: doc("version 1.2", 'import "old.wdl"'), files: { "old.wdl": doc("version 1.0") }, code: "import-version-mismatch", at: "2:8", message: "version 1.0" },
];

describe("warnings", () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(errorsOf(c.src, c.files).map((d) => d.message)).toEqual([]);
      const ws = warningsOf(c.src, c.files);
      const found = ws.find((d) => d.code === c.code && at(d) === c.at);
      expect(found, ws.map((d) => `${at(d)} ${d.code}: ${d.message}`).join("\n")).toBeDefined();
      expect(found!.message).toContain(c.message);
    });
  }
  it("1.0/1.1 meta allowNestedInputs permits required inputs left to run time silently", () => {
    const src = doc("version 1.1", "task t {", "  input {", "    Int n", "  }", "  command <<< ~{n} >>>", "}", "workflow w {", "  call t", "  meta {", "    allowNestedInputs: true", "  }", "}");
    expect(errorsOf(src)).toEqual([]);
    expect(warningsOf(src)).toEqual([]);
  });
  it("env inputs are not reported as unused", () => {
    const src = doc("version 1.2", "task t {", "  input {", "    env String GREETING", "  }", "  command <<< echo $GREETING >>>", "}");
    expect(warningsOf(src)).toEqual([]);
  });
  it("Object is not deprecated in 1.0", () => {
    const src = doc("version 1.0", "workflow w {", "  input {", "    Object o", "  }", "  output {", "    Object p = o", "  }", "}");
    expect(warningsOf(src)).toEqual([]);
  });
  it("a clean document has no warnings", () => {
    const src = doc(
      "version 1.2",
      "task t {",
      "  input {",
      "    String name",
      "  }",
      "  command <<< echo ~{name} >>>",
      "  output {",
      "    String out = read_string(stdout())",
      "  }",
      "  requirements {",
      '    container: "ubuntu:22.04"',
      '    memory: "1 GiB"',
      "  }",
      "}",
      "workflow w {",
      "  input {",
      "    Array[String] names",
      "  }",
      "  scatter (n in names) {",
      "    call t { name = n }",
      "  }",
      "  output {",
      "    Array[String] outs = t.out",
      "  }",
      "}",
    );
    expect(warningsOf(src)).toEqual([]);
    expect(errorsOf(src)).toEqual([]);
  });
});
