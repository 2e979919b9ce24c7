import { describe, expect, it } from "vitest";
import { formatBytes, parseStorage } from "../../src/runtime/units.js";

describe("parseStorage (spec: Units of Storage)", () => {
  it("reads decimal and binary units, case-insensitively, with optional space and B", () => {
    expect(parseStorage("2 GiB")).toBe(2 * 1024 ** 3);
    expect(parseStorage("2GiB")).toBe(2 * 1024 ** 3);
    expect(parseStorage("2 gib")).toBe(2 * 1024 ** 3);
    expect(parseStorage("2 Gi")).toBe(2 * 1024 ** 3);
    expect(parseStorage("5MB")).toBe(5_000_000);
    expect(parseStorage("5 M")).toBe(5_000_000);
    expect(parseStorage("6.2 GB")).toBe(6_200_000_000);
    expect(parseStorage("1 KiB")).toBe(1024);
    expect(parseStorage("1 k")).toBe(1000);
    expect(parseStorage("3 TiB")).toBe(3 * 1024 ** 4);
    expect(parseStorage("17 B")).toBe(17);
  });
  it("uses the default unit when none is written", () => {
    expect(parseStorage("100")).toBe(100);
    expect(parseStorage("10", "GiB")).toBe(10 * 1024 ** 3);
  });
  it("refuses text that is not a size", () => {
    expect(parseStorage("lots")).toBeUndefined();
    expect(parseStorage("2 parsecs")).toBeUndefined();
    expect(parseStorage("")).toBeUndefined();
    expect(parseStorage("-1 GiB")).toBeUndefined();
  });
  it("formats sizes for people", () => {
    expect(formatBytes(2 * 1024 ** 3)).toBe("2 GiB");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(17)).toBe("17 B");
  });
});
