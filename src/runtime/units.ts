/**
 * Units of storage (spec "Units of Storage"): parses `"2 GiB"`, `"5MB"`,
 * `"100"` into a byte count. Suffixes are case-insensitive; the trailing
 * `B` of decimal and binary units may be omitted (`K` = `KB`).
 */

const FACTORS: ReadonlyMap<string, number> = new Map([
  ["b", 1],
  ["k", 1e3],
  ["kb", 1e3],
  ["m", 1e6],
  ["mb", 1e6],
  ["g", 1e9],
  ["gb", 1e9],
  ["t", 1e12],
  ["tb", 1e12],
  ["ki", 1024],
  ["kib", 1024],
  ["mi", 1024 ** 2],
  ["mib", 1024 ** 2],
  ["gi", 1024 ** 3],
  ["gib", 1024 ** 3],
  ["ti", 1024 ** 4],
  ["tib", 1024 ** 4],
]);

/** Bytes in one `unit` (case-insensitive), or undefined when the unit is not one the spec names. */
export function unitFactor(unit: string): number | undefined {
  return FACTORS.get(unit.toLowerCase());
}

const SIZE = /^\s*(\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*([A-Za-z]*)\s*$/;

/**
 * Parses a size with an optional unit suffix into bytes (rounded up to a
 * whole byte). `defaultUnit` applies when no suffix is written (`"B"` for
 * memory, `"GiB"` for disks). Returns undefined for text that is not a size.
 */
export function parseStorage(text: string, defaultUnit = "B"): number | undefined {
  const m = SIZE.exec(text);
  if (!m) return undefined;
  const numberText = text.trim().slice(0, text.trim().length - m[2]!.length).trim();
  const n = Number(numberText);
  if (!Number.isFinite(n) || n < 0) return undefined;
  const factor = unitFactor(m[2] === "" ? defaultUnit : m[2]!);
  if (factor === undefined) return undefined;
  return Math.ceil(n * factor);
}

/** Renders a byte count for people: `2 GiB`, `512 MiB`, `1.5 KiB`, `17 B`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = Number.isInteger(v) ? String(v) : v.toFixed(1).replace(/\.0$/, "");
  return `${text} ${units[i]}`;
}
