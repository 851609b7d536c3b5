import { ActionIcon, Alert, Button, Group, Paper, Select, Stack, Text, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconTrash } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TCi } from "../../../../contracts/cmdb";
import { AnchorLink } from "../../app/links";
import { errorText } from "../incidents/components/form-errors";
import { useCiRelationships, useCiSearch, useRelationshipMutations, useRelationshipTypes } from "./cmdb.api";

/** A CI's current relationships, read from its side ("runs on" / "hosts"), with add and end. */
export function CiRelationships({ ci }: { ci: TCi }) {
  const { t } = useTranslation();
  const rels = useCiRelationships(ci.id);
  const types = useRelationshipTypes();
  const { add, end } = useRelationshipMutations();
  const [kind, setKind] = useState<string | null>("depends_on:out");
  const [other, setOther] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 120);
  const found = useCiSearch(debounced);
  const [error, setError] = useState<string | null>(null);

  const options = (types.data ?? []).flatMap((ty) => [
    { value: `${ty.key}:out`, label: ty.name },
    ...(ty.reverseName !== ty.name ? [{ value: `${ty.key}:in`, label: ty.reverseName }] : []),
  ]);
  const rows = (rels.data ?? []).map((r) => {
    const outgoing = r.source.id === ci.id;
    return { id: r.id, label: outgoing ? r.type.name : r.type.reverseName, other: outgoing ? r.target : r.source };
  });
  rows.sort((a, b) => a.label.localeCompare(b.label) || a.other.name.localeCompare(b.other.name));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!kind || !other) {
      setError(t("errors.required"));
      return;
    }
    setError(null);
    const [type, dir] = kind.split(":");
    try {
      await add.mutateAsync(dir === "out" ? { type, sourceId: ci.id, targetId: other } : { type, sourceId: other, targetId: ci.id });
      setOther(null);
      setSearch("");
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="rels-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="rels-heading">
          {t("cmdb.detail.relationships")}
        </Title>
        {rels.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("cmdb.detail.noRelationships")}
          </Text>
        )}
        {rows.length > 0 && (
          <Stack component="ul" gap={4} p={0} m={0} style={{ listStyle: "none" }}>
            {rows.map((r) => (
              <Group component="li" key={r.id} justify="space-between" wrap="nowrap">
                <Text size="sm" style={{ minWidth: 0 }}>
                  <Text span c="dimmed" size="sm">
                    {r.label}{" "}
                  </Text>
                  <AnchorLink to="/cmdb/$ciId" params={{ ciId: r.other.id }} size="sm" fw={500}>
                    {r.other.name}
                  </AnchorLink>{" "}
                  <Text span c="dimmed" size="xs">
                    ({r.other.className})
                  </Text>
                </Text>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="sm"
                  aria-label={t("cmdb.detail.relEnd", { label: r.label, name: r.other.name })}
                  onClick={() => end.mutate(r.id)}
                  loading={end.isPending && end.variables === r.id}
                >
                  <IconTrash size={14} aria-hidden />
                </ActionIcon>
              </Group>
            ))}
          </Stack>
        )}
        <form onSubmit={onSubmit} noValidate aria-label={t("cmdb.detail.addRelationship")}>
          <Group align="flex-end" gap="xs" wrap="wrap">
            <Select label={t("cmdb.detail.relType")} data={options} value={kind} onChange={setKind} allowDeselect={false} w={170} />
            <Select
              label={t("cmdb.detail.relOther")}
              placeholder={t("cmdb.picker.placeholder")}
              searchable
              searchValue={search}
              onSearchChange={setSearch}
              data={(found.data ?? []).filter((c) => c.id !== ci.id).map((c) => ({ value: c.id, label: `${c.name} · ${c.className}` }))}
              value={other}
              onChange={setOther}
              filter={({ options: o }) => o}
              nothingFoundMessage={debounced.trim() ? t("cmdb.picker.nothing") : undefined}
              style={{ flex: "1 1 220px" }}
            />
            <Button type="submit" variant="default" loading={add.isPending}>
              {t("cmdb.detail.relAdd")}
            </Button>
          </Group>
        </form>
        {(error || end.isError) && (
          <Alert color="red" role="alert">
            {error ?? errorText(end.error, t)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
