import { z } from "zod";

export const LEVELS = ["high", "medium", "low"] as const;
export const ZLevel = z.enum(LEVELS);
export type Level = (typeof LEVELS)[number];

export const PRIORITIES = ["P1", "P2", "P3", "P4", "P5"] as const;
export const ZPriority = z.enum(PRIORITIES);
export type Priority = (typeof PRIORITIES)[number];

/** impact → urgency → priority number (1 = critical … 5 = planning). */
export type PriorityMatrix = Record<Level, Record<Level, 1 | 2 | 3 | 4 | 5>>;

/** The ITIL default matrix: the sum of the two levels decides, as in most service desks. */
export const DEFAULT_PRIORITY_MATRIX: PriorityMatrix = {
  high: { high: 1, medium: 2, low: 3 },
  medium: { high: 2, medium: 3, low: 4 },
  low: { high: 3, medium: 4, low: 5 },
};

export const ZPriorityMatrix = z.object({
  high: z.object({ high: z.number().int().min(1).max(5), medium: z.number().int().min(1).max(5), low: z.number().int().min(1).max(5) }),
  medium: z.object({ high: z.number().int().min(1).max(5), medium: z.number().int().min(1).max(5), low: z.number().int().min(1).max(5) }),
  low: z.object({ high: z.number().int().min(1).max(5), medium: z.number().int().min(1).max(5), low: z.number().int().min(1).max(5) }),
});

/** Looks up the priority number for an impact and urgency in a matrix. */
export function computePriority(impact: Level, urgency: Level, matrix: PriorityMatrix = DEFAULT_PRIORITY_MATRIX): number {
  return matrix[impact][urgency];
}

/** 1 → "P1". */
export function priorityLabel(n: number): Priority {
  return `P${n}` as Priority;
}

/** "P1" → 1. */
export function priorityNumber(p: Priority): number {
  return Number(p.slice(1));
}
