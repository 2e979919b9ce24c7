/**
 * `wdlrun report RUN_DIR`: rebuilds `RUN_DIR/report.html` from the run
 * directory's records (`run.json`, each attempt's `usage.json`,
 * `inputs.json`, `outputs.json`, `error.json`) and prints its path. Exit 2
 * when RUN_DIR holds no readable run records.
 */
import path from "node:path";
import type { Command } from "commander";
import type { CheckOutput } from "./check.js";
import { addCommand, ExitCode } from "./program.js";

/** Rebuilds the report of `runDir`; resolves to the exit code. */
export async function runReport(runDir: string, out: CheckOutput = defaultOutput): Promise<number> {
  // Loaded here, not at start-up (see ./program.ts).
  const [{ readRunData, REPORT_FILE, RunDataError }, { writeAtomic }, { renderReport }] = await Promise.all([
    import("../report/data.js"),
    import("../report/recorder.js"),
    import("../report/render.js"),
  ]);
  let html: string;
  try {
    html = await renderReport(await readRunData(runDir));
  } catch (e) {
    if (e instanceof RunDataError) {
      out.stderr(`wdlrun: ${e.message}\n`);
      return ExitCode.invalid;
    }
    throw e;
  }
  const file = path.join(path.resolve(runDir), REPORT_FILE);
  await writeAtomic(file, html);
  out.stdout(file + "\n");
  return ExitCode.ok;
}

const defaultOutput: CheckOutput = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

addCommand((program: Command, done) => {
  program
    .command("report")
    .description("rebuild a run directory's report.html from its records")
    .argument("<run-dir>", "a run directory (e.g. wdlrun-runs/latest)")
    .action(async (runDir: string) => {
      done(await runReport(runDir));
    });
});
