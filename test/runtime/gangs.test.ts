import { describe, expect, it } from "vitest";
import { gangRefusal } from "../../src/runtime/gangs.js";

describe("gangRefusal", () => {
  it("lets one rank run anywhere, and a gang on a backend that runs gangs", () => {
    expect(gangRefusal({ kind: "local", gangs: false }, 1)).toBeUndefined();
    expect(gangRefusal({ kind: "docker", gangs: true }, 4)).toBeUndefined();
    expect(gangRefusal({ kind: "swarm", gangs: true }, 2)).toBeUndefined();
    expect(gangRefusal({ kind: "docker", gangs: true }, 2, 1)).toBeUndefined();
  });
  it("refuses a gang whose ranks need GPUs on a backend that cannot give them, saying why", () => {
    expect(gangRefusal({ kind: "swarm", gangs: true, gangGpusRefused: "why not" }, 2, 1)).toBe(
      "asks for a gang of 2 ranks (hints.nodes = 2) that need GPUs, which the swarm backend cannot run: why not; run it with --backend docker",
    );
    expect(gangRefusal({ kind: "swarm", gangs: true, gangGpusRefused: "why not" }, 2, 0)).toBeUndefined();
  });
  it("refuses a gang on a backend that runs none with one line naming the hint", () => {
    expect(gangRefusal({ kind: "local", gangs: false }, 2)).toBe(
      "asks for a gang of 2 ranks (hints.nodes = 2), which the local backend cannot run: it runs each attempt as one process, and the other ranks would be lost; run it with --backend docker",
    );
    expect(gangRefusal({ kind: "swarm", gangs: false }, 3)).toBe(
      "asks for a gang of 3 ranks (hints.nodes = 3), which the swarm backend cannot run: this backend does not run gangs; run it with --backend docker",
    );
  });
});
