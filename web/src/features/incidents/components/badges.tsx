import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { IncidentState } from "../../../../../contracts/incidents";
import type { Priority } from "../../../../../contracts/priority";

/** Priority as a coloured badge; colours are checked for AA contrast in styles.css. */
export function PriorityBadge({ priority, long = false }: { priority: Priority; long?: boolean }) {
  const { t } = useTranslation();
  const label = t(`priority.${priority}`);
  return (
    <Badge className={`badge prio-${priority}`} radius="sm" tt="none" title={label}>
      {long ? label : priority}
    </Badge>
  );
}

/** Incident state as a badge; `live` makes it a labelled status region that announces changes. */
export function StateBadge({ state, live = false }: { state: IncidentState; live?: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge className={`badge state-${state}`} radius="sm" tt="none" {...(live ? { role: "status", "aria-label": t("field.state") } : {})}>
      {t(`state.${state}`)}
    </Badge>
  );
}
