import { describe, expect, it } from "vitest";
import { rankAddresses } from "../../../src/backends/docker/gang.js";

describe("rankAddresses (the ranks' addresses on Podman)", () => {
  it("takes host addresses from the second on, never the gateway", () => {
    expect(rankAddresses([{ Subnet: "10.89.0.0/24", Gateway: "10.89.0.1" }], 3)).toEqual(["10.89.0.2", "10.89.0.3", "10.89.0.4"]);
    expect(rankAddresses([{ Subnet: "10.89.0.0/24", Gateway: "10.89.0.3" }], 3)).toEqual(["10.89.0.2", "10.89.0.4", "10.89.0.5"]);
    expect(rankAddresses([{ Subnet: "172.20.1.0/22" }], 2)).toEqual(["172.20.0.2", "172.20.0.3"]);
  });
  it("skips IPv6 subnets and those without room; undefined when none has room", () => {
    expect(rankAddresses([{ Subnet: "fd00::/64" }, { Subnet: "10.0.0.0/30" }, { Subnet: "10.1.0.0/29", Gateway: "10.1.0.1" }], 3)).toEqual(["10.1.0.2", "10.1.0.3", "10.1.0.4"]);
    expect(rankAddresses([{ Subnet: "10.0.0.0/30" }], 2)).toBeUndefined();
    expect(rankAddresses([], 2)).toBeUndefined();
  });
});
