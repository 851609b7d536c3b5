import { Select, type SelectProps } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { usePeopleSearch } from "./reference.api";

interface Props extends Omit<SelectProps, "data" | "value" | "onChange"> {
  value: string | null;
  onChange(id: string | null): void;
  /** The selected person, so their name shows before any search ran. */
  selected?: { id: string; name: string; email?: string } | null;
}

/** Picks one person of the organization, searching the directory as you type. */
export function PersonPicker({ value, onChange, selected, ...props }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  // The last picked person, so their name stays on screen whatever the current search returns.
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(null);
  const [debounced] = useDebouncedValue(search, 250);
  // When the box shows the selected name, list everyone rather than searching for that name.
  const selectedLabel = selected ? label(selected) : picked?.value === value ? picked?.label : null;
  const people = usePeopleSearch(debounced === selectedLabel ? "" : debounced);
  const data = useMemo(() => {
    const list = (people.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: label(u) }));
    if (selected && !list.some((o) => o.value === selected.id)) list.unshift({ value: selected.id, label: label(selected) });
    if (picked && picked.value === value && !list.some((o) => o.value === picked.value)) list.unshift(picked);
    return list;
  }, [people.data, selected, picked, value]);
  return (
    <Select
      {...props}
      data={data}
      value={value}
      onChange={(v, option) => {
        setPicked(option ? { value: option.value, label: option.label } : null);
        onChange(v);
      }}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={people.isFetching ? t("app.loading") : t("create.nobodyFound")}
    />
  );
}

function label(p: { name: string; email?: string }) {
  return p.email ? `${p.name} <${p.email}>` : p.name;
}
