import { describe, expect, it } from "vitest";
import { STDLIB } from "../../src/stdlib/registry.js";
import { FUNCTIONS } from "../../src/stdlib/signatures.js";

describe("standard-library registry", () => {
  it("implements every function the signature table lists, and nothing else", () => {
    const signed = [...FUNCTIONS.keys()].sort();
    const implemented = [...STDLIB.keys()].sort();
    expect(implemented).toEqual(signed);
  });

  it("agrees with the signature table on the version each function appeared in", () => {
    for (const [name, spec] of FUNCTIONS) expect(`${name} ${STDLIB.get(name)?.since}`).toBe(`${name} ${spec.since}`);
  });

  it("accepts as many arguments as the signatures allow", () => {
    for (const [name, spec] of FUNCTIONS) {
      const counts = spec.variants.map((v) => {
        const params = v.signature.slice(v.signature.indexOf("(") + 1, v.signature.lastIndexOf(")"));
        if (params.trim() === "") return [0, 0] as const;
        // Split on top-level commas only.
        let depth = 0;
        const parts: string[] = [""];
        for (const c of params) {
          if (c === "[") depth++;
          if (c === "]") depth--;
          if (c === "," && depth === 0) parts.push("");
          else parts[parts.length - 1] += c;
        }
        // An optional parameter is written in brackets: `[String]`.
        const optional = parts.filter((p) => p.trim().startsWith("[") && p.trim().endsWith("]")).length;
        return [parts.length - optional, parts.length] as const;
      });
      const min = Math.min(...counts.map((c) => c[0]));
      const max = Math.max(...counts.map((c) => c[1]));
      const f = STDLIB.get(name)!;
      expect(`${name} ${f.minArgs}..${f.maxArgs}`).toBe(`${name} ${min}..${max}`);
    }
  });
});
