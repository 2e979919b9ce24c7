import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LocalBackend } from "../../src/backends/local/local-backend.js";
import {
  compareOutputs,
  defaultCorpusDir,
  expectedFor,
  loadExpectedFailures,
  loadSuite,
  runAll,
  SUITES,
  tempOut,
} from "../../conformance/runner.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = defaultCorpusDir();

describe("conformance output comparison", () => {
  it("compares numbers as floats, paths by basename, and fails on missing or extra keys", () => {
    expect(compareOutputs({ "w.x": 1.0 }, { "w.x": 1n }, [])).toBeUndefined();
    expect(compareOutputs({ "w.f": "hello.txt" }, { "w.f": path.join(here, "..", "..", "package.json") }, [])).toMatch(/expected "hello.txt"/);
    expect(compareOutputs({ "w.f": "package.json" }, { "w.f": path.resolve(here, "..", "..", "package.json") }, [])).toBeUndefined();
    expect(compareOutputs({ "w.a": 1 }, {}, [])).toBe("missing output w.a");
    expect(compareOutputs({}, { "w.a": 1 }, [])).toBe("unexpected output w.a");
    expect(compareOutputs({}, { "w.a": 1 }, ["a"])).toBeUndefined();
    expect(compareOutputs({ "w.m": { a: [1, 2] } }, { "w.m": { a: [1, 3] } }, [])).toBe("w.m.a[1]: expected 2, got 3");
  });
});

describe.skipIf(!existsSync(corpus))("conformance suites on the local backend", () => {
  it(
    "match conformance/expected-failures.json exactly",
    async () => {
      const expected = expectedFor(loadExpectedFailures(path.join(here, "..", "..", "conformance", "expected-failures.json")), "local");
      const tests = SUITES.flatMap((s) => loadSuite(corpus, s));
      const out = await tempOut();
      const results = await runAll(tests, { corpus, out, backend: () => Promise.resolve(new LocalBackend({ notice: () => undefined })) }, 4, () => undefined);
      const unexpected = results
        .filter((r) => r.passed === expected.has(r.id))
        .map((r) => (r.passed ? `XPASS ${r.id} (listed: ${expected.get(r.id)})` : `FAIL ${r.id}: ${r.detail}`));
      expect(unexpected).toEqual([]);
      const ids = new Set(tests.map((t) => t.id));
      for (const id of expected.keys()) expect(ids.has(id), `expected-failures lists unknown test ${id}`).toBe(true);
    },
    600_000,
  );
});
