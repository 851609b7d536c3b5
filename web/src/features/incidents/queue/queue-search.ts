import { INCIDENT_SORTS, INCIDENT_STATES, type IncidentState, OPEN_INCIDENT_STATES } from "../../../../../contracts/incidents";
import { PRIORITIES, type Priority } from "../../../../../contracts/priority";
import { QUEUE_COLUMNS } from "../../../../../contracts/reference";
import type { TSavedView } from "../../reference/reference.api";
import type { IncidentSort, QueueQuery } from "../incidents.api";

/** The queue's URL search: short, readable, shareable (comma-separated lists). */
export interface QueueSearch {
  state?: string;
  priority?: string;
  group?: string;
  assignee?: string;
  q?: string;
  /** "true": only major incidents. */
  major?: "true";
  /** Columns shown, comma separated (default: all). */
  cols?: string;
  sort?: IncidentSort;
  /** The saved view these filters came from (for highlighting; dropped when a filter changes). */
  view?: string;
}

export const DEFAULT_SORT: IncidentSort = "-createdAt";
const CLOSED_STATES: IncidentState[] = INCIDENT_STATES.filter((s) => !OPEN_INCIDENT_STATES.includes(s));

const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim().slice(0, 200) : undefined);
const list = <T extends string>(v: unknown, allowed?: readonly T[]) => {
  const s = str(v);
  if (!s) return undefined;
  const parts = s.split(",").filter((p) => !allowed || (allowed as readonly string[]).includes(p));
  return parts.length ? parts.join(",") : undefined;
};

/** Validates the URL search (anything unknown is dropped). */
export function parseQueueSearch(raw: Record<string, unknown>): QueueSearch {
  const sort = str(raw.sort);
  return {
    state: list(raw.state, INCIDENT_STATES),
    priority: list(raw.priority, PRIORITIES),
    group: list(raw.group),
    assignee: str(raw.assignee),
    q: str(raw.q),
    major: raw.major === "true" || raw.major === true ? "true" : undefined,
    cols: list(raw.cols, QUEUE_COLUMNS),
    sort: sort && (INCIDENT_SORTS as readonly string[]).includes(sort) ? (sort as IncidentSort) : undefined,
    view: str(raw.view),
  };
}

const split = (s: string | undefined) => (s ? s.split(",") : undefined);

/** URL search → the API query. */
export function toQueueQuery(s: QueueSearch): QueueQuery {
  return {
    state: split(s.state) as IncidentState[] | undefined,
    priority: split(s.priority) as Priority[] | undefined,
    group: split(s.group),
    assignee: s.assignee,
    q: s.q,
    major: s.major,
    sort: s.sort ?? DEFAULT_SORT,
  };
}

/** A saved view → URL search ("open" becomes the explicit list of open states). */
export function viewToSearch(view: TSavedView): QueueSearch {
  const f = view.filters;
  const state = f.state?.length ? f.state : f.open === "true" ? OPEN_INCIDENT_STATES : f.open === "false" ? CLOSED_STATES : undefined;
  return parseQueueSearch({
    state: state?.join(","),
    priority: f.priority?.join(","),
    group: f.assignmentGroupId?.join(","),
    assignee: f.assigneeId,
    q: f.q,
    major: f.major,
    cols: view.columns?.join(","),
    sort: view.sort,
    view: view.id,
  });
}

/** URL search → a saved view's filters and sort. */
export function searchToView(s: QueueSearch): Pick<TSavedView, "filters" | "sort" | "columns"> {
  return {
    filters: {
      ...(s.state ? { state: s.state.split(",") } : {}),
      ...(s.priority ? { priority: s.priority.split(",") } : {}),
      ...(s.group ? { assignmentGroupId: s.group.split(",") } : {}),
      ...(s.assignee ? { assigneeId: s.assignee } : {}),
      ...(s.q ? { q: s.q } : {}),
      ...(s.major ? { major: s.major } : {}),
    },
    ...(s.cols ? { columns: s.cols.split(",") as TSavedView["columns"] } : {}),
    sort: s.sort ?? DEFAULT_SORT,
  };
}

/** The landing page: every open incident, newest first. */
export const DEFAULT_QUEUE_SEARCH: QueueSearch = { state: OPEN_INCIDENT_STATES.join(","), sort: DEFAULT_SORT, view: "builtin:all-open" };

let lastSearch: QueueSearch = DEFAULT_QUEUE_SEARCH;
/** Remembers the queue the person was looking at, so "Back to the queue" returns to it. */
export function rememberQueueSearch(s: QueueSearch) {
  lastSearch = s;
}
export const lastQueueSearch = () => lastSearch;
