import { contrastWithWhite, type TEffectiveSettings } from "../../../contracts/organizations";
import type { OrganizationProfilesTable } from "./organization.tables";

/** Built-in values when no organization in the chain sets one. */
export const SETTING_DEFAULTS = { primaryColor: "#1c5fb8", portalLocale: "en", requesterVisibility: "own" as const };

type Profile = Pick<
  OrganizationProfilesTable,
  "organization_id" | "display_name" | "logo_sha256" | "primary_color" | "portal_locale" | "requester_visibility" | "default_calendar_id"
>;

/** Which profile column feeds which effective setting (portal host is never inherited: it names one portal). */
const INHERITED = {
  displayName: "display_name",
  logo: "logo_sha256",
  primaryColor: "primary_color",
  portalLocale: "portal_locale",
  requesterVisibility: "requester_visibility",
  defaultCalendarId: "default_calendar_id",
} as const satisfies Record<string, keyof Profile>;

/** URL of a stored logo image (public: the sign-in page shows it). */
export function logoUrl(sha: string | null): string | null {
  return sha ? `/api/v1/branding/logo/${sha}` : null;
}

/**
 * The one inheritance rule: each setting comes from the nearest organization in the chain (itself first,
 * then parent, grandparent…) that sets it, else the built-in default. `chain` lists organization ids
 * nearest first; `names` gives the organization's own name as the display name fallback.
 */
export function resolveSettings(chain: string[], profiles: Profile[], ownName: string): TEffectiveSettings {
  const byOrg = new Map(profiles.map((p) => [p.organization_id, p]));
  const inheritedFrom: Record<string, string> = {};
  const pick = <K extends keyof typeof INHERITED>(key: K): Profile[(typeof INHERITED)[K]] | null => {
    for (const id of chain) {
      const v = byOrg.get(id)?.[INHERITED[key]];
      if (v !== null && v !== undefined) {
        inheritedFrom[key] = id;
        return v as Profile[(typeof INHERITED)[K]];
      }
    }
    return null;
  };
  // A brand's name and logo belong together: a subsidiary without its own name keeps its own org name.
  const displayName = byOrg.get(chain[0])?.display_name ?? ownName;
  if (byOrg.get(chain[0])?.display_name) inheritedFrom.displayName = chain[0];
  const logo = pick("logo");
  return {
    displayName,
    primaryColor: pick("primaryColor") ?? SETTING_DEFAULTS.primaryColor,
    logoUrl: logoUrl(logo),
    portalLocale: pick("portalLocale") ?? SETTING_DEFAULTS.portalLocale,
    requesterVisibility: pick("requesterVisibility") ?? SETTING_DEFAULTS.requesterVisibility,
    defaultCalendarId: pick("defaultCalendarId"),
    inheritedFrom,
  };
}

/** A primary colour must carry white text readably (WCAG AA for normal text). */
export function colorIsReadable(hex: string): boolean {
  return contrastWithWhite(hex) >= 4.5;
}
