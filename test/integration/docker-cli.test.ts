/**
 * `wdlrun run --backend docker` end to end against a real engine: a scatter
 * with file outputs, admission that never runs more containers at once than
 * the configured cpu/memory allow (observed from the engine's container
 * timestamps), WDL 1.3 (the retry-memory example's per-attempt requirements,
 * the path rules inside compound values), and Ctrl-C (twice) mid-scatter
 * leaving no container behind.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect, sweepContainers } from "../../src/backends/engine/index.js";
import { LABEL_OWNER_PID, LABEL_RUN } from "../../src/backends/engine/labels.js";
import { runCommand } from "../../src/cli/run.js";
import { dockerHost, dockerSkipReason, maxOverlap, root, spawnRun, tempDir } from "./kit.js";

const skip = dockerSkipReason();

/**
 * Runs `wdlrun run` in this process with extra WDLRUN_* variables (and `files` written next to the
 * document, by relative path); resolves with the code, outputs and run id.
 */
async function run(
  wdl: string,
  args: string[],
  env: Record<string, string>,
  files: Record<string, string> = {},
): Promise<{ code: number; outputs: Record<string, unknown>; runId: string; stderr: string }> {
  const dir = tempDir("wdlrun-cli-");
  const file = path.join(dir, "main.wdl");
  writeFileSync(file, wdl);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const saved = { ...process.env };
  Object.assign(process.env, env, { DOCKER_HOST: dockerHost() });
  let stdout = "";
  let stderr = "";
  try {
    const code = await runCommand(file, args, { backend: "docker", out: path.join(dir, "runs") }, {
      stdout: { write: (t) => void (stdout += t) },
      stderr: { write: (t) => void (stderr += t), isTTY: false },
    });
    const runDir = /run directory: (\S+)/.exec(stderr)?.[1] ?? "";
    return { code, outputs: stdout ? (JSON.parse(stdout) as Record<string, unknown>) : {}, runId: path.basename(runDir), stderr };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/** A scatter of `n` tasks of 1.5 s, each asking for `cpu` and `memory`. */
const SLEEPY = (cpu: number, memory: string, n: number) => `version 1.1
task nap {
  input { Int i }
  command <<<
    sleep 1.5
    echo ~{i} > out.txt
  >>>
  output { File out = "out.txt" }
  runtime { docker: "ubuntu:latest" cpu: ${cpu} memory: "${memory}" }
}
workflow w {
  scatter (i in range(${n})) { call nap { input: i = i } }
  output { Array[File] outs = nap.out }
}
`;

/** A scatter of `n` tasks that sleep 300 s (one CPU each): they end only when stopped. */
const LONG = (n: number) => `version 1.1
task long { input { Int i } command <<< sleep 300 >>> runtime { docker: "ubuntu:latest" cpu: 1 } }
workflow w { scatter (i in range(${n})) { call long { input: i = i } } }
`;

/**
 * Starts `wdlrun run` of `wdl` on Docker as a child process (with `cpu` CPUs to use) and resolves once
 * `cpu` of its containers are running: the child, its stderr so far, its containers, and when it exits
 * ("exit") and when its output is read to the end ("close").
 */
async function runUntilRunning(wdl: string, cpu: number) {
  const dir = tempDir("wdlrun-signal-");
  const file = path.join(dir, "main.wdl");
  writeFileSync(file, wdl);
  const child = spawnRun(file, "docker", path.join(dir, "runs"), { DOCKER_HOST: dockerHost(), WDLRUN_RESOURCES_CPU: String(cpu) });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  const containers = async () => connect(dockerHost()).listContainers({ all: true, filters: { label: [`${LABEL_OWNER_PID}=${child.pid}`] } });
  const t0 = Date.now();
  while ((await containers()).filter((c) => c.State === "running").length < cpu) {
    if (child.exitCode !== null || Date.now() - t0 > 60_000) throw new Error(`containers never started: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, stderr: () => stderr, containers, exited, closed };
}

describe.skipIf(skip !== "")(`wdlrun run --backend docker${skip ? ` (${skip})` : ""}`, () => {
  const docker = () => connect(dockerHost());
  const runs: string[] = [];
  afterEach(async () => {
    for (const runId of runs.splice(0)) await sweepContainers(docker(), dockerHost(), { runId, all: true });
  });

  it("runs a scatter in containers, returns its files and leaves no container", async () => {
    const wdl = `version 1.1
task square {
  input { Int x }
  command <<<
    echo $(( ~{x} * ~{x} )) > result.txt
    echo "/tmp says hi" > /tmp/extra.txt
  >>>
  output {
    Int y = read_int("result.txt")
    File extra = "/tmp/extra.txt"
  }
  runtime { docker: "ubuntu:latest" }
}
workflow squares {
  input { Array[Int] xs }
  scatter (x in xs) { call square { input: x = x } }
  output { Array[Int] ys = square.y  Array[File] extras = square.extra }
}
`;
    const r = await run(wdl, ["xs=[1,2,3,4,5]"], {});
    runs.push(r.runId);
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs["squares.ys"]).toEqual([1, 4, 9, 16, 25]);
    const extras = r.outputs["squares.extras"] as string[];
    expect(extras).toHaveLength(5);
    for (const f of extras) {
      expect(readFileSync(f, "utf8")).toBe("/tmp says hi\n");
      // Copied out of the container into the attempt's directory.
      expect(f).toMatch(/\/call-square-000\d\/attempt-1\/outside\/tmp\/extra.txt$/);
      expect(statSync(f).uid).toBe(process.getuid!());
    }
    const left = await docker().listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${r.runId}`] } });
    expect(left).toEqual([]);
  });

  // Output expressions name paths as the command saw them: the runtime asks the backend
  // (AttemptResult.toHost) first, so a host file at the same path must not stand in for the task's.
  it("starts its progress with the backend and the engine's version and address", async () => {
    const r = await run(`version 1.1\ntask t { command <<< true >>> runtime { docker: "ubuntu:latest" } }\n`, [], {});
    expect(r.code, r.stderr).toBe(0);
    const version = (await connect(dockerHost()).version()).Version;
    expect(r.stderr.split("\n")[0]).toBe(`wdlrun: backend docker, Docker Engine ${version} at ${dockerHost()}`);
  });

  it("returns the file the task wrote in its container even when the host has the same path", async () => {
    const shared = path.join("/tmp", `wdlrun-shadow-${process.pid}-${Date.now()}.txt`);
    writeFileSync(shared, "host\n");
    const wdl = `version 1.1
task t {
  command <<< echo container > ${shared} >>>
  output { String text = read_string("${shared}") }
  runtime { docker: "ubuntu:latest" }
}
workflow w { call t output { String text = t.text } }
`;
    const r = await run(wdl, [], {});
    runs.push(r.runId);
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs["w.text"]).toBe("container");
  });

  async function observedOverlap(runId: string): Promise<{ overlap: number; count: number }> {
    const list = await docker().listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } });
    const intervals = await Promise.all(
      list.map(async (c) => {
        const s = (await docker().getContainer(c.Id).inspect()).State;
        return { start: Date.parse(s.StartedAt), end: Date.parse(s.FinishedAt) };
      }),
    );
    return { overlap: maxOverlap(intervals), count: intervals.length };
  }

  it("never runs more containers at once than the cpu capacity allows", async () => {
    const r = await run(SLEEPY(1, "100 MB", 7), [], { WDLRUN_CLEANUP: "false", WDLRUN_RESOURCES_CPU: "3" });
    runs.push(r.runId);
    expect(r.code, r.stderr).toBe(0);
    const o = await observedOverlap(r.runId);
    expect(o.count).toBe(7);
    expect(o.overlap).toBe(3);
  });

  it("never runs more containers at once than the memory capacity allows", async () => {
    const r = await run(SLEEPY(0.5, "1 GiB", 5), [], { WDLRUN_CLEANUP: "false", WDLRUN_RESOURCES_CPU: "16", WDLRUN_RESOURCES_MEMORY: "2.5 GiB" });
    runs.push(r.runId);
    expect(r.code, r.stderr).toBe(0);
    const o = await observedOverlap(r.runId);
    expect(o.count).toBe(5);
    expect(o.overlap).toBe(2);
  });

  it("reports an out-of-memory kill as \"killed: out of memory\" with exit code 137", async () => {
    const r = await run(
      `version 1.2
task hog {
  command <<< python3 -c 'x = bytearray(256 * 1024 * 1024); print(len(x))' >>>
  requirements { container: "ubuntu:latest" memory: "48 MiB" }
  hints { max_memory: "48 MiB" }
}
`,
      [],
      { WDLRUN_CLEANUP: "false" },
    );
    runs.push(r.runId);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("call-hog: failed: killed: out of memory (exit code 137)");
  });

  it("WDL 1.3: a retry after an out-of-memory kill asks for more memory (task.previous), evaluated per attempt", async () => {
    const wdl = readFileSync(path.join(root, "examples/retry-memory/retry-memory.wdl"), "utf8");
    const r = await run(wdl, ["mode=Quick"], {});
    runs.push(r.runId);
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ "retry_memory.mode_name": "Quick", "retry_memory.allocated": 100, "retry_memory.attempts": 2 });
    // Killed by the kernel at the 48 MiB limit (SIGKILL: 137), then retried with 192 MiB.
    expect(r.stderr).toContain("call-quick: attempt 1 exited with 137");
    expect(r.stderr).toContain("retrying (attempt 2 of 3)");
    const callDir = path.join(/run directory: (\S+)/.exec(r.stderr)![1]!, "call-quick");
    const memory = [1, 2].map((n) => (JSON.parse(readFileSync(path.join(callDir, `attempt-${n}`, "requirements.json"), "utf8")) as { memory: number; max_memory: number }));
    expect(memory.map((m) => [m.memory, m.max_memory])).toEqual([
      [48 * 2 ** 20, 48 * 2 ** 20],
      [192 * 2 ** 20, 192 * 2 ** 20],
    ]);
  });

  it("WDL 1.3: Files inside arrays, structs and maps resolve against the document's directory and must exist; a missing optional one is None", async () => {
    const wdl = `version 1.3
struct Sample {
  String name
  File reads
  File? index
}
task cat_all {
  input {
    Array[File] files
    Sample sample
  }
  Map[String, File?] extra = {"here": "c.txt", "gone": "gone.txt"}
  command <<<
    cat ~{sep(" ", files)} ~{sample.reads} ~{select_first([extra["here"]])}
    echo "index: ~{defined(sample.index)} extra: ~{defined(extra["here"])} ~{defined(extra["gone"])}"
  >>>
  output { Array[String] lines = read_lines(stdout()) }
  requirements { container: "ubuntu:latest" }
}
workflow compound {
  Array[File] fs = ["a.txt", "b.txt"]
  Sample s = Sample { name: "s", reads: "sub/r.txt", index: "sub/r.idx" }
  call cat_all { files = fs, sample = s }
  output { Array[String] lines = cat_all.lines }
}
`;
    const files = { "a.txt": "alpha\n", "b.txt": "beta\n", "c.txt": "gamma\n", "sub/r.txt": "reads\n" };
    const r = await run(wdl, [], {}, files);
    runs.push(r.runId);
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ "compound.lines": ["alpha", "beta", "reads", "gamma", "index: false extra: true false"] });
    // An Array[File] item that does not exist stops the run naming the declaration and the path.
    const missing = await run(wdl.replace('"b.txt"]', '"gone.txt"]'), [], {}, files);
    runs.push(missing.runId);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/compound\.fs: the file "gone\.txt" does not exist \(\/\S+\/gone\.txt\)/);
  });

  it("runs a task whose max_cpu hint is above the engine's CPUs, with no CPU limit (the engine refuses such a limit)", async () => {
    const cpus = ((await docker().info()) as { NCPU: number }).NCPU;
    const r = await run(
      `version 1.2
task greedy {
  command <<< cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us >>>
  output { String quota = read_string(stdout()) }
  requirements { container: "ubuntu:latest" cpu: 1 }
  hints { max_cpu: ${cpus * 4} }
}
`,
      [],
      {},
    );
    runs.push(r.runId);
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ "greedy.quota": "-1" });
  });

  it("Ctrl-C once mid-scatter lets the running tasks finish, starts no more, and leaves no container", async () => {
    const started = await runUntilRunning(
      `version 1.1
task nap { input { Int i } command <<< sleep 3; echo ~{i} >>> output { String out = read_string(stdout()) } runtime { docker: "ubuntu:latest" cpu: 1 } }
workflow w { scatter (i in range(6)) { call nap { input: i = i } } }
`,
      2,
    );
    started.child.kill("SIGINT");
    const code = await started.closed;
    const stderr = started.stderr();
    expect(code, stderr).toBe(130);
    expect(await started.containers()).toEqual([]);
    // The two running tasks finished normally; the four others never started.
    expect(stderr.match(/attempt 1 exited with 0/g)).toHaveLength(2);
    expect(stderr.match(/attempt 1 started/g)).toHaveLength(2);
    expect(stderr.match(/call-nap-000\d: stopped before it/g), stderr).toHaveLength(4);
  }, 90_000);

  it("a hang-up (SIGHUP) aborts the running tasks at once and leaves no container", async () => {
    const started = await runUntilRunning(LONG(4), 2);
    const hungUpAt = Date.now();
    started.child.kill("SIGHUP");
    const code = await started.exited;
    expect(Date.now() - hungUpAt).toBeLessThan(10_000);
    expect(code, started.stderr()).toBe(130);
    expect(await started.containers()).toEqual([]);
    expect(started.stderr()).toContain("run interrupted");
  }, 90_000);

  describe("Ctrl-C twice mid-scatter", () => {
    let outcome: { code: number | null; stderr: string; left: unknown[]; exitMs: number } | undefined;

    beforeAll(async () => {
      const started = await runUntilRunning(LONG(6), 3);
      started.child.kill("SIGINT");
      await new Promise((r) => setTimeout(r, 300));
      const interruptedAt = Date.now();
      started.child.kill("SIGINT");
      const code = await started.exited;
      outcome = { code, stderr: started.stderr(), left: await started.containers(), exitMs: Date.now() - interruptedAt };
    }, 90_000);

    it("stops the containers promptly and leaves none behind", () => {
      expect(outcome!.exitMs).toBeLessThan(10_000);
      expect(outcome!.left).toEqual([]);
      expect(outcome!.stderr).toContain("run interrupted");
    });

    it("exits with 130 (interrupted)", () => {
      expect(outcome!.code, outcome!.stderr).toBe(130);
    });
  });
});
