import { z } from "zod";

/** SCIM 2.0 (RFC 7643/7644) request bodies as identity providers (Entra ID, Okta, OneLogin…) send them. */

export const SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const SCIM_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const SCIM_ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const SCIM_LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const SCIM_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

/** Some providers send booleans as "True"/"False" strings. */
export const ZScimBool = z.union([z.boolean(), z.enum(["true", "false", "True", "False", "TRUE", "FALSE"]).transform((v) => v.toLowerCase() === "true")]);

const ZMultiValue = z.object({
  value: z.string().max(320).optional(),
  type: z.string().max(50).optional(),
  primary: ZScimBool.optional(),
  display: z.string().max(200).optional(),
});

/** A person as created or replaced by the identity provider (userName is the sign-in email). */
export const ZScimUser = z
  .object({
    schemas: z.array(z.string()).optional(),
    /** The sign-in name; Portico uses email addresses, so it must be one unless a primary email is given. */
    userName: z.string().trim().min(3).max(320).describe("Sign-in name (an email address)"),
    /** The provider's own id for the person. */
    externalId: z.string().max(200).nullable().optional(),
    displayName: z.string().max(200).nullable().optional(),
    name: z
      .object({
        formatted: z.string().max(200).nullable().optional(),
        givenName: z.string().max(100).nullable().optional(),
        familyName: z.string().max(100).nullable().optional(),
      })
      .partial()
      .nullable()
      .optional(),
    emails: z.array(ZMultiValue).max(20).nullable().optional(),
    phoneNumbers: z.array(ZMultiValue).max(20).nullable().optional(),
    active: ZScimBool.optional().describe("false deactivates the person and ends their sessions"),
    [SCIM_ENTERPRISE]: z
      .object({
        department: z.string().max(200).nullable().optional(),
        manager: z
          .union([z.object({ value: z.string().max(200).optional() }), z.string().max(200)])
          .nullable()
          .optional(),
      })
      .partial()
      .nullable()
      .optional(),
  })
  .passthrough();
export type TScimUser = z.infer<typeof ZScimUser>;

/** A group as created or replaced by the identity provider. */
export const ZScimGroup = z
  .object({
    schemas: z.array(z.string()).optional(),
    displayName: z.string().trim().min(1).max(120),
    externalId: z.string().max(200).nullable().optional(),
    members: z
      .array(z.object({ value: z.string().max(200), display: z.string().optional(), type: z.string().optional() }).passthrough())
      .max(5000)
      .nullable()
      .optional(),
  })
  .passthrough();
export type TScimGroup = z.infer<typeof ZScimGroup>;

/** PATCH: add / replace / remove operations (case-insensitive op names, as Entra ID sends "Replace"). */
export const ZScimPatch = z.object({
  schemas: z.array(z.string()).optional(),
  Operations: z
    .array(
      z.object({
        op: z
          .string()
          .transform((v) => v.toLowerCase())
          .pipe(z.enum(["add", "replace", "remove"])),
        path: z.string().max(500).optional(),
        value: z.unknown().optional(),
      }),
    )
    .min(1)
    .max(1000),
});
export type TScimPatch = z.infer<typeof ZScimPatch>;

export const ZScimListQuery = z.object({
  filter: z.string().max(2000).optional(),
  startIndex: z.coerce.number().int().min(1).catch(1).default(1),
  count: z.coerce.number().int().min(0).max(200).catch(100).default(100),
});
