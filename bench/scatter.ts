/**
 * `npm run bench:scatter`: measures the runtime's scatter overhead.
 *
 * 1. A scatter of 10,000 elements over pure expressions (no task): wall time,
 *    elements per second (target ≥ 20,000/s), peak memory (target < 300 MB).
 * 2. A scatter of 1,000 local `echo` tasks: wall time against a baseline that
 *    spawns the same 1,000 `bash command` processes directly with the same
 *    parallelism; the difference per task is the engine's overhead beyond
 *    process start (target ≤ 5 ms).
 *
 * Options: --elements N (default 10000), --tasks N (default 1000), --rounds N
 * (default 3; the task case alternates bare spawns and the engine per round and
 * reports medians, since the machine may be shared).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { LocalBackend } from "../src/backends/local/local-backend.js";
import { runDocument } from "../src/runtime/engine.js";

const { values } = parseArgs({
  options: { elements: { type: "string", default: "10000" }, tasks: { type: "string", default: "1000" }, rounds: { type: "string", default: "3" } },
});
const ELEMENTS = Number(values.elements);
const TASKS = Number(values.tasks);
const ROUNDS = Math.max(1, Number(values.rounds));


const PURE_SIMPLE = `version 1.2
workflow pure {
  input {
    Int n
  }
  scatter (i in range(n)) {
    Int sq = i * i
    String label = "item-~{i}"
    Boolean even = i % 2 == 0
  }
  output {
    Int count = length(sq)
    String last = label[n - 1]
  }
}
`;

const ECHO = `version 1.2
task say {
  input {
    Int i
  }
  command <<<
    echo "hello ~{i}"
  >>>
  output {
    String line = read_string(stdout())
  }
  requirements {
    cpu: 1
    memory: "16 MiB"
  }
}
workflow echoes {
  input {
    Int n
  }
  scatter (i in range(n)) {
    call say { i }
  }
  output {
    Int count = length(say.line)
  }
}
`;

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
sampler.unref();

/** CPU time (user + system) of this process in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function runWdl(dir: string, name: string, text: string, n: number) {
  const file = path.join(dir, `${name}.wdl`);
  await writeFile(file, text);
  const t0 = performance.now();
  const outcome = await runDocument({
    file,
    inputs: { json: { [`${name}.n`]: n }, baseDir: dir, origin: "bench" },
    out: path.join(dir, "runs"),
    backend: new LocalBackend({ notice: () => undefined }),
  });
  const ms = performance.now() - t0;
  if (outcome.kind !== "succeeded") throw new Error(`${name} did not succeed: ${JSON.stringify(outcome.kind === "failed" ? outcome.report : outcome.kind)}`);
  return { ms, outputs: outcome.outputs };
}

/** Spawns `bash command` `n` times, `parallel` at a time, each in its own directory: the floor for task runs. */
async function baseline(dir: string, n: number, parallel: number): Promise<number> {
  const cmd = path.join(dir, "command");
  await writeFile(cmd, 'echo "hello 1"\n');
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await new Promise<void>((resolve, reject) => {
        const child = spawn("bash", [cmd], { cwd: dir, stdio: ["ignore", "ignore", "ignore"], detached: true });
        child.once("error", reject);
        child.once("exit", () => resolve());
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "wdlrun-bench-"));
  try {
    // Warm up the parser, analysis and evaluator.
    await runWdl(dir, "pure", PURE_SIMPLE, 10);
    peakRss = process.memoryUsage().rss;
    const pure = await runWdl(dir, "pure", PURE_SIMPLE, ELEMENTS);
    const maxRss = process.resourceUsage().maxRSS * 1024;
    const perSecond = (ELEMENTS / pure.ms) * 1000;
    process.stdout.write(
      `pure scatter: ${ELEMENTS} elements in ${pure.ms.toFixed(0)} ms = ${perSecond.toFixed(0)} elements/s ` +
        `(${((pure.ms * 1000) / ELEMENTS).toFixed(1)} µs/element; target ≥ 20000/s); peak RSS ${mb(Math.max(peakRss, maxRss))} (target < 300 MB)\n`,
    );

    // Rounds alternate the bare spawns and the engine (the machine may be shared): medians are reported.
    const parallel = Math.max(1, os.cpus().length);
    const rounds: { base: number; echo: number; cpuBase: number; cpuEcho: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const c0 = cpuMs();
      const base = await baseline(dir, TASKS, parallel);
      const c1 = cpuMs();
      const echo = await runWdl(dir, "echoes", ECHO, TASKS);
      const c2 = cpuMs();
      rounds.push({ base, echo: echo.ms, cpuBase: (c1 - c0) / TASKS, cpuEcho: (c2 - c1) / TASKS });
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const base = med(rounds.map((r) => r.base));
    const echoMs = med(rounds.map((r) => r.echo));
    const cpuBase = med(rounds.map((r) => r.cpuBase));
    const cpuEcho = med(rounds.map((r) => r.cpuEcho));
    const wallOverhead = med(rounds.map((r) => ((r.echo - r.base) * parallel) / TASKS));
    process.stdout.write(
      `task scatter (median of ${ROUNDS} rounds): ${TASKS} local echo tasks in ${echoMs.toFixed(0)} ms (${(echoMs / TASKS).toFixed(2)} ms/task wall, ${parallel} at a time); ` +
        `bare bash spawns of the same commands: ${base.toFixed(0)} ms\n` +
        `  engine overhead beyond process start: ${(cpuEcho - cpuBase).toFixed(2)} ms CPU per task in wdlrun's process ` +
        `(${cpuEcho.toFixed(2)} ms with the engine vs ${cpuBase.toFixed(2)} ms for a bare spawn), ` +
        `${wallOverhead.toFixed(2)} ms wall per task slot (target ≤ 5 ms)\n`,
    );
    process.stdout.write(`peak RSS over the whole benchmark: ${mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024))}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
