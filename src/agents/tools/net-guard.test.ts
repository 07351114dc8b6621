import { describe, expect, it } from "vitest";
import { classifyAddress, pinnedLookup } from "./net-guard.js";

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["1.1.1.1", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["100.128.0.1", "public"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "unspecified"],
    ["fe80::1%eth0", "link-local"],
    ["fd00::1", "unique-local"],
    ["fc12:3456::1", "unique-local"],
    ["ff02::1", "multicast"],
    ["2606:4700:4700::1111", "public"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:8.8.8.8", "public"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["2002:c0a8:0101::1", "private"],
  ])("%s is %s", (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it("throws on a non-IP", () => {
    expect(() => classifyAddress("example.com")).toThrow("not an IP address: example.com");
  });
});

describe("pinnedLookup", () => {
  it("answers only with the pinned addresses, by family and in both callback forms", () => {
    const lookup = pinnedLookup([
      { address: "203.0.114.1", family: 4 },
      { address: "2606:4700::1", family: 6 },
    ]);
    lookup("anything", { all: true }, (err, addresses) => {
      expect(err).toBeNull();
      expect(addresses).toHaveLength(2);
    });
    lookup("anything", { family: 6 }, (_err, address, family) => {
      expect([address, family]).toEqual(["2606:4700::1", 6]);
    });
  });
});
