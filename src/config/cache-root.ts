/**
 * Where wdlrun keeps what it can make again: `$XDG_CACHE_HOME/wdlrun`, by
 * default `~/.cache/wdlrun` (the call cache in `calls/`, compiled code in
 * `code/`, the test images' Debian root beside them). A module of its own so
 * that a worker thread can find it without loading the configuration.
 */
import { homedir } from "node:os";
import { join } from "node:path";

/** `$XDG_CACHE_HOME/wdlrun`, else `<home>/.cache/wdlrun` (home: `home`, else HOME, else the user's home directory). */
export function cacheRoot(env: Readonly<Record<string, string | undefined>> = process.env, home?: string): string {
  return join(env.XDG_CACHE_HOME || join(home ?? env.HOME ?? homedir(), ".cache"), "wdlrun");
}
