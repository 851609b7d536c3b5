import { describe, expect, it } from "vitest";
import { backoffMs, signPayload } from "./webhook.delivery";
import { blockedReason, checkUrlShape, resolveSafe } from "./safe-http";

describe("outbound address checks", () => {
  it("accepts public unicast only", () => {
    for (const a of ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "93.184.216.34"]) expect(blockedReason(a), a).toBeNull();
    const refused: Record<string, string> = {
      "127.0.0.1": "loopback",
      "127.8.9.10": "loopback",
      "10.1.2.3": "private",
      "172.16.5.4": "private",
      "192.168.1.1": "private",
      "169.254.169.254": "linkLocal",
      "100.64.0.1": "carrierGradeNat",
      "0.0.0.0": "unspecified",
      "224.0.0.1": "multicast",
      "255.255.255.255": "broadcast",
      "::1": "loopback",
      "::": "unspecified",
      "fe80::1": "linkLocal",
      "fd12:3456::1": "uniqueLocal",
      "ff02::1": "multicast",
      "::ffff:127.0.0.1": "loopback",
      "::ffff:10.0.0.1": "private",
      "64:ff9b::7f00:1": "rfc6052",
      "2002:7f00:1::": "6to4",
    };
    for (const [a, range] of Object.entries(refused)) expect(blockedReason(a), a).toBe(range);
  });

  it("normalises tricky IPv4 spellings through the URL parser before checking", async () => {
    for (const u of ["http://0x7f000001/", "http://2130706433/", "http://127.1/", "http://0177.0.0.1/"]) {
      const url = checkUrlShape(u);
      expect(url.hostname, u).toBe("127.0.0.1");
      await expect(resolveSafe(url.hostname)).rejects.toThrow(/loopback/);
    }
    expect(() => checkUrlShape("http://user:pw@example.com/")).toThrow(/user name/);
    expect(() => checkUrlShape("file:///etc/passwd")).toThrow(/http/);
    await expect(resolveSafe("127.0.0.1", (h) => h === "127.0.0.1")).resolves.toEqual({ address: "127.0.0.1", family: 4 });
    await expect(resolveSafe("localhost")).rejects.toThrow(/localhost resolves to/);
  });

  it("backs off exponentially with jitter and signs timestamp.body", () => {
    expect(backoffMs(1, () => 0.5)).toBe(10_000);
    expect(backoffMs(2, () => 0.5)).toBe(30_000);
    expect(backoffMs(3, () => 0.5)).toBe(90_000);
    expect(backoffMs(30, () => 0.5)).toBe(6 * 3600_000);
    expect(backoffMs(1, () => 0)).toBe(9_000);
    expect(signPayload("k", 1700000000, "{}")).toBe("sha256=c6ef4734033cee2367414a0939385eca0397754aa7a59716da7463a9298b5146");
  });
});
