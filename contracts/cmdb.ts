import { z } from "zod";
import { ZAttributeDefs } from "./cmdb-attributes";
import { ZCursor, ZLimit, ZPersonRef, ZRef, zCsv } from "./common";

export const CI_STATUSES = ["planned", "in_build", "operational", "maintenance", "retired"] as const;
export const ZCiStatus = z.enum(CI_STATUSES).describe("Lifecycle status");
export type CiStatus = (typeof CI_STATUSES)[number];

const ZKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, "must start with a letter and use a–z, 0–9 and _ (2–40)")
  .describe("Stable machine key");

export const ZIdParam = z.object({ id: z.uuid() });

// ── Classes ──────────────────────────────────────────────────────────────────────────────────────

export const ZCiClass = z
  .object({
    id: z.uuid(),
    key: z.string(),
    name: z.string(),
    description: z.string(),
    /** Built-in classes are shared by every organization and cannot be edited. */
    builtIn: z.boolean(),
    attributes: ZAttributeDefs,
    /** How many CIs of this organization have the class. */
    ciCount: z.number().int(),
  })
  .meta({ id: "CiClass" });
export type TCiClass = z.infer<typeof ZCiClass>;

export const ZCreateCiClassRequest = z.object({
  key: ZKey,
  name: z.string().trim().min(1).max(80),
  description: z.string().max(2000).default(""),
  /** The typed attributes of the class's CIs. */
  attributes: ZAttributeDefs.default([]),
});
export type TCreateCiClassRequest = z.infer<typeof ZCreateCiClassRequest>;

export const ZUpdateCiClassRequest = z.object({
  name: z.string().trim().min(1).max(80).optional(),
  description: z.string().max(2000).optional(),
  attributes: ZAttributeDefs.optional(),
});
export type TUpdateCiClassRequest = z.infer<typeof ZUpdateCiClassRequest>;

// ── Relationship types ───────────────────────────────────────────────────────────────────────────

export const ZRelationshipType = z
  .object({
    id: z.uuid(),
    key: z.string(),
    /** Read from the source: "app depends on db". */
    name: z.string(),
    /** Read from the target: "db used by app". */
    reverseName: z.string(),
    /** The end that needs the other: a failure of the other end impacts it. */
    dependentEnd: z.enum(["source", "target"]),
    /** Cycles of this type are refused. */
    acyclic: z.boolean(),
    builtIn: z.boolean(),
  })
  .meta({ id: "CiRelationshipType" });
export type TRelationshipType = z.infer<typeof ZRelationshipType>;

export const ZCreateRelationshipTypeRequest = z.object({
  key: ZKey,
  name: z.string().trim().min(1).max(80).describe('Read from the source, e.g. "replicates to"'),
  reverseName: z.string().trim().min(1).max(80).describe('Read from the target, e.g. "replica of"'),
  dependentEnd: z.enum(["source", "target"]).default("source").describe("The end that needs the other"),
  acyclic: z.boolean().default(false).describe("Refuse cycles of this type"),
});
export type TCreateRelationshipTypeRequest = z.infer<typeof ZCreateRelationshipTypeRequest>;

// ── Configuration items ──────────────────────────────────────────────────────────────────────────

/** A CI as other records show it. */
export const ZCiRef = z
  .object({
    id: z.uuid(),
    name: z.string(),
    classKey: z.string(),
    className: z.string(),
    status: ZCiStatus,
  })
  .meta({ id: "CiRef" });
export type TCiRef = z.infer<typeof ZCiRef>;

export const ZCiSummary = ZCiRef.extend({
  owner: ZPersonRef.nullable(),
  supportGroup: ZRef.nullable(),
  location: z.string().nullable(),
  serialNumber: z.string().nullable(),
  assetTag: z.string().nullable(),
  updatedAt: z.string(),
}).meta({ id: "CiSummary" });
export type TCiSummary = z.infer<typeof ZCiSummary>;

export const ZCi = ZCiSummary.extend({
  classId: z.uuid(),
  description: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  version: z.number().int(),
}).meta({ id: "Ci" });
export type TCi = z.infer<typeof ZCi>;

export const ZCiPage = z.object({
  items: z.array(ZCiSummary),
  nextCursor: z.string().nullable(),
});
export type TCiPage = z.infer<typeof ZCiPage>;

export const ZListCisQuery = z.object({
  /** Class keys or ids. */
  class: zCsv(z.string().max(60)).describe("Class keys, comma-separated"),
  status: zCsv(ZCiStatus),
  /** Name contains (trigram), or an exact serial number / asset tag. */
  q: z.string().trim().max(200).optional().describe("Name contains, or exact serial number / asset tag"),
  supportGroupId: z.uuid().optional(),
  limit: ZLimit,
  cursor: ZCursor,
});
export type TListCisQuery = z.infer<typeof ZListCisQuery>;

export const ZSearchCisQuery = z.object({
  q: z.string().trim().min(1).max(200).describe("What the person typed"),
  class: zCsv(z.string().max(60)).describe("Only these class keys"),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

const ZCiFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(20_000),
  status: ZCiStatus,
  ownerId: z.uuid().nullable().describe("Accountable person"),
  supportGroupId: z.uuid().nullable().describe("Group that supports it"),
  location: z.string().trim().max(200).nullable(),
  serialNumber: z.string().trim().min(1).max(100).nullable().describe("Unique in the organization"),
  assetTag: z.string().trim().min(1).max(100).nullable().describe("Unique in the organization"),
  /** Values of the class's attributes, validated against its definition. */
  attributes: z.record(z.string(), z.unknown()).describe("Values of the class's attributes"),
};

export const ZCreateCiRequest = z.object({
  /** Class key (e.g. `server`) or id. */
  class: z.string().min(1).max(60).describe("Class key or id"),
  name: ZCiFields.name,
  description: ZCiFields.description.default(""),
  status: ZCiFields.status.default("operational"),
  ownerId: ZCiFields.ownerId.optional(),
  supportGroupId: ZCiFields.supportGroupId.optional(),
  location: ZCiFields.location.optional(),
  serialNumber: ZCiFields.serialNumber.optional(),
  assetTag: ZCiFields.assetTag.optional(),
  attributes: ZCiFields.attributes.default({}),
});
export type TCreateCiRequest = z.infer<typeof ZCreateCiRequest>;

export const ZUpdateCiRequest = z.object({
  name: ZCiFields.name.optional(),
  description: ZCiFields.description.optional(),
  status: ZCiFields.status.optional(),
  ownerId: ZCiFields.ownerId.optional(),
  supportGroupId: ZCiFields.supportGroupId.optional(),
  location: ZCiFields.location.optional(),
  serialNumber: ZCiFields.serialNumber.optional(),
  assetTag: ZCiFields.assetTag.optional(),
  /** Replaces the attributes object as a whole. */
  attributes: ZCiFields.attributes.optional(),
  /** The version you read; a stale one is refused with 409. */
  version: z.number().int().positive().optional().describe("The version you read; stale → 409"),
});
export type TUpdateCiRequest = z.infer<typeof ZUpdateCiRequest>;

// ── Relationships ────────────────────────────────────────────────────────────────────────────────

export const ZRelationship = z
  .object({
    id: z.uuid(),
    type: z.object({ id: z.uuid(), key: z.string(), name: z.string(), reverseName: z.string() }),
    source: ZCiRef,
    target: ZCiRef,
    validFrom: z.string(),
    /** When it ended; null while current. */
    validTo: z.string().nullable(),
  })
  .meta({ id: "CiRelationship" });
export type TRelationship = z.infer<typeof ZRelationship>;

export const ZCreateRelationshipRequest = z.object({
  /** Relationship type key (e.g. `depends_on`) or id. */
  type: z.string().min(1).max(60).describe("Type key or id"),
  sourceId: z.uuid(),
  targetId: z.uuid(),
});
export type TCreateRelationshipRequest = z.infer<typeof ZCreateRelationshipRequest>;

export const ZAsOfQuery = z.object({
  /** Show the relationships as they were at this instant (ISO 8601); default now. */
  asOf: z.iso.datetime({ offset: true }).optional().describe("ISO 8601 instant; default now"),
});

// ── History ──────────────────────────────────────────────────────────────────────────────────────

export const ZCiHistoryEvent = z
  .object({
    id: z.string(),
    kind: z.string().describe("created, updated, relationship_added, relationship_removed, work_item_linked, work_item_unlinked"),
    actor: ZPersonRef.nullable(),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: "CiHistoryEvent" });
export type TCiHistoryEvent = z.infer<typeof ZCiHistoryEvent>;

export const ZCiHistoryPage = z.object({ items: z.array(ZCiHistoryEvent), nextCursor: z.string().nullable() });

// ── Impact and the service map ───────────────────────────────────────────────────────────────────

export const ZImpactQuery = z.object({
  /** upstream: what depends on it (breaks with it); downstream: what it needs. */
  direction: z.enum(["upstream", "downstream", "both"]).default("both"),
  depth: z.coerce.number().int().min(1).max(10).default(6).describe("How many hops (1–10)"),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

export const ZImpactedCi = ZCiRef.extend({
  /** Hops from the nearest starting CI. */
  depth: z.number().int(),
  direction: z.enum(["upstream", "downstream"]),
}).meta({ id: "ImpactedCi" });

export const ZImpactResult = z
  .object({
    items: z.array(ZImpactedCi),
    /** Business services among the starting CIs and everything upstream of them. */
    businessServices: z.array(ZCiRef),
    /** True when the result hit the limit. */
    truncated: z.boolean(),
  })
  .meta({ id: "ImpactResult" });
export type TImpactResult = z.infer<typeof ZImpactResult>;

export const ZImpactRequest = z.object({
  ciIds: z.array(z.uuid()).min(1).max(200),
  depth: z.number().int().min(1).max(10).default(6),
});

export const ZMapQuery = z.object({
  depth: z.coerce.number().int().min(1).max(4).default(2).describe("Hops around the CI (1–4)"),
  asOf: ZAsOfQuery.shape.asOf,
});

export const ZServiceMap = z
  .object({
    nodes: z.array(
      ZCiRef.extend({
        openIncidents: z.number().int(),
        openChanges: z.number().int(),
        openProblems: z.number().int(),
      }),
    ),
    edges: z.array(z.object({ id: z.uuid(), source: z.uuid(), target: z.uuid(), typeKey: z.string(), label: z.string() })),
    asOf: z.string(),
    truncated: z.boolean(),
  })
  .meta({ id: "ServiceMap" });
export type TServiceMap = z.infer<typeof ZServiceMap>;

// ── Work items ↔ CIs ─────────────────────────────────────────────────────────────────────────────

export const CI_LINK_ROLES = ["affected", "caused_by"] as const;
export const ZCiLinkRole = z.enum(CI_LINK_ROLES).describe("affected: the item touches it; caused_by: it caused the item");

export const ZWorkItemCi = z
  .object({
    ci: ZCiRef,
    role: ZCiLinkRole,
    createdAt: z.string(),
  })
  .meta({ id: "WorkItemCi" });
export type TWorkItemCi = z.infer<typeof ZWorkItemCi>;

export const ZLinkCiRequest = z.object({
  ciId: z.uuid(),
  role: ZCiLinkRole.default("affected"),
});

export const ZWorkItemRefParam = z.object({
  ref: z
    .string()
    .regex(/^([0-9a-fA-F-]{36}|[A-Za-z]{3,5}\d{1,12})$/, "must be a UUID or a number like INC0000042")
    .describe("Work item UUID or number"),
});

export const ZUnlinkCiParams = ZWorkItemRefParam.extend({ ciId: z.uuid() });
export const ZUnlinkCiQuery = z.object({ role: ZCiLinkRole.default("affected") });

/** Open work on a CI. */
export const ZCiWorkItem = z
  .object({
    id: z.uuid(),
    type: z.string(),
    number: z.string(),
    title: z.string(),
    state: z.string(),
    priority: z.number().int(),
    role: ZCiLinkRole,
  })
  .meta({ id: "CiWorkItem" });
export type TCiWorkItem = z.infer<typeof ZCiWorkItem>;
