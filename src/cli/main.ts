/**
 * The process entry point: the only place that handles signals and calls
 * process.exit. Usage errors exit 2; uncaught internal errors print one line
 * (with the stack only when WDLRUN_DEBUG is set) and exit 1.
 */
import { CommanderError } from "commander";
import "./commands.js";
import { interrupt } from "./interrupt.js";
import { buildProgram, ExitCode } from "./program.js";

// Ctrl-C (and SIGTERM): the first stops scheduling, the second aborts running
// tasks (see src/runtime/cancellation.ts); with no run going, exit at once.
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (!interrupt()) process.exit(ExitCode.interrupted);
  });
}
// The terminal went away (SIGHUP): nobody is left to wait for running tasks, so abort them at once
// (both stages) and clean up as for a second Ctrl-C. Writing to the gone terminal may now fail: ignored.
process.on("SIGHUP", () => {
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  if (!interrupt() || !interrupt()) process.exit(ExitCode.interrupted);
});

async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return ExitCode.ok;
      return ExitCode.usage;
    }
    throw e;
  }
  return code;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`wdlrun: internal error: ${msg}\n`);
    if (process.env.WDLRUN_DEBUG && e instanceof Error && e.stack) process.stderr.write(e.stack + "\n");
    process.exitCode = ExitCode.failure;
  },
);
