import { Button, Group, MultiSelect, Select, TextInput } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { IconSearch, IconX } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { INCIDENT_SORTS, INCIDENT_STATES } from "../../../../../contracts/incidents";
import { PRIORITIES } from "../../../../../contracts/priority";
import { useGroups, useStaff } from "../../reference/reference.api";
import type { IncidentSort } from "../incidents.api";
import type { QueueSearch } from "./queue-search";

interface Props {
  search: QueueSearch;
  onChange(patch: Partial<QueueSearch>): void;
  onClear(): void;
}

const csv = (s?: string) => (s ? s.split(",") : []);
const join = (v: string[]) => (v.length ? v.join(",") : undefined);

/** The queue's filter bar; every change lands in the URL. */
export function QueueFilters({ search, onChange, onClear }: Props) {
  const { t } = useTranslation();
  const groups = useGroups();
  const staff = useStaff();
  const [text, setText] = useState(search.q ?? "");
  const pushText = useDebouncedCallback((q: string) => onChange({ q: q.trim() || undefined }), 350);

  // Follow the URL when it changes from elsewhere (global search, a saved view).
  useEffect(() => setText(search.q ?? ""), [search.q]);

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
  const hasFilters = !!(search.state || search.priority || search.group || search.assignee || search.q);

  return (
    <Group align="flex-end" gap="sm" wrap="wrap" role="group" aria-label={t("queue.filters")}>
      <TextInput
        label={t("queue.textFilter")}
        placeholder={t("queue.textPlaceholder")}
        leftSection={<IconSearch size={16} aria-hidden />}
        value={text}
        onChange={(e) => {
          setText(e.currentTarget.value);
          pushText(e.currentTarget.value);
        }}
        w={{ base: "100%", sm: 240 }}
        type="search"
      />
      <MultiSelect
        label={t("queue.stateFilter")}
        placeholder={search.state ? undefined : t("queue.anyState")}
        data={INCIDENT_STATES.map((s) => ({ value: s, label: t(`state.${s}`) }))}
        value={csv(search.state)}
        onChange={(v) => onChange({ state: join(v) })}
        clearable
        w={{ base: "100%", sm: 260 }}
      />
      <MultiSelect
        label={t("queue.priorityFilter")}
        placeholder={search.priority ? undefined : t("queue.anyPriority")}
        data={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
        value={csv(search.priority)}
        onChange={(v) => onChange({ priority: join(v) })}
        clearable
        w={{ base: "100%", sm: 200 }}
      />
      <MultiSelect
        label={t("queue.groupFilter")}
        placeholder={search.group ? undefined : t("queue.anyGroup")}
        data={groupOptions}
        value={csv(search.group)}
        onChange={(v) => onChange({ group: join(v) })}
        clearable
        searchable
        w={{ base: "100%", sm: 220 }}
      />
      <Select
        label={t("queue.assigneeFilter")}
        placeholder={t("queue.anyone")}
        data={assigneeOptions}
        value={search.assignee ?? null}
        onChange={(v) => onChange({ assignee: v ?? undefined })}
        clearable
        searchable
        w={{ base: "100%", sm: 180 }}
      />
      <Select
        label={t("queue.sort")}
        data={INCIDENT_SORTS.map((s) => ({ value: s, label: t(`queue.sortOptions.${s}`) }))}
        value={search.sort ?? "-createdAt"}
        onChange={(v) => v && onChange({ sort: v as IncidentSort })}
        allowDeselect={false}
        w={{ base: "100%", sm: 200 }}
      />
      {hasFilters && (
        <Button variant="subtle" leftSection={<IconX size={16} aria-hidden />} onClick={onClear}>
          {t("queue.clearFilters")}
        </Button>
      )}
    </Group>
  );
}
