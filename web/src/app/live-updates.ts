import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { hasUnsavedEdits } from "../features/incidents/detail/use-incident-draft";
import { incidentKeys } from "../features/incidents/incidents.api";
import type { TLiveEvent } from "../../../contracts/live";
import { useAuth } from "./auth";

type WorkItemEvent = TLiveEvent;

/**
 * Listens to /api/v1/events and keeps what is on screen current: the queue refetches, an open
 * incident refetches, and a change by someone else to the incident being looked at is announced.
 * Unsaved edits live in component state (see use-incident-draft), so a refetch never clobbers them.
 */
export function useLiveUpdates(meId: string) {
  const queryClient = useQueryClient();
  // One stream per organization acted in: a switch closes it and opens the new organization's.
  const { state } = useAuth();
  const orgId = state.status === "signedIn" ? state.user.organization.id : "";
  const { t } = useTranslation();
  const tRef = useRef(t);
  tRef.current = t;

  // biome-ignore lint/correctness/useExhaustiveDependencies: orgId re-opens the stream on a switch of organization
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const source = new EventSource("/api/v1/events");
    let wasDown = false;
    // A busy desk sends many events: refetch the queue at most every 1.5 s.
    let listTimer: ReturnType<typeof setTimeout> | null = null;
    const refreshLists = () => {
      listTimer ??= setTimeout(() => {
        listTimer = null;
        void queryClient.invalidateQueries({ queryKey: incidentKeys.lists });
      }, 1500);
    };

    const onChange = (e: MessageEvent<string>) => {
      let event: WorkItemEvent;
      try {
        event = JSON.parse(e.data) as WorkItemEvent;
      } catch {
        return;
      }
      refreshLists();
      const refs = [event.id, event.number].filter((r): r is string => !!r);
      for (const ref of refs) {
        const query = queryClient.getQueryCache().find({ queryKey: incidentKeys.detail(ref), exact: true });
        if (!query) continue;
        const current = query.state.data as { version?: number } | undefined;
        const isNewer = !current?.version || !event.version || event.version > current.version;
        if (!isNewer) continue;
        void queryClient.invalidateQueries({ queryKey: incidentKeys.detail(ref) });
        if (query.getObserversCount() > 0 && event.actorId && event.actorId !== meId) {
          notifications.show({
            id: `live-${event.id}`,
            color: "blue",
            title: tRef.current("shell.updatedBySomeoneElse", { number: event.number ?? "" }),
            message: hasUnsavedEdits(event.id) ? tRef.current("shell.updatedKeepDraft") : tRef.current("shell.updatedBySomeoneElseBody"),
          });
        }
      }
    };

    source.addEventListener("work_item.created", onChange as EventListener);
    source.addEventListener("work_item.updated", onChange as EventListener);
    source.addEventListener("ready", () => {
      // Reconnected after a drop: events may have been missed, so refresh everything incident-shaped.
      if (wasDown) {
        wasDown = false;
        void queryClient.invalidateQueries({ queryKey: ["incidents"] });
        void queryClient.invalidateQueries({ queryKey: ["incident"] });
      }
    });
    source.onerror = () => {
      wasDown = true;
    };
    return () => {
      source.close();
      if (listTimer) clearTimeout(listTimer);
    };
  }, [queryClient, meId, orgId]);
}
