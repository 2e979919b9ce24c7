/**
 * Loads a document and its imports, parses them and checks them.
 * (Placeholder until the parser lands: the real loader walks imports
 * relative to the importing file and reports missing files and cycles.)
 */
import type { Analysis } from "./index.js";

/** Reads, parses and checks the document at `path` and its imports. */
export async function loadAndCheck(path: string, readFile?: (uri: string) => Promise<string>): Promise<Analysis> {
  void path;
  void readFile;
  throw new Error("analysis: not implemented yet");
}

/** Parses and checks an in-memory document; imports come from `files`. */
export function loadAndCheckSync(uri: string, text: string, files: ReadonlyMap<string, string>): Analysis {
  void uri;
  void text;
  void files;
  throw new Error("analysis: not implemented yet");
}
