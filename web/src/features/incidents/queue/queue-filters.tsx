import { Grid, MultiSelect, Select, TextInput } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { IconSearch } from "@tabler/icons-react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { INCIDENT_SORTS, INCIDENT_STATES } from "../../../../../contracts/incidents";
import { PRIORITIES } from "../../../../../contracts/priority";
import { useGroups, useIsStaff, useStaff } from "../../reference/reference.api";
import type { IncidentSort } from "../incidents.api";
import type { QueueSearch } from "./queue-search";

interface Props {
  search: QueueSearch;
  onChange(patch: Partial<QueueSearch>): void;
}

const csv = (s?: string) => (s ? s.split(",") : []);
const join = (v: string[]) => (v.length ? v.join(",") : undefined);

/** The queue's filter bar; every change lands in the URL. */
export function QueueFilters({ search, onChange }: Props) {
  const { t } = useTranslation();
  const isStaff = useIsStaff();
  const groups = useGroups();
  const staff = useStaff();
  const [text, setText] = useState(search.q ?? "");
  const pushText = useDebouncedCallback((q: string) => onChange({ q: q.trim() || undefined }), 350);

  const textRef = useRef<HTMLInputElement>(null);
  // Follow the URL when it changes from elsewhere (global search, a saved view), not while typing here.
  useEffect(() => {
    if (document.activeElement !== textRef.current) setText(search.q ?? "");
  }, [search.q]);

  const groupOptions = [
    { value: "mine", label: t("queue.myGroups") },
    { value: "none", label: t("queue.noGroup") },
    ...(groups.data ?? []).map((g) => ({ value: g.id, label: g.name })),
  ];
  const assigneeOptions = [
    { value: "me", label: t("queue.me") },
    { value: "none", label: t("queue.unassigned") },
    ...(staff.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.name })),
  ];

  return (
    <Grid gap="sm" role="group" aria-label={t("queue.filters")} align="flex-end">
      <Grid.Col span={{ base: 12, sm: 6, lg: 3 }}>
        <TextInput
          ref={textRef}
          label={t("queue.textFilter")}
          placeholder={t("queue.textPlaceholder")}
          leftSection={<IconSearch size={16} aria-hidden />}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            pushText(e.currentTarget.value);
          }}
          type="search"
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 6, lg: 3 }}>
        <MultiSelect
          label={t("queue.stateFilter")}
          placeholder={search.state ? undefined : t("queue.anyState")}
          data={INCIDENT_STATES.map((s) => ({ value: s, label: t(`state.${s}`) }))}
          value={csv(search.state)}
          onChange={(v) => onChange({ state: join(v) })}
          clearable
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 4, lg: 2 }}>
        <MultiSelect
          label={t("queue.priorityFilter")}
          placeholder={search.priority ? undefined : t("queue.anyPriority")}
          data={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
          value={csv(search.priority)}
          onChange={(v) => onChange({ priority: join(v) })}
          clearable
        />
      </Grid.Col>
      {isStaff && (
        <>
          <Grid.Col span={{ base: 12, sm: 4, lg: 2 }}>
            <MultiSelect
              label={t("queue.groupFilter")}
              placeholder={search.group ? undefined : t("queue.anyGroup")}
              data={groupOptions}
              value={csv(search.group)}
              onChange={(v) => onChange({ group: join(v) })}
              clearable
              searchable
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4, lg: 2 }}>
            <Select
              label={t("queue.assigneeFilter")}
              placeholder={t("queue.anyone")}
              data={assigneeOptions}
              value={search.assignee ?? null}
              onChange={(v) => onChange({ assignee: v ?? undefined })}
              clearable
              searchable
            />
          </Grid.Col>
        </>
      )}
    </Grid>
  );
}

/** The sort order as a select (the sortable column headers do the same; this also offers "created"). */
export function SortSelect({ sort, onChange }: { sort: IncidentSort; onChange(sort: IncidentSort): void }) {
  const { t } = useTranslation();
  return (
    <Select
      label={t("queue.sort")}
      data={INCIDENT_SORTS.map((s) => ({ value: s, label: t(`queue.sortOptions.${s}`) }))}
      value={sort}
      onChange={(v) => v && onChange(v as IncidentSort)}
      allowDeselect={false}
      size="xs"
      w={200}
      styles={{ root: { display: "flex", alignItems: "center", gap: 8 }, label: { whiteSpace: "nowrap" } }}
    />
  );
}
