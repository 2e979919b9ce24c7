/**
 * Golden run cases: each folder under test/golden/cases/ holds `main.wdl`
 * (plus anything it imports or reads), optional `inputs.json` and
 * `run.json` ({ "task": NAME, "keepGoing": true }), and the expected
 * `expected.json` (outcome and outputs, or the failures with their reasons
 * and where workflow-level evaluation failed; paths relative to the run
 * directory)
 * and `commands.txt` (every attempt's command script, in path order). The
 * case runs through the runtime with the local backend; `BLESS=1 npx vitest
 * run test/golden` rewrites the expected files.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LocalBackend } from "../../src/backends/local/local-backend.js";
import { runDocument, type RunOutcome } from "../../src/runtime/engine.js";
import { parseInputsText } from "../../src/runtime/inputs.js";

const casesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "cases");
const bless = process.env.BLESS === "1";

/** Replaces the run directory and the case directory in any string inside `v`. */
function normalize(v: unknown, runDir: string, caseDir: string): unknown {
  if (typeof v === "string")
    return v
      .split(runDir)
      .join("<run>")
      .split(caseDir)
      .join("<case>");
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map((x) => normalize(x, runDir, caseDir));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x, runDir, caseDir)]));
  return v;
}

/** The outcome as data worth comparing. */
function summary(o: RunOutcome): unknown {
  switch (o.kind) {
    case "succeeded":
      return { outcome: "succeeded", outputs: o.outputs };
    case "failed":
      return {
        outcome: "failed",
        failures: o.report.failures.map((f) => ({ call: f.call, callId: f.callId, attempt: f.attempt, exitCode: f.exitCode, reason: f.reason, stderrTail: f.stderrTail })),
        ...(o.report.evaluation ? { evaluation: o.report.evaluation } : {}),
      };
    case "interrupted":
      return { outcome: "interrupted" };
    case "invalid-document":
      return { outcome: "invalid-document", diagnostics: o.diagnostics.map((d) => d.message) };
    case "invalid-inputs":
      return { outcome: "invalid-inputs", problems: o.problems };
    case "no-target":
    case "no-run-dir":
      return { outcome: o.kind, message: o.message };
    case "unsatisfiable":
      return { outcome: "unsatisfiable", problems: o.problems };
  }
}

/** Every `command` file under `dir`, as one text with a header per file. */
async function commands(dir: string): Promise<string> {
  const found: string[] = [];
  const walk = async (d: string) => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && e.name !== "work" && e.name !== "write") await walk(p);
      else if (e.isFile() && e.name === "command") found.push(p);
    }
  };
  await walk(dir);
  const parts: string[] = [];
  for (const f of found) parts.push(`### ${path.relative(dir, f)}\n${await readFile(f, "utf8")}`);
  return parts.join("\n");
}

const cases = existsSync(casesDir) ? readdirSync(casesDir).sort() : [];

describe("golden runs (local backend)", () => {
  for (const name of cases) {
    it(name, async () => {
      const caseDir = path.join(casesDir, name);
      const inputsFile = path.join(caseDir, "inputs.json");
      const runFile = path.join(caseDir, "run.json");
      const opts = existsSync(runFile) ? (JSON.parse(readFileSync(runFile, "utf8")) as { task?: string; keepGoing?: boolean }) : {};
      const out = await mkdtemp(path.join(os.tmpdir(), `wdlrun-golden-${name}-`));
      const outcome = await runDocument({
        file: path.join(caseDir, "main.wdl"),
        ...(existsSync(inputsFile) ? { inputs: { json: parseInputsText(readFileSync(inputsFile, "utf8"), inputsFile), baseDir: caseDir, origin: "inputs.json" } } : {}),
        ...(opts.task ? { task: opts.task } : {}),
        keepGoing: opts.keepGoing ?? false,
        out,
        workDir: caseDir,
        backend: new LocalBackend({ cpu: 4, memoryBytes: 16 * 1024 ** 3, notice: () => undefined }),
      });
      const runDir = "runDir" in outcome ? outcome.runDir : out;
      const actual = JSON.stringify(normalize(summary(outcome), runDir, caseDir), null, 2) + "\n";
      const actualCommands = "runDir" in outcome ? (normalize(await commands(runDir), runDir, caseDir) as string) : "";
      const expectedFile = path.join(caseDir, "expected.json");
      const commandsFile = path.join(caseDir, "commands.txt");
      if (bless) {
        writeFileSync(expectedFile, actual);
        writeFileSync(commandsFile, actualCommands);
        return;
      }
      expect(actual).toBe(readFileSync(expectedFile, "utf8"));
      expect(actualCommands).toBe(readFileSync(commandsFile, "utf8"));
    });
  }
});
