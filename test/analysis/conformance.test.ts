/**
 * Every example of the WDL 1.2 and 1.1 specifications that is not expected
 * to fail (config.json `fail` is not true) must check with zero errors
 * (warnings allowed). The corpus lives outside the repository:
 * ../shared/wdl-conformance, or $WDL_CONFORMANCE_DIR.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requireCorpusDir } from "../../conformance/corpus.js";
import { analyzeFile } from "../../src/analysis/index.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";

const corpus = requireCorpusDir();

/**
 * Examples that are invalid WDL as written in the spec (each also listed, or
 * explained, in the corpus' errata.json). Keep this short and honest.
 */
const INVALID_EXAMPLES: Record<string, string> = {
  "spec-1.2/file_sizes_task": "puts a `File?` into `Map[String, Pair[Int, File]]` (errata: 'Map[String, Pair[Int, File]] includes File? value')",
  "spec-1.2/import_structs": "person_struct_task.wdl misspells `paramter_meta` in a struct, and the workflow calls `person_struct.greet_person` although the import's namespace is `person_struct_task`",
  "spec-1.1/import_structs": "calls `person_struct.greet_person` although the import's namespace is `person_struct_task`",
  "spec-1.2/join_paths_task": "uses the undeclared name `rel_str_dir` (the input is `rel_dir_str`)",
  "spec-1.2/multi_nested_inputs": "imports test_allow_nested_inputs.wdl, whose task `nested` declares `greeting` twice (errata), and calls it without its namespace",
  "spec-1.2/test_allow_nested_inputs": "task `nested` declares `greeting` twice (errata: 'two definitions of `greeting`')",
  "spec-1.2/test_object": "uses the undeclared name `f` (`Int i = f.a`)",
  "spec-1.1/test_object": "uses the undeclared name `f` (`Int i = f.a`)",
  "spec-1.2/test_values": "uses `str_to_files` and `ints`, which are not declared (errata: 'str_to_files should be str_to_ints')",
  "spec-1.2/write_tsv_task": "uses the struct `Numbers` without defining it (errata)",
  "spec-1.2/person_struct_task": "struct `Person` has a `paramter_meta` section (misspelled), a syntax error",
  "spec-1.2/struct_to_struct": "defines `Struct B` with a capital S (errata: 'typo capitalized Struct')",
  "spec-1.2/test_contains_key": "uses Python's `a if c else b` and the undeclared names `s1`, `s2` (errata)",
  "spec-1.2/test_length": "writes the map literal `{\"a\": 1, \"b\", 2}` (errata: 'typo in map literal')",
};

interface Example {
  readonly id: string;
  readonly file: string;
}

function examples(): Example[] {
  const out: Example[] = [];
  for (const set of ["spec-1.2", "spec-1.1"]) {
    const dir = join(corpus, set);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const config = join(dir, name, "config.json");
      if (!existsSync(config)) continue;
      const cfg = JSON.parse(readFileSync(config, "utf8")) as { fail?: boolean };
      if (cfg.fail === true) continue;
      out.push({ id: `${set}/${name}`, file: join(dir, name, `${name}.wdl`) });
    }
  }
  return out;
}

const all = existsSync(corpus) ? examples() : [];

describe.skipIf(all.length === 0)("conformance corpus checks without errors", () => {
  it("finds the corpus", () => {
    expect(all.length).toBeGreaterThan(250);
  });
  for (const ex of all) {
    const excluded = INVALID_EXAMPLES[ex.id];
    it.skipIf(excluded !== undefined)(ex.id, async () => {
      const a = await analyzeFile(ex.file);
      const errors = a.diagnostics.filter((d) => d.severity === "error").map((d) => renderDiagnostic(d, a.sources));
      expect(errors, errors.join("\n")).toEqual([]);
      expect(a.root).toBeDefined();
    });
  }
  it("every exclusion names an example that exists and still has errors", async () => {
    for (const [id, reason] of Object.entries(INVALID_EXAMPLES)) {
      const ex = all.find((e) => e.id === id);
      expect(ex, `${id} (${reason})`).toBeDefined();
      const a = await analyzeFile(ex!.file);
      expect(a.diagnostics.some((d) => d.severity === "error"), `${id} now checks cleanly; remove it from the list`).toBe(true);
    }
  });
});

/** Examples expected to fail whose failure is static: analysis must find it (the code it reports). */
const STATIC_FAILURES: Record<string, string> = {
  "spec-1.2/bash_comment_fail_task": "unknown-name",
  "spec-1.2/bash_variables_fail_task": "unknown-name",
  "spec-1.2/circular": "dependency-cycle",
  "spec-1.2/non_empty_optional_fail": "type-mismatch",
  "spec-1.2/private_declaration_fail": "unknown-call-input",
  "spec-1.2/test_as_map_fail": "type-mismatch",
  "spec-1.1/circular": "dependency-cycle",
  "spec-1.1/non_empty_optional_fail": "type-mismatch",
  "spec-1.1/private_declaration_fail": "unknown-call-input",
};

describe.skipIf(!existsSync(corpus))("failing examples with static errors", () => {
  for (const [id, code] of Object.entries(STATIC_FAILURES)) {
    it(`${id} reports ${code}`, async () => {
      const name = id.slice(id.indexOf("/") + 1);
      const a = await analyzeFile(join(corpus, id, `${name}.wdl`));
      const codes = a.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
      expect(codes).toContain(code);
    });
  }
});
