import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;

/** Per-organization identity policy: MFA for staff, local password sign-in, the SCIM token. */
export interface IdentityPoliciesTable {
  organization_id: string;
  require_mfa_for_staff: Generated<boolean>;
  local_login_enabled: Generated<boolean>;
  scim_token_hash: Buffer | null;
  scim_token_prefix: string | null;
  scim_token_created_at: NullableTimestamp;
  scim_default_role: Generated<"requester" | "agent">;
  updated_at: Timestamp;
}

export interface UserMfaTable {
  user_id: string;
  organization_id: string;
  secret: string;
  enabled_at: NullableTimestamp;
  last_time_step: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  created_at: Timestamp;
}

export interface MfaRecoveryCodesTable {
  id: Generated<string>;
  user_id: string;
  organization_id: string;
  code_hash: Buffer;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface AuthChallengesTable {
  id: Generated<string>;
  token_hash: Buffer;
  user_id: string;
  organization_id: string;
  kind: "verify" | "enrol";
  method: "password" | "ldap";
  attempts: Generated<number>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  created_at: Timestamp;
}

/** How an OpenID provider's claims map onto a Portico person. */
export interface ClaimMapping {
  email?: string;
  name?: string;
  groups?: string;
  role?: string;
  adminValues?: string[];
  agentValues?: string[];
  organizationClaim?: string;
  organizationValue?: string;
}

export interface OidcProvidersTable {
  id: Generated<string>;
  organization_id: string;
  slug: string;
  name: string;
  issuer: string;
  client_id: string;
  client_secret: string | null;
  scopes: Generated<string>;
  claim_mapping: Json<ClaimMapping>;
  default_role: Generated<"requester" | "agent" | "admin">;
  jit_create: Generated<boolean>;
  enabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OidcLoginStatesTable {
  state_hash: Buffer;
  provider_id: string;
  browser_hash: Buffer;
  code_verifier: string;
  nonce: string;
  return_to: Generated<string>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  created_at: Timestamp;
}

/** Which directory attribute holds which person field. */
export interface LdapAttributeMap {
  login?: string;
  email?: string;
  name?: string;
  department?: string;
  phone?: string;
  manager?: string;
  externalId?: string;
  groupName?: string;
  groupMember?: string;
}

export interface LdapDirectoriesTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  url: string;
  bind_dn: Generated<string>;
  bind_password: string | null;
  base_dn: string;
  user_filter: Generated<string>;
  group_base_dn: string | null;
  group_filter: Generated<string>;
  disabled_filter: string | null;
  attribute_map: Json<LdapAttributeMap>;
  default_role: Generated<"requester" | "agent" | "admin">;
  login_enabled: Generated<boolean>;
  sync_enabled: Generated<boolean>;
  last_sync_at: NullableTimestamp;
  last_sync_result: Json<Record<string, unknown> | null> | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExternalIdentitiesTable {
  id: Generated<string>;
  organization_id: string;
  user_id: string;
  source: "oidc" | "ldap";
  source_id: string;
  subject: string;
  last_login_at: NullableTimestamp;
  created_at: Timestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    identity_policies: IdentityPoliciesTable;
    user_mfa: UserMfaTable;
    mfa_recovery_codes: MfaRecoveryCodesTable;
    auth_challenges: AuthChallengesTable;
    oidc_providers: OidcProvidersTable;
    oidc_login_states: OidcLoginStatesTable;
    ldap_directories: LdapDirectoriesTable;
    external_identities: ExternalIdentitiesTable;
  }
  interface UsersTable {
    external_id: string | null;
    department: string | null;
    phone: string | null;
    deprovisioned_at: NullableTimestamp;
  }
  interface GroupsTable {
    external_id: string | null;
  }
}
