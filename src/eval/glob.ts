/**
 * Bash-style pathname expansion for the `glob` standard-library function:
 * `*`, `?`, bracket expressions (`[abc]`, `[!a-z]`, `[[:digit:]]`) and
 * backslash escapes, segment by segment, without globstar (`**` acts as `*`),
 * and hidden entries matched only by a segment that starts with a dot.
 * Only files (not directories) are returned, sorted, as paths written the way
 * the pattern wrote them (relative patterns give relative paths).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { POSIX_CLASSES } from "../stdlib/posix-classes.js";

/**
 * The files under `baseDir` matching `pattern`, sorted. `lookUp` maps a
 * path as written (relative) to the host path to read, undefined when nothing
 * is there (a task's view of its files, see NodeFileIOOptions.globPath); by
 * default the path below `baseDir`.
 */
export function globFiles(baseDir: string, pattern: string, lookUp?: (written: string) => string | undefined): string[] {
  const absolute = pattern.startsWith("/");
  const segments = pattern.split("/").filter((s) => s !== "");
  if (segments.length === 0) return [];
  // Each candidate is [path as written, host path].
  let candidates: [string, string][] = [[absolute ? "/" : "", absolute ? "/" : baseDir]];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    const next: [string, string][] = [];
    const matcher = hasGlobChars(segment) ? segmentRegExp(segment) : undefined;
    for (const [written, host] of candidates) {
      if (matcher === undefined) {
        const name = unescapeSegment(segment);
        const w = joinWritten(written, name);
        const h = lookUp ? lookUp(w) : path.join(host, name);
        if (h !== undefined && fs.existsSync(h)) next.push([w, h]);
        continue;
      }
      let entries: string[];
      try {
        entries = fs.readdirSync(host);
      } catch {
        continue;
      }
      for (const name of entries) {
        if (name.startsWith(".") && !segment.startsWith(".")) continue;
        if (!matcher.test(name)) continue;
        const w = joinWritten(written, name);
        const h = lookUp ? lookUp(w) : path.join(host, name);
        if (h !== undefined) next.push([w, h]);
      }
    }
    candidates = last ? next : next.filter(([, h]) => isDirectory(h));
  }
  return candidates
    .filter(([, h]) => !isDirectory(h))
    .map(([w]) => w)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function joinWritten(base: string, name: string): string {
  if (base === "") return name;
  return base.endsWith("/") ? base + name : `${base}/${name}`;
}

function isDirectory(host: string): boolean {
  try {
    return fs.statSync(host).isDirectory();
  } catch {
    return false;
  }
}

function hasGlobChars(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "*" || c === "?" || c === "[") return true;
  }
  return false;
}

function unescapeSegment(segment: string): string {
  return segment.replace(/\\(.)/g, "$1");
}

/** Compiles one glob path segment into an anchored RegExp. */
export function segmentRegExp(segment: string): RegExp {
  let re = "^";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "\\" && i + 1 < segment.length) {
      re += escapeRe(segment[++i]!);
    } else if (c === "*") {
      re += "[^/]*";
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "[") {
      const end = bracketEnd(segment, i);
      if (end < 0) {
        re += "\\[";
        continue;
      }
      re += bracketToRe(segment.slice(i + 1, end));
      i = end;
    } else {
      re += escapeRe(c);
    }
  }
  return new RegExp(re + "$", "u");
}

/** Index of the `]` closing the bracket expression opened at `start`, or -1. */
function bracketEnd(s: string, start: number): number {
  let i = start + 1;
  if (s[i] === "!" || s[i] === "^") i++;
  if (s[i] === "]") i++;
  for (; i < s.length; i++) {
    if (s[i] === "[" && s[i + 1] === ":") {
      const close = s.indexOf(":]", i + 2);
      if (close > 0) {
        i = close + 1;
        continue;
      }
    }
    if (s[i] === "]") return i;
  }
  return -1;
}

function bracketToRe(body: string): string {
  let negate = false;
  let i = 0;
  if (body[0] === "!" || body[0] === "^") {
    negate = true;
    i = 1;
  }
  let out = "";
  for (; i < body.length; i++) {
    const c = body[i]!;
    if (c === "[" && body[i + 1] === ":") {
      const close = body.indexOf(":]", i + 2);
      const cls = POSIX_CLASSES[body.slice(i + 2, close)];
      if (close > 0 && cls !== undefined) {
        out += cls;
        i = close + 1;
        continue;
      }
    }
    if (c === "-" && out !== "" && i + 1 < body.length) {
      out += "-";
      continue;
    }
    out += c === "\\" || c === "]" || c === "[" || c === "^" || c === "-" ? "\\" + c : c;
  }
  return `[${negate ? "^" : ""}${out}]`;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? "\\" + c : c;
}
