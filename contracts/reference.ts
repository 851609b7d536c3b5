import { z } from "zod";

export const ZService = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  supportGroupId: z.uuid().nullable(),
  active: z.boolean(),
});
export const ZCreateServiceRequest = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).default(""),
  supportGroupId: z.uuid().nullable().optional(),
});
export const ZCategory = z.object({
  id: z.uuid(),
  name: z.string(),
  parentId: z.uuid().nullable(),
  active: z.boolean(),
});
export const ZCreateCategoryRequest = z.object({
  name: z.string().trim().min(1).max(120),
  parentId: z.uuid().nullable().optional().describe("Set to make a subcategory"),
});

export const ZSavedViewFilters = z.object({
  state: z.array(z.string()).optional(),
  open: z.enum(["true", "false"]).optional(),
  priority: z.array(z.string()).optional(),
  assignmentGroupId: z.array(z.string()).optional(),
  assigneeId: z.string().optional(),
  q: z.string().max(200).optional(),
});
export const ZSavedView = z.object({
  id: z.string(),
  name: z.string(),
  filters: ZSavedViewFilters,
  sort: z.string(),
  /** Built-in views cannot be deleted. */
  builtIn: z.boolean(),
  shared: z.boolean(),
});
export const ZCreateSavedViewRequest = z.object({
  name: z.string().trim().min(1).max(100),
  filters: ZSavedViewFilters,
  sort: z.string().max(30).default("-createdAt"),
  shared: z.boolean().default(false).describe("Visible to every agent of the organization (admins only)"),
});
