/**
 * Repository check benchmark (`npm run bench:check`): `wdlrun check DIR
 * --summary` of a whole repository of WDL documents (`--dir PATH`, else
 * $WDLRUN_BENCH_REPO, else ../shared/realworld beside the repository, else
 * /work/shared/realworld), each round in a fresh process as a user runs it.
 * Prints the distinct lines checked (every document read once: the .wdl files
 * below DIR and what they import), the CPU time of the check itself (the
 * process's user+system over the check, every thread of it, V8's compiler
 * and GC threads included: reading, parsing, checking, summarizing; loading
 * the modules excluded) and of the whole process, and lines per second of
 * CPU; medians over the rounds. V8's tiering is set as bin/wdlrun.js sets it
 * (src/cli/tiering.ts).
 *
 * It runs the built CLI's modules (dist/: build first with `npm run build`).
 * Options: --dir PATH, --runs N (default 5).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const candidates = [option("dir"), process.env.WDLRUN_BENCH_REPO, join(root, "..", "shared", "realworld"), "/work/shared/realworld"];
const dir = resolve(candidates.find((d) => d !== undefined && existsSync(d)) ?? "../shared/realworld");
if (!existsSync(dir)) throw new Error(`no repository to check at ${dir}: give --dir PATH or WDLRUN_BENCH_REPO`);
const runs = Number(option("runs") ?? 5);

/** One round in a fresh process: the check's CPU (µs), the process's CPU (µs) and the distinct lines. */
const child = `
const t0 = process.cpuUsage();
await import(${JSON.stringify(pathToFileURL(join(root, "dist/cli/tiering.js")).href)}); // as bin/wdlrun.js starts
const { runCheck } = await import(${JSON.stringify(pathToFileURL(join(root, "dist/cli/check.js")).href)});
await import(${JSON.stringify(pathToFileURL(join(root, "dist/analysis/index.js")).href)}); // loading is start-up, not checking
const t1 = process.cpuUsage();
const code = await runCheck([${JSON.stringify(dir)}], { summary: true }, { stdout: () => {}, stderr: () => {} });
const t2 = process.cpuUsage();
const { analyzeFiles } = await import(${JSON.stringify(pathToFileURL(join(root, "dist/analysis/index.js")).href)});
const { expandPaths } = await import(${JSON.stringify(pathToFileURL(join(root, "dist/cli/check.js")).href)});
const a = await analyzeFiles(await expandPaths([${JSON.stringify(dir)}]));
let lines = 0;
for (const text of a.sources.values()) lines += text.split("\\n").length - (text.endsWith("\\n") ? 1 : 0);
const cpu = (u) => u.user + u.system;
const whole = process.cpuUsage(t0);
console.log(JSON.stringify({ code, check: cpu(t2) - cpu(t1), process: cpu(t2), files: a.sources.size, lines, whole: cpu(whole) }));
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const rounds: { check: number; process: number; files: number; lines: number }[] = [];
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", child], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`the check failed: ${r.stderr}`);
  rounds.push(JSON.parse(r.stdout.trim().split("\n").at(-1)!));
}
const { files, lines } = rounds[0]!;
const check = median(rounds.map((r) => r.check)) / 1e6;
const proc = median(rounds.map((r) => r.process)) / 1e6;
console.log(`wdlrun check ${dir} --summary, median of ${runs} fresh processes:`);
console.log(`  ${files} documents, ${lines.toLocaleString("en-US")} distinct lines`);
console.log(`  check: ${check.toFixed(3)} s CPU → ${Math.round(lines / check).toLocaleString("en-US")} lines/s of CPU`);
console.log(`  whole process (with loading wdlrun's modules): ${proc.toFixed(3)} s CPU → ${Math.round(lines / proc).toLocaleString("en-US")} lines/s of CPU`);
