import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/program.js";
import { runCommand } from "../../src/cli/run.js";

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "examples");

async function run(file: string, args: string[]) {
  let stdout = "";
  const out = await mkdtemp(path.join(os.tmpdir(), "wdlrun-examples-"));
  const code = await runCommand(
    path.join(examples, file),
    args,
    { backend: "local", out },
    { stdout: { write: (t: string) => void (stdout += t) }, stderr: { write: () => undefined, isTTY: false } },
  );
  return { code, outputs: code === ExitCode.ok ? (JSON.parse(stdout) as Record<string, unknown>) : {} };
}

describe("examples/ run as documented in examples/README.md", () => {
  it("hello", async () => {
    expect(await run("hello/hello.wdl", ["name=you"])).toEqual({ code: 0, outputs: { "hello.greeting": "Hello, you!" } });
  });
  it("word-count", async () => {
    const r = await run("word-count/word-count.wdl", [path.join(examples, "word-count/inputs.json")]);
    expect(r).toEqual({ code: 0, outputs: { "word_count.per_text": [12, 3, 14], "word_count.total": 29 } });
  });
  it("pipeline", async () => {
    const r = await run("pipeline/pipeline.wdl", ["sizes=[5, 50]"]);
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ "pipeline.sums": [15, 1275], "pipeline.report": "sums: 15, 1275" });
  });
  it("retry-memory (local processes have no memory limit: the first attempt succeeds)", async () => {
    expect(await run("retry-memory/retry-memory.wdl", ["mode=Thorough", "megabytes=10"])).toEqual({
      code: 0,
      outputs: { "retry_memory.mode_name": "Thorough", "retry_memory.allocated": 40, "retry_memory.attempts": 1 },
    });
  });
  it("gang-ping (a gang: the local backend refuses it)", async () => {
    expect(await run("gang-ping/gang-ping.wdl", [])).toEqual({ code: ExitCode.failure, outputs: {} });
  });
});
