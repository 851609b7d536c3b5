import { describe, expect, it } from "vitest";
import { parseScimFilter, ScimFilterError } from "./scim.filter";

describe("parseScimFilter", () => {
  it("parses comparisons, presence, and/or precedence, not and parentheses", () => {
    expect(parseScimFilter('userName eq "bjensen@example.com"')).toEqual({ kind: "cmp", attr: "userName", op: "eq", value: "bjensen@example.com" });
    expect(parseScimFilter("title pr")).toEqual({ kind: "cmp", attr: "title", op: "pr", value: null });
    expect(parseScimFilter('a eq "1" or b eq "2" and c eq "3"')).toEqual({
      kind: "or",
      left: { kind: "cmp", attr: "a", op: "eq", value: "1" },
      right: { kind: "and", left: { kind: "cmp", attr: "b", op: "eq", value: "2" }, right: { kind: "cmp", attr: "c", op: "eq", value: "3" } },
    });
    expect(parseScimFilter('(a eq "1" or b eq "2") and not (active eq false)')).toMatchObject({
      kind: "and",
      left: { kind: "or" },
      right: { kind: "not", expr: { kind: "cmp", attr: "active", value: false } },
    });
    expect(parseScimFilter('externalId EQ "x\\"y" AND emails.value co "@corp"')).toMatchObject({
      kind: "and",
      left: { op: "eq", value: 'x"y' },
      right: { attr: "emails.value", op: "co" },
    });
    expect(parseScimFilter("meta.lastModified gt 5")).toMatchObject({ value: 5 });
  });

  it.each([
    ["userName eq", /Expected a value at the end/],
    ['userName equals "x"', /Unexpected 'equals'/],
    ["userName eq bob", /strings go in double quotes/],
    ['userName eq "bob', /Unterminated string/],
    ['(userName eq "x"', /Expected '\)' at the end/],
    ['userName eq "x" and', /Expected an expression at the end/],
    ['userName eq "x" userName eq "y"', /Unexpected/],
    ['eq "x"', /Expected an operator/],
    ["", /Expected an expression/],
    ['userName eq "x" ; drop table users', /Unexpected ';'/],
  ])("rejects %s", (src, message) => {
    expect(() => parseScimFilter(src)).toThrow(ScimFilterError);
    expect(() => parseScimFilter(src)).toThrow(message);
  });
});
