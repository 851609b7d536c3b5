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

/** Columns a queue view may show (number and title always show). */
export const QUEUE_COLUMNS = ["priority", "due", "state", "assignmentGroup", "assignee", "requester", "updated"] as const;

export const ZSavedViewFilters = z.object({
  state: z.array(z.string()).optional(),
  open: z.enum(["true", "false"]).optional(),
  priority: z.array(z.string()).optional(),
  assignmentGroupId: z.array(z.string()).optional(),
  assigneeId: z.string().optional(),
  q: z.string().max(200).optional(),
  /** "true": only major incidents. */
  major: z.enum(["true", "false"]).optional(),
  serviceId: z.string().optional(),
  categoryId: z.string().optional(),
  requesterId: z.string().optional(),
});
export const ZSavedView = z.object({
  id: z.string(),
  name: z.string(),
  filters: ZSavedViewFilters,
  sort: z.string(),
  /** Built-in views cannot be deleted. */
  builtIn: z.boolean(),
  shared: z.boolean(),
  /** Whether the caller owns it (and may delete it). */
  mine: z.boolean().optional(),
  /** The columns shown, in order; null = the default set. */
  columns: z.array(z.enum(QUEUE_COLUMNS)).nullable().optional(),
});
export const ZCreateSavedViewRequest = z.object({
  name: z.string().trim().min(1).max(100),
  filters: ZSavedViewFilters,
  sort: z.string().max(30).default("-createdAt"),
  shared: z.boolean().default(false).describe("Visible to every agent of the organization (any agent may share their own view)"),
  columns: z.array(z.enum(QUEUE_COLUMNS)).min(1).max(QUEUE_COLUMNS.length).optional().describe("Columns to show, in order"),
});
