import { Checkbox, Table, Text, VisuallyHidden } from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconArrowsSort } from "@tabler/icons-react";
import { useNavigate } from "@tanstack/react-router";
import { AnchorLink } from "../../../app/links";
import { useTranslation } from "react-i18next";
import type { TIncidentSummary } from "../../../../../contracts/incidents";
import { RelativeTime } from "../../../app/time";
import { PriorityBadge, StateBadge } from "../components/badges";
import type { IncidentSort } from "../incidents.api";
import { SlaDueBadge } from "../../sla/sla-due";

type SortKey = "number" | "priority" | "updatedAt" | "slaDueAt";
/** For each sortable column: the sort for its first click, and which sort counts as "ascending". */
const SORTS: Record<SortKey, { first: IncidentSort; second: IncidentSort; ascending: IncidentSort }> = {
  number: { first: "-number", second: "number", ascending: "number" },
  priority: { first: "priority", second: "-priority", ascending: "priority" },
  updatedAt: { first: "-updatedAt", second: "updatedAt", ascending: "updatedAt" },
  slaDueAt: { first: "slaDueAt", second: "-slaDueAt", ascending: "slaDueAt" },
};

function SortHeader({
  column,
  label,
  sort,
  onSort,
  className,
}: {
  column: SortKey;
  label: string;
  sort: IncidentSort;
  onSort(s: IncidentSort): void;
  className?: string;
}) {
  const { t } = useTranslation();
  const cfg = SORTS[column];
  const active = sort === cfg.first || sort === cfg.second;
  const ascending = sort === cfg.ascending;
  const Icon = !active ? IconArrowsSort : ascending ? IconArrowUp : IconArrowDown;
  return (
    <Table.Th className={className} aria-sort={active ? (ascending ? "ascending" : "descending") : "none"}>
      <button
        type="button"
        className="sort-button"
        onClick={() => onSort(active && sort === cfg.first ? cfg.second : cfg.first)}
        title={t("queue.sortBy", { column: label })}
      >
        {label}
        <Icon size={14} aria-hidden style={{ opacity: active ? 1 : 0.45 }} />
      </button>
    </Table.Th>
  );
}

interface Props {
  items: TIncidentSummary[];
  sort: IncidentSort;
  onSort(sort: IncidentSort): void;
  /** Columns to show (number and title always show); undefined = all. */
  columns?: string[];
  /** Bulk selection (agents): a checkbox column with select-all-on-page. */
  selection?: { selected: ReadonlySet<string>; onChange(ids: string[], checked: boolean): void };
}

/** The queue as a table: each row opens its incident (the title is the keyboard-focusable link). */
export function QueueTable({ items, sort, onSort, selection, columns }: Props) {
  const { t } = useTranslation();
  const show = (c: string) => !columns || columns.includes(c);
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={320}>
      <Table className="queue-table" highlightOnHover verticalSpacing="xs" striped={false}>
        <caption>
          <VisuallyHidden>{t("queue.caption", { sort: t(`queue.sortOptions.${sort}`) })}</VisuallyHidden>
        </caption>
        <Table.Thead>
          <Table.Tr>
            {selection && (
              <Table.Th w={36}>
                <Checkbox
                  aria-label={t("deskWork.bulk.selectAll")}
                  checked={items.length > 0 && items.every((i) => selection.selected.has(i.id))}
                  indeterminate={items.some((i) => selection.selected.has(i.id)) && !items.every((i) => selection.selected.has(i.id))}
                  onChange={(e) =>
                    selection.onChange(
                      items.map((i) => i.id),
                      e.currentTarget.checked,
                    )
                  }
                />
              </Table.Th>
            )}
            <SortHeader column="number" label={t("field.number")} sort={sort} onSort={onSort} />
            <Table.Th className="col-title">{t("field.title")}</Table.Th>
            {show("priority") && <SortHeader column="priority" label={t("field.priority")} sort={sort} onSort={onSort} />}
            {show("due") && <SortHeader column="slaDueAt" label={t("sla.dueColumn")} sort={sort} onSort={onSort} />}
            {show("state") && <Table.Th className="col-state-wide">{t("field.state")}</Table.Th>}
            {show("assignmentGroup") && <Table.Th className="col-group">{t("field.assignmentGroup")}</Table.Th>}
            {show("assignee") && <Table.Th className="col-assignee">{t("field.assignee")}</Table.Th>}
            {show("requester") && <Table.Th className="col-requester">{t("field.requester")}</Table.Th>}
            {show("updated") && <SortHeader column="updatedAt" label={t("field.updated")} sort={sort} onSort={onSort} className="col-updated" />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((inc) => (
            <Table.Tr
              key={inc.id}
              style={{ cursor: "pointer" }}
              onClick={(e) => {
                // Let real links and modified clicks (new tab) behave natively.
                if ((e.target as HTMLElement).closest("a") || e.metaKey || e.ctrlKey || e.shiftKey) return;
                void navigate({ to: "/incidents/$incidentId", params: { incidentId: inc.number } });
              }}
            >
              {selection && (
                <Table.Td onClick={(e) => e.stopPropagation()}>
                  <Checkbox
                    aria-label={t("deskWork.bulk.select", { number: inc.number })}
                    checked={selection.selected.has(inc.id)}
                    onChange={(e) => selection.onChange([inc.id], e.currentTarget.checked)}
                  />
                </Table.Td>
              )}
              <Table.Td>
                <Text size="sm" ff="monospace" style={{ whiteSpace: "nowrap" }}>
                  {inc.number}
                </Text>
              </Table.Td>
              <Table.Td className="col-title">
                <AnchorLink to="/incidents/$incidentId" params={{ incidentId: inc.number }} size="sm" c="dark.8" underline="hover">
                  {inc.title}
                </AnchorLink>
                <Text size="xs" c="dimmed" hiddenFrom="sm">
                  {t(`state.${inc.state}`)} · {inc.assignee?.name ?? t("field.unassigned")}
                </Text>
              </Table.Td>
              {show("priority") && (
                <Table.Td>
                  <PriorityBadge priority={inc.priority} />
                </Table.Td>
              )}
              {show("due") && (
                <Table.Td>
                  <SlaDueBadge dueAt={inc.state === "resolved" || inc.state === "closed" || inc.state === "cancelled" ? null : inc.slaDueAt} />
                </Table.Td>
              )}
              {show("state") && (
                <Table.Td className="col-state-wide">
                  <StateBadge state={inc.state} />
                </Table.Td>
              )}
              {show("assignmentGroup") && (
                <Table.Td className="col-group">
                  <Text size="sm">{inc.assignmentGroup?.name ?? "—"}</Text>
                </Table.Td>
              )}
              {show("assignee") && (
                <Table.Td className="col-assignee">
                  <Text size="sm" c={inc.assignee ? undefined : "dimmed"}>
                    {inc.assignee?.name ?? t("field.unassigned")}
                  </Text>
                </Table.Td>
              )}
              {show("requester") && (
                <Table.Td className="col-requester">
                  <Text size="sm">{inc.requester.name}</Text>
                </Table.Td>
              )}
              {show("updated") && (
                <Table.Td className="col-updated">
                  <Text size="sm" style={{ whiteSpace: "nowrap" }}>
                    <RelativeTime iso={inc.updatedAt} />
                  </Text>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
