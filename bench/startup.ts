/**
 * Start-up benchmark (`npm run bench:startup`): how long `wdlrun --version`
 * and `wdlrun check` of a small document take from process start to exit,
 * against `node -e 0` on the same machine. The three are run interleaved,
 * round after round, so that the machine's load hits them alike; it prints
 * each one's median and the difference and ratio to `node -e 0`.
 *
 * It runs the built CLI (bin/wdlrun.js: build first with `npm run build`).
 * Options: --runs N (rounds, default 15), --bin FILE (another build's entry
 * point, to compare), --each (print every round's times).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const runs = Number(option("runs") ?? 15);
const bin = resolve(option("bin") ?? join(root, "bin", "wdlrun.js"));
const dir = mkdtempSync(join(tmpdir(), "wdlrun-startup-"));
const small = join(dir, "small.wdl");
writeFileSync(small, ["version 1.2", "", "task hello {", "  input {", "    String who", "  }", '  command <<< echo "hello ~{who}" >>>', "  output {", "    String out = read_string(stdout())", "  }", "}", ""].join("\n"));

const cases: { name: string; args: string[]; status: number }[] = [
  { name: "node -e 0", args: ["-e", "0"], status: 0 },
  { name: "wdlrun --version", args: [bin, "--version"], status: 0 },
  { name: "wdlrun check small.wdl", args: [bin, "check", small], status: 0 },
];

/** Wall time of one run of `args` in ms; fails loudly when it does not exit as expected. */
function time(args: string[], status: number): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== status) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

for (const c of cases) time(c.args, c.status); // warm the file cache
const times = cases.map(() => [] as number[]);
for (let round = 0; round < runs; round++) {
  cases.forEach((c, i) => times[i]!.push(time(c.args, c.status)));
  if (process.argv.includes("--each")) console.log(`round ${round + 1}: ${times.map((t) => t.at(-1)!.toFixed(0)).join(" / ")} ms`);
}
rmSync(dir, { recursive: true, force: true });

const base = median(times[0]!);
console.log(`start-up, median of ${runs} interleaved rounds (${bin}):`);
cases.forEach((c, i) => {
  const m = median(times[i]!);
  const vs = i === 0 ? "" : `   +${((m - base) / 1000).toFixed(3)} s over node -e 0 (${(m / base).toFixed(2)}×)`;
  console.log(`  ${c.name.padEnd(24)} ${(m / 1000).toFixed(3)} s${vs}`);
});
