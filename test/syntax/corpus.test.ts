/**
 * Every .wdl file of the conformance corpus (spec-1.2 and spec-1.1) parses
 * with no syntax diagnostics, except the few the corpus errata list as
 * syntactically invalid spec examples, which must produce a located diagnostic.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "../../src/syntax/parse.js";
import { corpusFiles } from "./corpus.js";

/**
 * Spec examples that are not valid WDL syntax, keyed by set and file name, with the line and
 * message of the first error. Some are expected-to-fail tests whose failure is a syntax
 * error (a bare expression statement, an unclosed string); the others are
 * typos that the corpus errata (or later spec revisions) fix.
 */
const syntacticallyInvalid: Readonly<Record<string, { line: number; message: RegExp }>> = {
  // errata: "typo capitalized Struct"
  "spec-1.2/struct_to_struct.wdl": { line: 7, message: /but found name 'Struct'/ },
  // errata: "uses python-style `a if c else b`"
  "spec-1.2/test_contains_key.wdl": { line: 18, message: /found keyword 'if'/ },
  // errata: "typo in map literal": {"a": 1, "b", 2}
  "spec-1.2/test_length.wdl": { line: 7, message: /expected ':' but found ','/ },
  // `paramter_meta` typo (fixed in WDL 1.2.1)
  "spec-1.2/person_struct_task.wdl": { line: 24, message: /expected a name for the declaration but found '\{'/ },
  // fail:true tests whose failure is syntactic: a bare call as a statement
  "spec-1.2/select_first_only_none_fail.wdl": { line: 5, message: /expected a name for the declaration but found '\('/ },
  "spec-1.1/select_first_only_none_fail.wdl": { line: 5, message: /expected a name for the declaration but found '\('/ },
  "spec-1.2/select_first_empty_fail.wdl": { line: 4, message: /expected a name for the declaration but found '\('/ },
  "spec-1.1/select_first_empty_fail.wdl": { line: 4, message: /expected a name for the declaration but found '\('/ },
  "spec-1.2/coercion_fail.wdl": { line: 11, message: /expected a name for the declaration but found '\('/ },
  // fail:true tests with an unbalanced quote: [["a", "b], ["c", "d"]]
  "spec-1.2/test_prefix_fail.wdl": { line: 4, message: /expected '\]'/ },
  "spec-1.1/test_prefix_fail.wdl": { line: 4, message: /expected '\]'/ },
  "spec-1.2/test_suffix_fail.wdl": { line: 4, message: /expected '\]'/ },
  "spec-1.1/test_suffix_fail.wdl": { line: 4, message: /expected '\]'/ },
};

const files = corpusFiles();

describe("conformance corpus parses", () => {
  it("finds the corpus", () => {
    expect(files.length).toBeGreaterThan(300);
  });

  it.each(files.map((f) => [f.split("wdl-conformance/")[1] ?? f, f]))("%s", (_name, file) => {
    const text = readFileSync(file, "utf8");
    const { document, diagnostics } = parseDocument(text, file);
    const set = file.includes("spec-1.1") ? "spec-1.1" : "spec-1.2";
    const invalid = syntacticallyInvalid[`${set}/${basename(file)}`];
    if (invalid) {
      const first = diagnostics.find((d) => d.severity === "error");
      if (first === undefined) throw new Error("expected a syntax error");
      expect(first.span?.start.line).toBe(invalid.line);
      expect(first.message).toMatch(invalid.message);
      return;
    }
    const errors = diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => `${d.span?.start.line}:${d.span?.start.column} ${d.message}`)).toEqual([]);
    expect(document).toBeDefined();
  });
});
