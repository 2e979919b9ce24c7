/**
 * `wdlrun run` end to end (in-process, local backend) for the run-time
 * rules of real-world WDL: how outputs are written, overrides checked
 * before anything runs, symlinked outputs, run-time coercions, defaults
 * for None, nested required inputs.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, realpath, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/program.js";
import { runCommand } from "../../src/cli/run.js";

async function tmp(): Promise<string> {
  return realpath(await mkdtemp(path.join(os.tmpdir(), "wdlrun-cli10-")));
}

/** Writes `wdl` as main.wdl in a fresh directory and runs it with `args`; the run directory is `<dir>/runs/latest`. */
async function run(wdl: string, args: string[] = []) {
  const dir = await tmp();
  const file = path.join(dir, "main.wdl");
  await writeFile(file, wdl);
  let stdout = "";
  let stderr = "";
  const code = await runCommand(
    file,
    args,
    { backend: "local", out: path.join(dir, "runs") },
    { stdout: { write: (t: string) => void (stdout += t) }, stderr: { write: (t: string) => void (stderr += t), isTTY: false } },
  );
  return { code, stdout, stderr, dir, runDir: path.join(dir, "runs", "latest") };
}

describe("wdlrun run: outputs JSON", () => {
  it("writes whole-number Floats as 5.0 on stdout and in outputs.json; the values still parse", async () => {
    const r = await run(`version 1.2
workflow floats {
  output {
    Float five = 5
    Float half = 2.5
    Array[Float] some = [1.0, 0.25, -3]
    Int six = 6
    Map[String, Float] m = { "a": 10 }
  }
}
`);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toContain('"floats.five": 5.0,');
    expect(r.stdout).toContain('"floats.half": 2.5,');
    expect(r.stdout).toMatch(/"floats\.some": \[\s*1\.0,\s*0\.25,\s*-3\.0\s*\]/);
    expect(r.stdout).toContain('"floats.six": 6,');
    expect(r.stdout).toMatch(/"a": 10\.0/);
    expect(readFileSync(path.join(r.runDir, "outputs.json"), "utf8")).toBe(r.stdout);
    expect(JSON.parse(r.stdout)).toEqual({ "floats.five": 5, "floats.half": 2.5, "floats.some": [1, 0.25, -3], "floats.six": 6, "floats.m": { a: 10 } });
  });
});

describe("wdlrun run: requirement and hint overrides in the inputs", () => {
  const WF = `version 1.2
task first {
  command <<< echo first > first.txt >>>
  output {
    File f = "first.txt"
  }
}
task second {
  input {
    File f
  }
  command <<< cat ~{f} >>>
  requirements {
    memory: "100 MiB"
  }
}
workflow wf {
  call first
  call second { f = first.f }
}
`;

  it("refuses an unknown requirement key with exit 2, naming it and the nearest, before any task starts", async () => {
    const r = await run(WF, ['wf.second.requirements.memroy="1 GiB"']);
    expect(r.code).toBe(ExitCode.invalid);
    expect(r.stderr).toContain('unknown requirement "memroy" in input "wf.second.requirements.memroy": did you mean `memory`?');
    expect(r.stderr).not.toMatch(/call-first/);
  });

  it("refuses a value of the wrong type with exit 2 before the first task starts", async () => {
    const r = await run(WF, ["wf.second.requirements.memory=true", "wf.second.requirements.cpu=0"]);
    expect(r.code).toBe(ExitCode.invalid);
    expect(r.stderr).toContain('input "wf.second.requirements.memory": requirements.memory must be an `Int` (bytes) or a `String` with a unit, but the inputs give Boolean true');
    expect(r.stderr).toContain('input "wf.second.requirements.cpu": requirements.cpu: must be greater than 0');
    expect(r.stderr).not.toMatch(/call-first/);
  });

  it("applies a valid override", async () => {
    const r = await run(WF, ['wf.second.requirements.memory="200 MiB"']);
    expect(r.code).toBe(ExitCode.ok);
  });
});
