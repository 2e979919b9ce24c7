import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, realpath, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/run.js";
import { ExitCode } from "../../src/cli/program.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

async function tmp(): Promise<string> {
  return realpath(await mkdtemp(path.join(os.tmpdir(), "wdlrun-cli-")));
}

/** Runs `wdlrun run` in-process with captured streams. */
async function run(args: string[], opts: Record<string, unknown> = {}) {
  let stdout = "";
  let stderr = "";
  const [file, ...rest] = args;
  const code = await runCommand(
    file!,
    rest,
    { backend: "local", ...opts },
    { stdout: { write: (t: string) => void (stdout += t) }, stderr: { write: (t: string) => void (stderr += t), isTTY: false } },
  );
  return { code, stdout, stderr };
}

const HELLO = `version 1.2
task hello {
  input {
    String name
    Int times = 1
  }
  command <<<
    for i in $(seq 1 ~{times}); do echo "hello ~{name}"; done
    echo "progress noise" >&2
  >>>
  output {
    Array[String] lines = read_lines(stdout())
    File out = stdout()
  }
}
`;

const FAILING = `version 1.2
task fail {
  command <<<
    echo "first" >&2
    echo "the reason it broke" >&2
    exit 3
  >>>
}
workflow wf {
  call fail
}
`;

const TWO_TASKS = `version 1.2
task a {
  command <<< echo a >>>
  output {
    String s = read_string(stdout())
  }
}
task b {
  command <<< echo b >>>
  output {
    String s = read_string(stdout())
  }
}
`;

describe("wdlrun run", () => {
  it("prints only the outputs JSON on stdout and exits 0; the run directory holds inputs, outputs and log", async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, "hello.wdl"), HELLO);
    await writeFile(path.join(dir, "in.json"), JSON.stringify({ "hello.name": "world" }));
    const out = path.join(dir, "runs");
    const r = await run([path.join(dir, "hello.wdl"), path.join(dir, "in.json"), "times=2"], { out });
    expect(r.code).toBe(ExitCode.ok);
    const outputs = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(outputs["hello.lines"]).toEqual(["hello world", "hello world"]);
    const runDir = path.join(out, "latest");
    expect(outputs["hello.out"]).toBe(path.join(await realpath(runDir), "call-hello", "attempt-1", "stdout"));
    expect(JSON.parse(readFileSync(path.join(runDir, "inputs.json"), "utf8"))).toEqual({ "hello.name": "world", "hello.times": 2 });
    expect(JSON.parse(readFileSync(path.join(runDir, "outputs.json"), "utf8"))).toEqual(outputs);
    expect(readFileSync(path.join(runDir, "log"), "utf8")).toMatch(/call-hello: done/);
    expect(readFileSync(path.join(runDir, "call-hello", "attempt-1", "command"), "utf8")).toContain('echo "hello world"');
    expect(r.stderr).toMatch(/run succeeded/);
    expect(r.stdout).not.toMatch(/progress noise|succeeded/);
  });

  it("writes the backend's notices during the run to the run's log as well as stderr", async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, "img.wdl"), HELLO.replace("  output {", '  requirements {\n    container: "ubuntu:latest"\n  }\n  output {'));
    const out = path.join(dir, "runs");
    const r = await run([path.join(dir, "img.wdl"), "name=x"], { out });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stderr).toMatch(/\] the local backend ignores container images \(e\.g\. ubuntu:latest\)/);
    expect(readFileSync(path.join(out, "latest", "log"), "utf8")).toMatch(/Z the local backend ignores container images \(e\.g\. ubuntu:latest\)/);
  });

  it("runs the only task of a document without --task, and picks one with --task", async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, "two.wdl"), TWO_TASKS);
    const none = await run([path.join(dir, "two.wdl")], { out: dir });
    expect(none.code).toBe(ExitCode.invalid);
    expect(none.stderr).toMatch(/several tasks; choose one with --task NAME \(tasks: a, b\)/);
    const b = await run([path.join(dir, "two.wdl")], { out: dir, task: "b" });
    expect(b.code).toBe(ExitCode.ok);
    expect(JSON.parse(b.stdout)).toEqual({ "b.s": "b" });
    const missing = await run([path.join(dir, "two.wdl")], { out: dir, task: "c" });
    expect(missing.code).toBe(ExitCode.invalid);
    expect(missing.stderr).toMatch(/no task named "c" \(tasks: a, b\)/);
  });

  it("fails with exit 1 naming the call, the exit code and the end of its stderr, and writes error.json", async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, "f.wdl"), FAILING);
    const out = path.join(dir, "runs");
    const r = await run([path.join(dir, "f.wdl")], { out });
    expect(r.code).toBe(ExitCode.failure);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/call wf\.fail \(call-fail\) failed: the command exited with code 3/);
    expect(r.stderr).toMatch(/the reason it broke/);
    const err = JSON.parse(readFileSync(path.join(out, "latest", "error.json"), "utf8")) as {
      failures: { callId: string; attempt: number; exitCode: number; stderrTail: string[] }[];
    };
    expect(err.failures[0]).toMatchObject({ callId: "call-fail", attempt: 1, exitCode: 3, stderrTail: ["first", "the reason it broke"] });
    expect(existsSync(path.join(out, "latest", "outputs.json"))).toBe(false);
  });

  it("refuses invalid inputs with exit 2, naming the key and the expected type", async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, "hello.wdl"), HELLO);
    const unknown = await run([path.join(dir, "hello.wdl"), "name=x", "colour=red"], { out: dir });
    expect(unknown.code).toBe(ExitCode.invalid);
    expect(unknown.stderr).toMatch(/unknown input "hello\.colour"/);
    const badType = await run([path.join(dir, "hello.wdl"), "name=x", "times=many"], { out: dir });
    expect(badType.code).toBe(ExitCode.invalid);
    expect(badType.stderr).toMatch(/hello\.times.*Int/);
    const missing = await run([path.join(dir, "hello.wdl")], { out: dir });
    expect(missing.code).toBe(ExitCode.invalid);
    expect(missing.stderr).toMatch(/missing required input "hello\.name" \(String\)/);
    const noFile = await run([path.join(dir, "hello.wdl"), path.join(dir, "nope.json")], { out: dir });
    expect(noFile.code).toBe(ExitCode.invalid);
    expect(noFile.stderr).toMatch(/cannot read the inputs file .*nope\.json: no such file/);
  });

  it("locates a failure of a workflow expression in error.json (file, line, column), apart from call failures", async () => {
    const dir = await tmp();
    const doc = path.join(dir, "div.wdl");
    await writeFile(doc, `version 1.2\nworkflow w {\n  input { Int n = 0 }\n  Int x = 10 / n\n  output { Int y = x }\n}\n`);
    const out = path.join(dir, "runs");
    const r = await run([doc], { out });
    expect(r.code).toBe(ExitCode.failure);
    expect(r.stderr).toMatch(/w\.x: .*div\.wdl:4:11: division by zero/);
    const err = JSON.parse(readFileSync(path.join(out, "latest", "error.json"), "utf8")) as Record<string, unknown>;
    expect(err.failures).toEqual([]);
    expect(err.evaluation).toEqual([{ node: "w.x", reason: "division by zero", file: doc, line: 4, column: 11 }]);
  });

  it("refuses requests no backend resource can meet before anything runs, with the fix that applies", async () => {
    const dir = await tmp();
    await writeFile(
      path.join(dir, "gpu.wdl"),
      `version 1.2
task gpu {
  command <<< echo hi >>>
  requirements { gpu: true }
  hints { gpu: 2 }
}
`,
    );
    await writeFile(path.join(dir, "cpu.wdl"), `version 1.2\ntask cpu {\n  command <<< echo hi >>>\n  requirements { cpu: 100000 }\n}\n`);
    const gpu = await run([path.join(dir, "gpu.wdl")], { out: dir });
    expect(gpu.code).toBe(ExitCode.invalid);
    expect(gpu.stderr).toMatch(/needs 2 GPUs but the backend has none/);
    expect(gpu.stderr).toMatch(/GPUs are never clamped: list the host's GPUs with resources\.gpus/);
    expect(gpu.stderr).not.toMatch(/try_with_max/);
    const cpu = await run([path.join(dir, "cpu.wdl")], { out: dir });
    expect(cpu.code).toBe(ExitCode.invalid);
    expect(cpu.stderr).toMatch(/100000 CPUs/);
    expect(cpu.stderr).toMatch(/resources\.limits = "try_with_max"/);
    expect(cpu.stderr).not.toMatch(/GPUs are never clamped/);
    // A task run knows its inputs up front: requests computed from them (through a private
    // declaration, with a write_* that must not run early) are checked before anything runs too.
    await writeFile(
      path.join(dir, "computed.wdl"),
      `version 1.2
task computed {
  input {
    Int n = 1
    Array[String] lines = ["a"]
  }
  Int cores = n * 2
  File listed = write_lines(lines)
  command <<< cat ~{listed} >>>
  requirements { cpu: cores }
}
`,
    );
    const computed = await run([path.join(dir, "computed.wdl"), "n=50000"], { out: dir });
    expect(computed.code).toBe(ExitCode.invalid);
    expect(computed.stderr).toMatch(/computed \(task computed\) requests 100000 CPUs/);
    expect(readdirSync(process.cwd()).filter((f) => f.startsWith("write_lines"))).toEqual([]);
    const fine = await run([path.join(dir, "computed.wdl")], { out: path.join(dir, "fine") });
    expect(fine.code, fine.stderr).toBe(ExitCode.ok);
    expect(existsSync(path.join(dir, "latest"))).toBe(false);
  });

  it("resolves relative File inputs against the inputs file's directory and reports missing files", async () => {
    const dir = await tmp();
    await writeFile(
      path.join(dir, "cat.wdl"),
      `version 1.2
task cat {
  input {
    File f
  }
  command <<< cat ~{f} >>>
  output {
    String s = read_string(stdout())
  }
}
`,
    );
    await writeFile(path.join(dir, "data.txt"), "data!\n");
    await writeFile(path.join(dir, "in.json"), JSON.stringify({ "cat.f": "data.txt" }));
    const ok = await run([path.join(dir, "cat.wdl"), path.join(dir, "in.json")], { out: dir });
    expect(ok.code).toBe(ExitCode.ok);
    expect(JSON.parse(ok.stdout)).toEqual({ "cat.s": "data!" });
    const gone = await run([path.join(dir, "cat.wdl"), "f=does-not-exist.txt"], { out: dir });
    expect(gone.code).toBe(ExitCode.invalid);
    expect(gone.stderr).toMatch(/input "cat\.f": file not found: .*does-not-exist\.txt/);
  });

  it("refuses, before anything runs, a task asking more than the backend can ever give", async () => {
    const dir = await tmp();
    await writeFile(
      path.join(dir, "big.wdl"),
      `version 1.2
task big {
  command <<< echo hi >>>
  requirements {
    memory: "4096 TiB"
  }
}
workflow w {
  call big
}
`,
    );
    const out = path.join(dir, "runs");
    const r = await run([path.join(dir, "big.wdl")], { out });
    expect(r.code).toBe(ExitCode.invalid);
    expect(r.stderr).toMatch(/w\.big \(task big\) requests 4096 TiB of memory \(capacity .*\); more than the backend can ever give/);
    expect(existsSync(out)).toBe(false);
    const overridden = await run([path.join(dir, "big.wdl"), 'w.big.requirements.memory="1 MiB"'], { out });
    expect(overridden.code).toBe(ExitCode.ok);
  });

  it("exits 2, nothing run, when the run directory cannot be made or the backend has no engine", async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, "hello.wdl"), HELLO);
    await writeFile(path.join(dir, "a-file"), "");
    const blocked = await run([path.join(dir, "hello.wdl"), "name=x"], { out: path.join(dir, "a-file") });
    expect(blocked.code).toBe(ExitCode.invalid);
    expect(blocked.stderr).toBe(`wdlrun: cannot create a run directory in ${path.join(dir, "a-file")}: a path component is a file, not a directory\n`);
    const saved = process.env.WDLRUN_DOCKER_HOST;
    process.env.WDLRUN_DOCKER_HOST = `unix://${path.join(dir, "no-engine.sock")}`;
    try {
      const noEngine = await run([path.join(dir, "hello.wdl"), "name=x"], { out: path.join(dir, "runs"), backend: "docker" });
      expect(noEngine.code).toBe(ExitCode.invalid);
      expect(noEngine.stderr).toMatch(/^wdlrun: no Docker Engine answers at unix:\/\/.*no-engine\.sock/);
      expect(noEngine.stdout).toBe("");
      expect(existsSync(path.join(dir, "runs"))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.WDLRUN_DOCKER_HOST;
      else process.env.WDLRUN_DOCKER_HOST = saved;
    }
  });

  it("refuses a document with errors with exit 2 and located messages", async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, "bad.wdl"), "version 1.2\nworkflow w {\n  Int x = y\n}\n");
    const r = await run([path.join(dir, "bad.wdl")], { out: dir });
    expect(r.code).toBe(ExitCode.invalid);
    expect(r.stderr).toMatch(/bad\.wdl:3:\d+: error: /);
    expect(r.stdout).toBe("");
  });
});

/** Runs the real CLI in a child process. */
function cli(args: string[], onSpawn?: (pid: number) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(repo, "src/cli/main.ts"), ...args], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    if (child.pid !== undefined) onSpawn?.(child.pid);
  });
}

describe("wdlrun run (process)", () => {
  it("keeps stdout to the outputs JSON alone", async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, "hello.wdl"), HELLO);
    const r = await cli(["run", path.join(dir, "hello.wdl"), "name=proc", "--backend", "local", "--out", path.join(dir, "runs")]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ "hello.lines": ["hello proc"] });
    expect(r.stderr).toMatch(/run succeeded/);
  }, 60_000);

  it("stops on the first Ctrl-C, aborts running tasks on the second, and exits 130", async () => {
    const dir = await tmp();
    await writeFile(
      path.join(dir, "slow.wdl"),
      `version 1.2
task slow {
  command <<<
    sleep 60
  >>>
}
workflow slow_wf {
  call slow
  call slow as after { }
}
`,
    );
    const out = path.join(dir, "runs");
    const t0 = Date.now();
    const r = await cli(["run", path.join(dir, "slow.wdl"), "--backend", "local", "--out", out], (pid) => {
      const poll = setInterval(() => {
        if (existsSync(path.join(out, "latest", "log")) && readFileSync(path.join(out, "latest", "log"), "utf8").includes("attempt 1 started")) {
          clearInterval(poll);
          process.kill(pid, "SIGINT");
          setTimeout(() => process.kill(pid, "SIGINT"), 300);
        }
      }, 100);
    });
    expect(r.code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/interrupted/);
    expect(r.stderr).toMatch(/\] run interrupted after /);
    expect(r.stderr).not.toMatch(/run failed/);
    expect(await readFile(path.join(out, "latest", "error.json"), "utf8")).toMatch(/interrupted/);
  }, 60_000);
});
