/**
 * The commander program: one sub-command per file in this folder, each of
 * which registers itself through a `register*` function and reports an exit
 * code through `setExitCode` (only main.ts calls process.exit).
 *
 * `run` is the default command: `wdlrun FILE.wdl [INPUTS.json] [key=value…]`
 * is `wdlrun run FILE.wdl …` when FILE exists; any other first word that
 * names no command is a usage error naming the nearest command.
 *
 * Start-up time matters (editors check on save, suites start wdlrun hundreds
 * of times): command files import their heavy modules (the parser, the
 * runtime, dockerode) inside their actions, so that `--version`, `--help`
 * and each command load only what they use (`npm run bench:startup`).
 */
import { existsSync } from "node:fs";
import { Command } from "commander";
import { VERSION_SPELLINGS } from "../syntax/ast.js";
import { editDistance } from "../diagnostics/nearest.js";

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

/** wdlrun's version. */
export const VERSION = "0.1.0";

/** What `wdlrun --version` prints: wdlrun's version and the WDL versions it reads. */
export function versionText(): string {
  const spellings = Object.entries(VERSION_SPELLINGS);
  const versions = spellings.filter(([text, v]) => text === v).map(([v]) => v);
  const aliases = spellings.filter(([text, v]) => text !== v).map(([text, v]) => `'version ${text}' reads as ${v}`);
  return `wdlrun ${VERSION}\nWDL versions: ${versions.join(", ")}${aliases.length ? ` (${aliases.join("; ")})` : ""}`;
}

/** Builds the program with every registered command. `done` receives the command's exit code. */
export function buildProgram(done: (code: number) => void): Command {
  const program = new Command();
  program
    .name("wdlrun")
    .usage("FILE.wdl [INPUTS.json] [key=value…] [run options]   (the same as: wdlrun run FILE.wdl …)\n       wdlrun <command> [options]")
    .description("Parse, check and run WDL (1.0, 1.1, 1.2) workflows and tasks")
    .version(versionText(), "-V, --version", "print wdlrun's version and the WDL versions it reads")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const r of registrars) r(program, done);
  program.hook("preSubcommand", (_, sub) => checkDefaultCommand(program, sub));
  program.addHelpText(
    "after",
    [
      "",
      "Examples:",
      "  wdlrun workflow.wdl inputs.json              run a workflow (outputs JSON on stdout)",
      "  wdlrun examples/hello/hello.wdl name=you --backend local",
      "  wdlrun check .                               check every .wdl file below the current directory",
      "  wdlrun inputs workflow.wdl                   a template of the inputs it takes",
    ].join("\n"),
  );
  return program;
}

/**
 * Runs before a sub-command: when the first word named none and commander
 * fell back to `run` (the default command), that word must be an existing
 * file; otherwise it is a usage error naming the nearest command. A bare
 * `wdlrun` prints the help.
 */
function checkDefaultCommand(program: Command, sub: Command): void {
  const first = program.args[0];
  if (first === sub.name()) return;
  if (first === undefined) program.help({ error: true });
  if (first.startsWith("-") || existsSync(first)) return;
  const names = program.commands.map((c) => c.name());
  program.error(`wdlrun: no such command or file: ${first} (the nearest command is \`${nearest(first, names)}\`; commands: ${names.join(", ")})`, {
    exitCode: ExitCode.usage,
    code: "wdlrun.unknownCommand",
  });
}

/** The candidate closest to `word` by edit distance (the first of equals). */
function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

