/**
 * Checking and converting one configuration value against its key's kind.
 * Values come typed from TOML, or as text from the environment and flags; both
 * go through `convert`, which says what was expected when the value is wrong.
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { KeyKind } from "./keys.js";

/** A converted value: every key kind maps to one of these. */
export type ConfigValue = string | boolean | number | readonly string[] | undefined;

/** The result of converting a value: the value, or a description of what is allowed. */
export type Converted = { readonly ok: true; readonly value: ConfigValue } | { readonly ok: false; readonly expected: string };

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  ki: 2 ** 10, kib: 2 ** 10, mi: 2 ** 20, mib: 2 ** 20, gi: 2 ** 30, gib: 2 ** 30, ti: 2 ** 40, tib: 2 ** 40,
};

/** Parses a size such as `512 MiB`, `2G` or `1048576` into bytes; undefined when malformed. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase();
  const factor = unit === "" ? 1 : UNITS[unit];
  if (factor === undefined) return undefined;
  return Math.round(Number(m[1]) * factor);
}

const ok = (value: ConfigValue): Converted => ({ ok: true, value });
const bad = (expected: string): Converted => ({ ok: false, expected });

/**
 * Converts `raw` to the kind's value. `fromText` is true for environment
 * variables and command-line flags, whose values are always strings.
 */
export function convert(type: KeyKind, raw: unknown, fromText: boolean): Converted {
  switch (type.kind) {
    case "enum":
      return typeof raw === "string" && type.values.includes(raw)
        ? ok(raw)
        : bad(`one of ${type.values.map((v) => `"${v}"`).join(", ")}`);
    case "bool":
      if (typeof raw === "boolean") return ok(raw);
      if (fromText && typeof raw === "string") {
        const t = raw.trim().toLowerCase();
        if (["true", "1", "yes", "on"].includes(t)) return ok(true);
        if (["false", "0", "no", "off"].includes(t)) return ok(false);
      }
      return bad(fromText ? "true or false (also 1/0, yes/no)" : "true or false");
    case "count":
    case "number": {
      const n = typeof raw === "number" ? raw : typeof raw === "bigint" ? Number(raw) : fromText && typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
      const whole = type.kind === "count";
      if (!Number.isFinite(n) || n < 0 || (whole && !Number.isInteger(n))) {
        return bad(whole ? "a whole number, 0 or more" : "a number, 0 or more");
      }
      return ok(n);
    }
    case "string":
      if (typeof raw !== "string") return bad(type.nonEmpty ? "a non-empty string" : "a string");
      if (type.nonEmpty && raw.trim() === "") return bad("a non-empty string");
      return ok(raw);
    case "engine": {
      const expected = "empty, or an engine address: unix:///path/to/docker.sock or tcp://host:port (no other scheme)";
      if (typeof raw !== "string") return bad(expected);
      const t = raw.trim();
      return t === "" || /^unix:\/\/\/./.test(t) || /^tcp:\/\/[^/]+\/?$/.test(t) ? ok(t) : bad(expected);
    }
    case "bytes": {
      const expected = 'a size in bytes (a whole number) or a string such as "16 GiB" or "512 MB"';
      if (typeof raw === "number" || typeof raw === "bigint") {
        const n = Number(raw);
        return Number.isInteger(n) && n > 0 ? ok(n) : bad(expected);
      }
      if (typeof raw !== "string") return bad(expected);
      if (raw.trim() === "") return ok(undefined);
      const n = parseByteSize(raw);
      return n !== undefined && n > 0 ? ok(n) : bad(expected);
    }
    case "list": {
      const expected = fromText ? "a comma-separated list" : 'a list of strings, e.g. ["0", "1"]';
      if (fromText && typeof raw === "string") {
        return ok(raw.split(",").map((s) => s.trim()).filter((s) => s !== ""));
      }
      if (Array.isArray(raw) && raw.every((x) => typeof x === "string" || typeof x === "number" || typeof x === "bigint")) {
        return ok(raw.map((x) => String(x)));
      }
      return bad(expected);
    }
    default:
      return assertUnreachable(type);
  }
}

/** Renders a value the way a user would write it in TOML (for error messages and docs). */
export function showValue(raw: unknown): string {
  if (typeof raw === "string") return JSON.stringify(raw);
  if (Array.isArray(raw)) return `[${raw.map(showValue).join(", ")}]`;
  if (raw instanceof Date) return raw.toISOString();
  if (raw !== null && typeof raw === "object") return "a table";
  return String(raw);
}
