import { ActionIcon, Alert, Badge, Group, Paper, Select, SegmentedControl, Stack, Text, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../app/links";
import { errorText } from "../incidents/components/form-errors";
import { useCiSearch, useWorkItemCiMutations, useWorkItemCis, useWorkItemImpact } from "./cmdb.api";

type Role = "affected" | "caused_by";

/** Affected (or causing) CIs of a work item with a fast typeahead, and the business services they break. */
export function CiPickerPanel({ workItemRef }: { workItemRef: string }) {
  const { t } = useTranslation();
  const cis = useWorkItemCis(workItemRef);
  const impact = useWorkItemImpact(workItemRef, (cis.data?.length ?? 0) > 0);
  const { link, unlink } = useWorkItemCiMutations(workItemRef);
  const [role, setRole] = useState<Role>("affected");
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 120);
  const found = useCiSearch(debounced);
  const linked = new Set((cis.data ?? []).map((c) => `${c.ci.id}:${c.role}`));
  const data = (found.data ?? []).filter((c) => !linked.has(`${c.id}:${role}`)).map((c) => ({ value: c.id, label: `${c.name} · ${c.className}` }));

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="cis-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="cis-heading">
          {t("cmdb.picker.title")}
        </Title>
        {cis.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("cmdb.picker.empty")}
          </Text>
        )}
        {!!cis.data?.length && (
          <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: "none" }}>
            {cis.data.map((l) => (
              <Group component="li" key={`${l.ci.id}:${l.role}`} justify="space-between" wrap="nowrap" align="flex-start">
                <div style={{ minWidth: 0 }}>
                  <AnchorLink to="/cmdb/$ciId" params={{ ciId: l.ci.id }} size="sm" fw={500}>
                    {l.ci.name}
                  </AnchorLink>
                  <Group gap={6}>
                    <Text size="xs" c="dimmed">
                      {l.ci.className}
                    </Text>
                    <Badge size="xs" variant="light" color={l.role === "caused_by" ? "red" : "blue"} tt="none">
                      {t(`cmdb.role.${l.role}`)}
                    </Badge>
                  </Group>
                </div>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="sm"
                  aria-label={t("cmdb.picker.remove", { name: l.ci.name })}
                  onClick={() => unlink.mutate({ ciId: l.ci.id, role: l.role })}
                  loading={unlink.isPending && unlink.variables?.ciId === l.ci.id && unlink.variables.role === l.role}
                >
                  <IconTrash size={14} aria-hidden />
                </ActionIcon>
              </Group>
            ))}
          </Stack>
        )}
        <SegmentedControl
          size="xs"
          value={role}
          onChange={(v) => setRole(v as Role)}
          aria-label={t("cmdb.picker.role")}
          data={[
            { value: "affected", label: t("cmdb.role.affected") },
            { value: "caused_by", label: t("cmdb.role.caused_by") },
          ]}
        />
        <Select
          label={t("cmdb.picker.search")}
          placeholder={t("cmdb.picker.placeholder")}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          data={data}
          value={null}
          filter={({ options }) => options}
          nothingFoundMessage={debounced.trim() ? String(found.isFetching ? t("app.loading") : t("cmdb.picker.nothing")) : undefined}
          onChange={(id) => {
            if (!id) return;
            link.mutate({ ciId: id, role }, { onSuccess: () => setSearch("") });
          }}
          disabled={link.isPending}
        />
        {(link.isError || unlink.isError) && <Alert color="red">{errorText(link.error ?? unlink.error, t)}</Alert>}
        {!!cis.data?.length && (
          <div>
            <Text size="xs" c="dimmed" fw={600}>
              {t("cmdb.picker.services")}
            </Text>
            {impact.data && impact.data.businessServices.length === 0 && <Text size="sm">{t("cmdb.picker.noServices")}</Text>}
            <Group gap={6} mt={4}>
              {impact.data?.businessServices.map((s) => (
                <AnchorLink key={s.id} to="/cmdb/$ciId" params={{ ciId: s.id }} size="sm">
                  <Badge variant="outline" color="grape" tt="none" style={{ cursor: "pointer" }}>
                    {s.name}
                  </Badge>
                </AnchorLink>
              ))}
            </Group>
          </div>
        )}
      </Stack>
    </Paper>
  );
}
