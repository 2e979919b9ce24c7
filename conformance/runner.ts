/**
 * The conformance runner's library: reads suites in the folder format of
 * ../shared/wdl-conformance (one folder per test with `config.json`,
 * `inputs.json`, `outputs.json` and the WDL), runs each test through the
 * runtime (`runDocument`) and judges it by the corpus's rules: `fail: true`
 * passes on any failure; otherwise the run must succeed and its outputs
 * match `outputs.json` (keys in `exclude_outputs` dropped by full or
 * unqualified name; File outputs compared by basename; numbers as floats;
 * missing or extra keys fail; a failing test's numeric `return_code` must be
 * the failed task's exit status). Relative input paths resolve against `data/`.
 */
import { requireCorpusDir } from "./corpus.js";
import { assertUnreachable } from "../src/diagnostics/diagnostic.js";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Backend } from "../src/backends/backend.js";
import { Cancellation } from "../src/runtime/cancellation.js";
import { runDocument, type RunOutcome } from "../src/runtime/engine.js";
import { parseJsonText } from "../src/values/json-text.js";

/** The suites the corpus has. */
export const SUITES = ["spec-1.2", "spec-1.1"] as const;

/** The fields of a test's config.json the runner uses. */
export interface TestConfig {
  readonly name: string;
  readonly main: string;
  readonly type: "workflow" | "task";
  readonly target: string;
  readonly fail: boolean;
  readonly return_code: "*" | number | number[];
  readonly exclude_outputs: readonly string[];
  readonly outputs_given: boolean;
  readonly ignore?: boolean;
}

/** One test of a suite. */
export interface ConformanceTest {
  /** `spec-1.2/hello` */
  readonly id: string;
  readonly dir: string;
  readonly config: TestConfig;
}

/** The verdict on one test. */
export interface TestResult {
  readonly id: string;
  readonly passed: boolean;
  /** Why it failed (or, for a pass of a `fail: true` test, how it failed). */
  readonly detail: string;
  readonly seconds: number;
}

/** The corpus directory (see ./corpus.ts for where it is looked for). */
export function defaultCorpusDir(): string {
  return requireCorpusDir();
}

/** Lists the tests of `suite` in `corpus`, sorted by name, optionally filtered by a regular expression on the id. */
export function loadSuite(corpus: string, suite: string, filter?: RegExp): ConformanceTest[] {
  const root = path.join(corpus, suite);
  if (!existsSync(root)) throw new Error(`no suite ${suite} in ${corpus}`);
  const tests: ConformanceTest[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = path.join(root, name);
    const configFile = path.join(dir, "config.json");
    if (!existsSync(configFile)) continue;
    const id = `${suite}/${name}`;
    if (filter && !filter.test(id)) continue;
    tests.push({ id, dir, config: JSON.parse(readFileSync(configFile, "utf8")) as TestConfig });
  }
  return tests;
}

/** Options of `runTest`. */
export interface RunTestOptions {
  readonly corpus: string;
  /** Makes a fresh backend for the test (the runtime closes it). */
  readonly backend: () => Promise<Backend>;
  /** Where run directories go. */
  readonly out: string;
  /** Seconds before the test is aborted (default 120). */
  readonly timeoutSeconds?: number;
}

/** Runs one test and judges it. */
export async function runTest(test: ConformanceTest, options: RunTestOptions): Promise<TestResult> {
  const t0 = Date.now();
  const done = (passed: boolean, detail: string): TestResult => ({ id: test.id, passed, detail, seconds: (Date.now() - t0) / 1000 });
  const dataDir = path.join(options.corpus, "data");
  const cfg = test.config;
  let inputs: Record<string, unknown>;
  let expected: Record<string, unknown>;
  try {
    inputs = parseJsonText(readFileSync(path.join(test.dir, "inputs.json"), "utf8")) as Record<string, unknown>;
    expected = parseJsonText(readFileSync(path.join(test.dir, "outputs.json"), "utf8")) as Record<string, unknown>;
  } catch (e) {
    return done(false, `unreadable test data: ${(e as Error).message}`);
  }
  const cancellation = new Cancellation();
  const timer = setTimeout(() => cancellation.abortNow(), (options.timeoutSeconds ?? 120) * 1000);
  let outcome: RunOutcome;
  try {
    outcome = await runDocument({
      file: path.join(test.dir, cfg.main),
      inputs: { json: inputs, baseDir: dataDir, origin: `${test.id}/inputs.json` },
      ...(cfg.type === "task" ? { task: cfg.target } : {}),
      out: options.out,
      backend: await options.backend(),
      cancellation,
      workDir: dataDir,
    });
  } catch (e) {
    return done(false, `internal error: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
  }
  if (cfg.fail) {
    if (outcome.kind === "succeeded") return done(false, "expected the run to fail, but it succeeded");
    // `return_code` is the failing task's exit status (the corpus README's reading of the spec's test docs).
    const code = outcome.kind === "failed" ? outcome.report.failures[0]?.exitCode : undefined;
    if (typeof cfg.return_code === "number" && code !== undefined && code !== cfg.return_code)
      return done(false, `failed, but the task exited with ${code} instead of ${cfg.return_code}`);
    return done(true, `failed as expected (${outcome.kind}: ${summarize(outcome)})`);
  }
  if (outcome.kind !== "succeeded") return done(false, `${outcome.kind}: ${summarize(outcome)}`);
  if (!cfg.outputs_given) return done(true, "succeeded (no expected outputs given)");
  const mismatch = compareOutputs(expected, outcome.outputs, cfg.exclude_outputs);
  return mismatch === undefined ? done(true, "outputs match") : done(false, mismatch);
}

/** A one-line summary of a non-successful outcome. */
export function summarize(o: RunOutcome): string {
  switch (o.kind) {
    case "succeeded":
      return "succeeded";
    case "failed":
      return o.report.error.split("\n").slice(0, 3).join(" | ");
    case "interrupted":
      return "timed out";
    case "invalid-document":
      return o.diagnostics
        .filter((d) => d.severity === "error")
        .slice(0, 2)
        .map((d) => `${d.span ? `${path.basename(d.span.uri)}:${d.span.start.line}: ` : ""}${d.message}`)
        .join(" | ");
    case "invalid-inputs":
      return o.problems.slice(0, 2).join(" | ");
    case "no-target":
    case "no-run-dir":
    case "backend-failed":
      return o.message;
    case "unsatisfiable":
      return o.problems.slice(0, 2).join(" | ");
    default:
      return assertUnreachable(o);
  }
}

/** Drops excluded keys (by full key or by the name after the last dot). */
function withoutExcluded(o: Record<string, unknown>, exclude: readonly string[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(o)) {
    const short = k.slice(k.lastIndexOf(".") + 1);
    if (exclude.includes(k) || exclude.includes(short)) continue;
    out.set(k, v);
  }
  return out;
}

/**
 * Compares outputs by the corpus's rules; returns undefined when they match,
 * else a one-line description of the first difference.
 */
export function compareOutputs(expected: Record<string, unknown>, actual: Record<string, unknown>, exclude: readonly string[]): string | undefined {
  const e = withoutExcluded(expected, exclude);
  const a = withoutExcluded(actual, exclude);
  for (const k of e.keys()) if (!a.has(k)) return `missing output ${k}`;
  for (const k of a.keys()) if (!e.has(k)) return `unexpected output ${k}`;
  for (const [k, ev] of e) {
    const diff = compareValue(ev, a.get(k), k);
    if (diff !== undefined) return diff;
  }
  return undefined;
}

function compareValue(e: unknown, a: unknown, at: string): string | undefined {
  const show = (x: unknown) => {
    const s = JSON.stringify(x, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v));
    return s === undefined ? String(x) : s.length > 80 ? s.slice(0, 77) + "..." : s;
  };
  if (isNumber(e) && isNumber(a)) return Number(e) === Number(a) ? undefined : `${at}: expected ${show(e)}, got ${show(a)}`;
  if (typeof e === "string" && typeof a === "string") {
    if (e === a) return undefined;
    if (path.isAbsolute(a) && existsSync(a) && path.basename(a) === path.basename(e)) return undefined;
    return `${at}: expected ${show(e)}, got ${show(a)}`;
  }
  if (Array.isArray(e) && Array.isArray(a)) {
    if (e.length !== a.length) return `${at}: expected ${e.length} items, got ${a.length}: ${show(a)}`;
    for (let i = 0; i < e.length; i++) {
      const d = compareValue(e[i], a[i], `${at}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isObject(e) && isObject(a)) {
    const ek = Object.keys(e).sort();
    const ak = Object.keys(a).sort();
    if (ek.join("\0") !== ak.join("\0")) return `${at}: expected keys ${ek.join(", ")}, got ${ak.join(", ")}`;
    for (const k of ek) {
      const d = compareValue(e[k], a[k], `${at}.${k}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return e === a ? undefined : `${at}: expected ${show(e)}, got ${show(a)}`;
}

function isNumber(x: unknown): x is number | bigint {
  return typeof x === "number" || typeof x === "bigint";
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** One entry of the expected-failures file. */
export interface ExpectedFailure {
  /** `spec-1.2/hello_parallel` */
  readonly test: string;
  /** Why it fails: a broken spec example (with the errata reference) or a missing capability. */
  readonly reason: string;
  /** Backends on which it fails (absent = all). */
  readonly backends?: readonly string[];
}

/** Reads conformance/expected-failures.json. */
export function loadExpectedFailures(file: string): ExpectedFailure[] {
  const json = JSON.parse(readFileSync(file, "utf8")) as { failures: ExpectedFailure[] };
  return json.failures;
}

/** The expected failures that apply to `backend`, by test id. */
export function expectedFor(list: readonly ExpectedFailure[], backend: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of list) if (!f.backends || f.backends.includes(backend)) out.set(f.test, f.reason);
  return out;
}

/** A fresh temporary folder for run directories. */
export function tempOut(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), "wdlrun-conformance-"));
}

/** Runs `tests` with at most `parallel` at a time, reporting each result as it comes (in completion order). */
export async function runAll(
  tests: readonly ConformanceTest[],
  options: RunTestOptions,
  parallel: number,
  onResult: (r: TestResult) => void,
): Promise<TestResult[]> {
  const results: TestResult[] = new Array<TestResult>(tests.length);
  let next = 0;
  const worker = async () => {
    while (next < tests.length) {
      const i = next++;
      const r = await runTest(tests[i]!, options);
      results[i] = r;
      onResult(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return results;
}
