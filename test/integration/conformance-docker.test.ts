/**
 * Both conformance suites on the Docker backend (a real engine, the offline
 * test images): results must match conformance/expected-failures.json for
 * `docker` exactly, as test/runtime/conformance.test.ts checks for `local`.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DockerBackend } from "../../src/backends/docker/index.js";
import { defaultCorpusDir, expectedFor, loadExpectedFailures, loadSuite, runAll, SUITES, tempOut } from "../../conformance/runner.js";
import { dockerHost, dockerSkipReason } from "./kit.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = defaultCorpusDir();
const skip = dockerSkipReason() || (existsSync(corpus) ? "" : `no conformance corpus at ${corpus}`);

describe.skipIf(skip !== "")(`conformance suites on the docker backend${skip ? ` (${skip})` : ""}`, () => {
  it(
    "match conformance/expected-failures.json exactly",
    async () => {
      const expected = expectedFor(loadExpectedFailures(path.join(here, "..", "..", "conformance", "expected-failures.json")), "docker");
      const tests = SUITES.flatMap((s) => loadSuite(corpus, s));
      const out = await tempOut();
      // A fresh backend per test: the runtime closes it when the test's run ends.
      const results = await runAll(tests, { corpus, out, backend: () => DockerBackend.open({ host: dockerHost(), notice: () => undefined, sweep: false }) }, 4, () => undefined);
      const unexpected = results
        .filter((r) => r.passed === expected.has(r.id))
        .map((r) => (r.passed ? `XPASS ${r.id} (listed: ${expected.get(r.id)})` : `FAIL ${r.id}: ${r.detail}`));
      expect(unexpected).toEqual([]);
      expect(results.length).toBe(tests.length);
    },
    900_000,
  );
});
