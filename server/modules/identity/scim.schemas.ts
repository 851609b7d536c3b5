import { SCIM_ENTERPRISE, SCIM_GROUP, SCIM_USER } from "../../../contracts/scim";

type Attr = {
  name: string;
  type: string;
  multiValued?: boolean;
  required?: boolean;
  mutability?: string;
  uniqueness?: string;
  caseExact?: boolean;
  subAttributes?: Attr[];
};

const attr = (a: Attr) => ({ multiValued: false, required: false, caseExact: false, mutability: "readWrite", returned: "default", uniqueness: "none", ...a });

/** The SCIM schemas Portico serves (RFC 7643 §7), limited to the attributes it keeps. */
export function scimSchemas(base: string) {
  const meta = (id: string) => ({ resourceType: "Schema", location: `${base}/Schemas/${id}` });
  return [
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
      id: SCIM_USER,
      name: "User",
      description: "A person; userName is the sign-in email",
      attributes: [
        attr({ name: "userName", type: "string", required: true, uniqueness: "server" }),
        attr({ name: "externalId", type: "string", caseExact: true }),
        attr({ name: "displayName", type: "string" }),
        attr({
          name: "name",
          type: "complex",
          subAttributes: [
            attr({ name: "formatted", type: "string" }),
            attr({ name: "givenName", type: "string" }),
            attr({ name: "familyName", type: "string" }),
          ],
        }),
        attr({ name: "active", type: "boolean" }),
        attr({
          name: "emails",
          type: "complex",
          multiValued: true,
          subAttributes: [attr({ name: "value", type: "string" }), attr({ name: "type", type: "string" }), attr({ name: "primary", type: "boolean" })],
        }),
        attr({
          name: "phoneNumbers",
          type: "complex",
          multiValued: true,
          subAttributes: [attr({ name: "value", type: "string" }), attr({ name: "type", type: "string" })],
        }),
      ],
      meta: meta(SCIM_USER),
    },
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
      id: SCIM_ENTERPRISE,
      name: "EnterpriseUser",
      description: "Department and manager (used by approval chains)",
      attributes: [
        attr({ name: "department", type: "string" }),
        attr({ name: "manager", type: "complex", subAttributes: [attr({ name: "value", type: "string" })] }),
      ],
      meta: meta(SCIM_ENTERPRISE),
    },
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
      id: SCIM_GROUP,
      name: "Group",
      description: "An assignment group; members are agents and admins",
      attributes: [
        attr({ name: "displayName", type: "string", required: true, uniqueness: "server" }),
        attr({ name: "externalId", type: "string", caseExact: true }),
        attr({
          name: "members",
          type: "complex",
          multiValued: true,
          subAttributes: [attr({ name: "value", type: "string", mutability: "immutable" }), attr({ name: "display", type: "string", mutability: "readOnly" })],
        }),
      ],
      meta: meta(SCIM_GROUP),
    },
  ];
}
