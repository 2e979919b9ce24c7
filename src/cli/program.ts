/**
 * The commander program: one sub-command per file in this folder, each of
 * which registers itself through a `register*` function and reports an exit
 * code through `setExitCode` (only main.ts calls process.exit).
 */
import { Command } from "commander";

/** Exit codes shared by every command (documented in README.md). */
export const ExitCode = {
  ok: 0,
  /** The document has errors, or the run failed. */
  failure: 1,
  /** Bad usage: unknown option, missing argument. */
  usage: 2,
  /**
   * `run` refused to start, so nothing ran: the document has errors, the
   * inputs are invalid (unknown key, wrong type, missing file), there is no
   * target, the config is invalid, the backend has no engine, or the run
   * directory cannot be created. (`run` uses `failure` only for a run
   * that started and failed.)
   */
  invalid: 2,
  /** The run was interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

/** A sub-command: adds itself to the program; its action resolves to an exit code. */
export type CommandRegistrar = (program: Command, done: (code: number) => void) => void;

const registrars: CommandRegistrar[] = [];

/** Adds a sub-command registrar (called at module load by each command file imported in commands.ts). */
export function addCommand(r: CommandRegistrar): void {
  registrars.push(r);
}

/** Builds the program with every registered command. `done` receives the command's exit code. */
export function buildProgram(done: (code: number) => void): Command {
  const program = new Command();
  program
    .name("wdlrun")
    .description("Parse, check and run WDL (1.0, 1.1, 1.2) workflows and tasks")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const r of registrars) r(program, done);
  return program;
}
