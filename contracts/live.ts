/** What a browser receives on /api/v1/events (event name = type): a hint to refetch, never the data itself. */
export interface TLiveEvent {
  /** work_item.created | work_item.updated */
  type: string;
  organizationId: string;
  /** The record that changed. */
  id: string;
  number?: string;
  version?: number;
  actorId?: string | null;
}
