import { useEffect, useRef, useState } from "react";
import type { TIncident, TUpdateIncidentRequest } from "../../../../../contracts/incidents";
import type { Level } from "../../../../../contracts/priority";
import { ApiError } from "../../../app/api";
import { useUpdateIncident } from "../incidents.api";

export interface EditableValues {
  title: string;
  description: string;
  impact: Level;
  urgency: Level;
  categoryId: string | null;
  subcategoryId: string | null;
  serviceId: string | null;
  assignmentGroupId: string | null;
  assigneeId: string | null;
}
export type EditableField = keyof EditableValues;

// Incidents (by id) with unsaved edits on screen, so live-update notices can say they were kept.
const dirtyDrafts = new Map<string, number>();
/** Whether any editor on screen holds unsaved edits to this incident. */
export const hasUnsavedEdits = (incidentId: string) => (dirtyDrafts.get(incidentId) ?? 0) > 0;

/** The editable fields of an incident as the API names them. */
export function editableOf(inc: TIncident): EditableValues {
  return {
    title: inc.title,
    description: inc.description,
    impact: inc.impact,
    urgency: inc.urgency,
    categoryId: inc.category?.id ?? null,
    subcategoryId: inc.subcategory?.id ?? null,
    serviceId: inc.service?.id ?? null,
    assignmentGroupId: inc.assignmentGroup?.id ?? null,
    assigneeId: inc.assignee?.id ?? null,
  };
}

/**
 * Unsaved edits to some fields of an incident, kept apart from the server copy so live refetches
 * never clobber them. When the incident changes underneath: if nobody touched the fields being
 * edited, the draft moves onto the new version silently; if someone did, it is a conflict (the
 * save would be refused with 409) and the person is asked to reload.
 */
export function useIncidentDraft(inc: TIncident, ref: string) {
  const current = editableOf(inc);
  const latest = useRef(inc);
  latest.current = inc;
  const [draft, setDraft] = useState<Partial<EditableValues>>({});
  const base = useRef<{ version: number; values: EditableValues }>({ version: inc.version, values: current });
  const [conflict, setConflict] = useState(false);
  const update = useUpdateIncident(ref);
  const dirty = Object.keys(draft) as EditableField[];

  const isDirty = dirty.length > 0;
  useEffect(() => {
    if (!isDirty) return;
    dirtyDrafts.set(inc.id, (dirtyDrafts.get(inc.id) ?? 0) + 1);
    return () => {
      const n = (dirtyDrafts.get(inc.id) ?? 1) - 1;
      if (n > 0) dirtyDrafts.set(inc.id, n);
      else dirtyDrafts.delete(inc.id);
    };
  }, [isDirty, inc.id]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reacts to new server versions only
  useEffect(() => {
    if (inc.version === base.current.version) return;
    const now = editableOf(inc);
    if (dirty.length === 0) {
      base.current = { version: inc.version, values: now };
      return;
    }
    const clash = dirty.some((k) => now[k] !== base.current.values[k]);
    if (clash) setConflict(true);
    else base.current = { version: inc.version, values: now };
  }, [inc.version]);

  function set(patch: Partial<EditableValues>) {
    if (dirty.length === 0) base.current = { version: latest.current.version, values: editableOf(latest.current) };
    setDraft((d) => {
      const next = { ...d, ...patch };
      // A field put back to what the server has is no longer an edit.
      for (const k of Object.keys(next) as EditableField[]) if (next[k] === base.current.values[k]) delete next[k];
      return next;
    });
  }

  function discard() {
    setDraft({});
    setConflict(false);
    base.current = { version: latest.current.version, values: editableOf(latest.current) };
  }

  async function save(): Promise<boolean> {
    if (dirty.length === 0) return true;
    const patch: TUpdateIncidentRequest = { ...draft, version: base.current.version };
    try {
      const updated = await update.mutateAsync(patch);
      base.current = { version: updated.version, values: editableOf(updated) };
      setDraft({});
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === "VERSION_CONFLICT") setConflict(true);
      return false;
    }
  }

  return {
    values: { ...current, ...draft } as EditableValues,
    dirty,
    isDirty,
    set,
    save,
    discard,
    conflict,
    saving: update.isPending,
    error: update.error instanceof ApiError && update.error.code !== "VERSION_CONFLICT" ? update.error : null,
  };
}
