import { describe, expect, it } from "vitest";
import { contrastWithWhite } from "../../../contracts/organizations";
import { colorIsReadable, resolveSettings, SETTING_DEFAULTS } from "./organization.settings";

const empty = {
  display_name: null,
  logo_sha256: null,
  primary_color: null,
  portal_locale: null,
  requester_visibility: null,
  default_calendar_id: null,
};

describe("resolveSettings (nearest organization that sets a value wins)", () => {
  const [child, parent, root] = ["c", "p", "r"];

  it("falls back to the built-in defaults and the organization's own name", () => {
    const s = resolveSettings([child, parent, root], [], "Child Ltd");
    expect(s).toMatchObject({
      displayName: "Child Ltd",
      primaryColor: SETTING_DEFAULTS.primaryColor,
      portalLocale: "en",
      requesterVisibility: "own",
      logoUrl: null,
      inheritedFrom: {},
    });
  });

  it("takes each setting from the nearest ancestor that sets it, and says which", () => {
    const s = resolveSettings(
      [child, parent, root],
      [
        { ...empty, organization_id: root, primary_color: "#123456", portal_locale: "de", requester_visibility: "organization", logo_sha256: "a".repeat(64) },
        { ...empty, organization_id: parent, primary_color: "#654321" },
        { ...empty, organization_id: child, requester_visibility: "own" },
      ],
      "Child Ltd",
    );
    expect(s.primaryColor).toBe("#654321");
    expect(s.portalLocale).toBe("de");
    expect(s.requesterVisibility).toBe("own");
    expect(s.logoUrl).toBe(`/api/v1/branding/logo/${"a".repeat(64)}`);
    expect(s.inheritedFrom).toEqual({ primaryColor: parent, portalLocale: root, requesterVisibility: child, logo: root });
  });

  it("never inherits the display name: a subsidiary keeps its own name under its parent's colours", () => {
    const s = resolveSettings([child, parent], [{ ...empty, organization_id: parent, display_name: "Parent Brand", primary_color: "#654321" }], "Child Ltd");
    expect(s.displayName).toBe("Child Ltd");
    expect(s.primaryColor).toBe("#654321");
  });
});

describe("primary colour contrast", () => {
  it("accepts dark colours and refuses light ones (white text must stay readable)", () => {
    expect(contrastWithWhite("#000000")).toBeCloseTo(21, 0);
    expect(contrastWithWhite("#ffffff")).toBeCloseTo(1, 5);
    expect(colorIsReadable(SETTING_DEFAULTS.primaryColor)).toBe(true);
    expect(colorIsReadable("#1a5fb4")).toBe(true);
    expect(colorIsReadable("#ffdd00")).toBe(false);
    expect(colorIsReadable("#7fb3ff")).toBe(false);
  });
});
