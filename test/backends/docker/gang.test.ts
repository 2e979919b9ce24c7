import { describe, expect, it } from "vitest";
import { rankAddresses } from "../../../src/backends/docker/gang.js";
import { isOutOfAddressPools, NetworkSlots } from "../../../src/backends/docker/network-slots.js";
import { libpodSpec } from "../../../src/backends/docker/podman.js";

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

describe("libpodSpec for a gang's rank (Podman's own create, used when the rank has GPUs)", () => {
  it("carries the rank's network with its alias and address, its host name and the hosts entries", () => {
    const spec = libpodSpec(
      {
        name: "w-rank-1",
        Image: "python:latest",
        Hostname: "rank-1",
        NetworkingConfig: { EndpointsConfig: { w: { Aliases: ["rank-1"], IPAMConfig: { IPv4Address: "10.89.0.3" } } } },
        HostConfig: { NetworkMode: "w", ExtraHosts: ["rank-0:10.89.0.2", "rank-1:10.89.0.3"] },
      },
      ["nvidia.com/gpu=1"],
    );
    expect(spec).toMatchObject({
      netns: { nsmode: "bridge" },
      Networks: { w: { aliases: ["rank-1"], static_ips: ["10.89.0.3"] } },
      hostname: "rank-1",
      hostadd: ["rank-0:10.89.0.2", "rank-1:10.89.0.3"],
      devices: [{ path: "nvidia.com/gpu=1" }],
    });
  });
  it("leaves networking to Podman's defaults for a container of no gang", () => {
    const spec = libpodSpec({ Image: "ubuntu:latest", HostConfig: {} }, []);
    expect(spec).not.toHaveProperty("Networks");
    expect(spec).not.toHaveProperty("netns");
    expect(spec).not.toHaveProperty("hostname");
  });
});

describe("NetworkSlots (gangs waiting for an address pool)", () => {
  it("answers false at once when none of this backend's networks is up, else wakes waiters when one goes", async () => {
    const slots = new NetworkSlots();
    expect(await slots.waitForOne(new AbortController().signal)).toBe(false);
    slots.opened();
    const waiting = slots.waitForOne(new AbortController().signal);
    slots.closed();
    expect(await waiting).toBe(true);
    expect(slots.up).toBe(0);
  });
  it("answers false when the run is aborted while waiting", async () => {
    const slots = new NetworkSlots();
    slots.opened();
    const stop = new AbortController();
    const waiting = slots.waitForOne(stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
  });
  it("knows the engines' words for having no address pool left", () => {
    expect(isOutOfAddressPools("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")).toBe(true);
    expect(isOutOfAddressPools("could not find free subnet from subnet pools")).toBe(true);
    expect(isOutOfAddressPools("network with name x already exists")).toBe(false);
  });
});
