import { describe, expect, it } from "vitest";
import { typeToString, arrayOf, T } from "../src/types/types.js";

describe("types", () => {
  it("prints types as WDL writes them", () => {
    expect(typeToString(arrayOf(T.Int, true, true))).toBe("Array[Int]+?");
  });
});
