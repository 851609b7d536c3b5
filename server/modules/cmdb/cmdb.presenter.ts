import type { TAttributeDef } from "../../../contracts/cmdb-attributes";
import type { CiStatus, TCi, TCiClass, TCiRef, TCiSummary, TRelationship, TRelationshipType } from "../../../contracts/cmdb";
import type { CiRefRow, CiRow, ClassRow, RelationshipTypeRow } from "./cmdb.repo";
import type { RelationshipRow } from "./cmdb-graph.repo";

const iso = (d: Date | string) => new Date(d).toISOString();

/** A CI as other records show it. */
export function presentCiRef(r: CiRefRow): TCiRef {
  return { id: r.id, name: r.name, classKey: r.class_key, className: r.class_name, status: r.status as CiStatus };
}

/** A CI list row. */
export function presentCiSummary(r: CiRow): TCiSummary {
  return {
    ...presentCiRef(r),
    owner: r.owner ?? null,
    supportGroup: r.support_group ?? null,
    location: r.location,
    serialNumber: r.serial_number,
    assetTag: r.asset_tag,
    updatedAt: iso(r.updated_at),
  };
}

/** The full CI. */
export function presentCi(r: CiRow): TCi {
  return {
    ...presentCiSummary(r),
    classId: r.class_id,
    description: r.description,
    attributes: r.attributes,
    createdAt: iso(r.created_at),
    version: r.version,
  };
}

/** A class with its attribute definitions. */
export function presentClass(r: ClassRow & { ci_count?: number | null }): TCiClass {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    description: r.description,
    builtIn: r.organization_id === null,
    attributes: r.attributes as TAttributeDef[],
    ciCount: Number(r.ci_count ?? 0),
  };
}

/** A relationship type. */
export function presentRelationshipType(r: RelationshipTypeRow): TRelationshipType {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    reverseName: r.reverse_name,
    dependentEnd: r.dependent_end,
    acyclic: r.acyclic,
    builtIn: r.organization_id === null,
  };
}

/** A relationship with both ends as references (looked up in `refs`). */
export function presentRelationship(r: RelationshipRow, refs: Map<string, TCiRef>): TRelationship {
  return {
    id: r.id,
    type: { id: r.type_id, key: r.type_key, name: r.type_name, reverseName: r.type_reverse_name },
    source: refs.get(r.source_id) as TCiRef,
    target: refs.get(r.target_id) as TCiRef,
    validFrom: iso(r.valid_from),
    validTo: r.valid_to ? iso(r.valid_to) : null,
  };
}
