/**
 * `npm run conformance -- --backend local [--filter REGEX] [--suite spec-1.2|spec-1.1]
 * [--corpus DIR] [--parallel N] [--verbose]`: runs the conformance suites (see ./runner.ts
 * and ./README.md), printing a line per test and a closing `N passed, N failed` line.
 * Exits non-zero on an unexpected failure or an unexpected pass (a test listed in
 * ./expected-failures.json that now passes: remove it from the list).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Backend } from "../src/backends/backend.js";
import { defaultConfig } from "../src/config/index.js";
import { createBackend } from "../src/runtime/backend-factory.js";
import { defaultCorpusDir, expectedFor, loadExpectedFailures, loadSuite, runAll, SUITES, tempOut, type ConformanceTest } from "./runner.js";

const here = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      backend: { type: "string", default: "local" },
      filter: { type: "string" },
      suite: { type: "string", multiple: true },
      corpus: { type: "string" },
      parallel: { type: "string", default: "4" },
      verbose: { type: "boolean", default: false },
    },
  });
  const corpus = values.corpus ? path.resolve(values.corpus) : defaultCorpusDir();
  const suites = values.suite && values.suite.length > 0 ? values.suite : [...SUITES];
  const filter = values.filter ? new RegExp(values.filter) : undefined;
  const backendName = values.backend ?? "local";
  if (!["local", "docker", "swarm", "auto"].includes(backendName)) {
    process.stderr.write(`--backend must be local, docker, swarm or auto\n`);
    return 2;
  }
  const tests: ConformanceTest[] = [];
  for (const s of suites) tests.push(...loadSuite(corpus, s, filter));
  const expected = expectedFor(loadExpectedFailures(path.join(here, "expected-failures.json")), backendName);
  const out = await tempOut();
  const config = defaultConfig();
  const quiet = () => undefined;
  const backend = async (): Promise<Backend> => (await createBackend(config, quiet, backendName as "local")).backend;
  process.stdout.write(`conformance: ${tests.length} tests from ${corpus} on the ${backendName} backend (run directories in ${out})\n`);
  let passed = 0;
  let failed = 0;
  let xfail = 0;
  const unexpected: string[] = [];
  await runAll(tests, { corpus, backend, out }, Number(values.parallel) || 4, (r) => {
    const reason = expected.get(r.id);
    let tag: string;
    if (r.passed && reason === undefined) tag = "PASS ";
    else if (!r.passed && reason !== undefined) tag = "XFAIL";
    else if (r.passed) tag = "XPASS";
    else tag = "FAIL ";
    if (r.passed) passed++;
    else failed++;
    if (tag === "XFAIL") xfail++;
    if (tag === "FAIL " || tag === "XPASS") unexpected.push(`${tag.trim()} ${r.id}: ${tag === "XPASS" ? `passes but is listed as expected to fail (${reason})` : r.detail}`);
    const detail = tag === "PASS " && !values.verbose ? "" : ` — ${tag === "XFAIL" ? `expected: ${reason}; got: ` : ""}${r.detail}`;
    process.stdout.write(`${tag} ${r.id} (${r.seconds.toFixed(1)}s)${detail}\n`);
  });
  if (unexpected.length > 0) process.stdout.write(`\nunexpected results:\n${unexpected.map((u) => `  ${u}`).join("\n")}\n`);
  process.stdout.write(`\n${xfail} expected failures, ${unexpected.length} unexpected results\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return unexpected.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`conformance: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
