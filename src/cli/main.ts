/**
 * The process entry point: the only place that handles signals and calls
 * process.exit. Usage errors exit 2; uncaught internal errors print one line
 * (with the stack only when WDLRUN_DEBUG is set) and exit 1, and so does a
 * command whose work stops with no outcome (the event loop empties while it
 * is still pending): wdlrun never exits 0 without having finished.
 */
import "./tiering.js";
import { CommanderError } from "commander";
import "./commands.js";
import { abandoned, interrupt } from "./interrupt.js";
import { buildProgram, ExitCode } from "./program.js";

// Ctrl-C (and SIGTERM): the first stops scheduling, the second aborts running tasks, later ones say
// what the run still waits for (see src/runtime/cancellation.ts); with no run going, exit at once.
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (!interrupt("interrupt")) process.exit(ExitCode.interrupted);
  });
}
// The terminal went away (SIGHUP): nobody is left to wait for running tasks, so abort them at once
// and clean up as after a second Ctrl-C. Writing to the gone terminal may now fail: ignored.
process.on("SIGHUP", () => {
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  if (!interrupt("hang-up")) process.exit(ExitCode.interrupted);
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

let settled = false;
// Nothing is left to run, yet the command has no outcome: some operation can never settle (an engine
// connection that neither answers nor fails, say). That is a failure, never a success.
process.on("beforeExit", () => {
  if (settled) return;
  settled = true;
  process.stderr.write("wdlrun: internal error: the command stopped with no outcome (an operation never settled); nothing more will happen\n");
  abandoned();
  process.exitCode = ExitCode.failure;
});

main(process.argv).then(
  (code) => {
    settled = true;
    process.exitCode = code;
    // Requests still pending to an engine that hangs must not keep wdlrun from exiting (stdout and
    // stderr are written synchronously to files and pipes): exit a second after the outcome at most.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (e: unknown) => {
    settled = true;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`wdlrun: internal error: ${msg}\n`);
    if (process.env.WDLRUN_DEBUG && e instanceof Error && e.stack) process.stderr.write(e.stack + "\n");
    process.exitCode = ExitCode.failure;
  },
);
