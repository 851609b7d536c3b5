import { z } from "zod";

/** A service desk (IT, HR, Facilities…): its own catalog, categories, groups and portal branding. */
export const ZDesk = z
  .object({
    id: z.uuid(),
    name: z.string(),
    /** URL name, e.g. `hr` for /portal/desks/hr. */
    slug: z.string(),
    /** What the portal calls it, e.g. "People & Culture". */
    brandingName: z.string(),
    description: z.string(),
    /** An icon name from the portal's set (laptop, users, building, lifebuoy…). */
    icon: z.string(),
    position: z.number().int(),
    active: z.boolean(),
    /** Agents working this desk (staff only; empty for requesters). */
    memberIds: z.array(z.uuid()),
    /** Assignment groups of this desk (staff only; empty for requesters). */
    groupIds: z.array(z.uuid()),
    /** Categories of this desk. */
    categoryIds: z.array(z.uuid()),
  })
  .meta({ id: "Desk" });
export type TDesk = z.infer<typeof ZDesk>;

export const DESK_ICONS = ["lifebuoy", "laptop", "users", "building", "key", "briefcase", "heart", "tool", "truck", "shield"] as const;

const fields = {
  name: z.string().trim().min(1).max(120).describe("The desk's name, e.g. Human Resources"),
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes")
    .describe("URL name, e.g. hr"),
  brandingName: z.string().trim().min(1).max(120).describe("What the portal calls the desk"),
  description: z.string().max(2000).describe("One or two sentences for the portal"),
  icon: z.enum(DESK_ICONS).describe("Icon shown in the portal"),
  position: z.number().int().min(0).max(1000).describe("Order in the portal (smallest first)"),
  active: z.boolean().describe("Inactive desks are hidden from the portal"),
  memberIds: z.array(z.uuid()).max(500).describe("Agents working this desk"),
  groupIds: z.array(z.uuid()).max(200).describe("Assignment groups of this desk"),
  categoryIds: z.array(z.uuid()).max(500).describe("Categories of this desk"),
};

export const ZCreateDeskRequest = z.object({
  ...fields,
  brandingName: fields.brandingName.optional(),
  description: fields.description.default(""),
  icon: fields.icon.default("lifebuoy"),
  position: fields.position.default(0),
  active: fields.active.default(true),
  memberIds: fields.memberIds.default([]),
  groupIds: fields.groupIds.default([]),
  categoryIds: fields.categoryIds.default([]),
});
export type TCreateDeskRequest = z.infer<typeof ZCreateDeskRequest>;

export const ZUpdateDeskRequest = z.object(fields).partial();
export type TUpdateDeskRequest = z.infer<typeof ZUpdateDeskRequest>;

export const ZDeskRefParam = z.object({ id: z.string().min(1).max(64).describe("The desk's UUID or slug") });
