import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** One person's membership in one organization (their home one mirrors users.organization_id/role). */
export interface OrganizationMembershipsTable {
  user_id: string;
  organization_id: string;
  role: "requester" | "agent" | "admin";
  organization_manager: Generated<boolean>;
  source: "home" | "direct" | "derived";
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A provider group serving a customer organization: its staff members get derived agent memberships there. */
export interface GroupServedOrganizationsTable {
  group_id: string;
  served_organization_id: string;
  /** The serving group's (provider's) organization. */
  organization_id: string;
  created_at: Generated<Date>;
}

/** What an organization sets for itself; null = inherit. */
export interface OrganizationProfilesTable {
  organization_id: string;
  display_name: string | null;
  logo_sha256: string | null;
  logo_content_type: string | null;
  primary_color: string | null;
  portal_host: string | null;
  portal_locale: string | null;
  requester_visibility: "own" | "organization" | null;
  default_calendar_id: string | null;
  updated_at: Timestamp;
}

/** Tables of service-provider tenancy (interface merging, see schema.ts). */
declare module "../../platform/db/schema" {
  interface OrganizationsTable {
    /** The parent organization (a customer's subsidiary or department), or null at the top. */
    parent_id: ColumnType<string | null, string | null | undefined, string | null>;
  }
  interface Database {
    organization_memberships: OrganizationMembershipsTable;
    group_served_organizations: GroupServedOrganizationsTable;
    organization_profiles: OrganizationProfilesTable;
  }
}
