import { ActionIcon, Alert, Button, Checkbox, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconTrash } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TProblem } from "../../../../contracts/problems";
import { AnchorLink } from "../../app/links";
import { errorText } from "../incidents/components/form-errors";
import { useLinkedIncidents, useLinkIncidents, useResolveIncidents, useUnlinkIncident } from "./problems.api";

/** The problem's incidents: link more (in bulk), unlink, and resolve the open ones together once the problem is resolved. */
export function LinkedIncidentsPanel({ problem, problemRef }: { problem: TProblem; problemRef: string }) {
  const { t } = useTranslation();
  const incidents = useLinkedIncidents(problemRef);
  const link = useLinkIncidents(problemRef);
  const unlink = useUnlinkIncident(problemRef);
  const resolve = useResolveIncidents(problemRef);
  const [refs, setRefs] = useState("");
  const [selected, setSelected] = useState<string[] | null>(null);
  const open = (incidents.data ?? []).filter((i) => i.open);
  const offering = (problem.state === "resolved" || problem.state === "closed") && open.length > 0;
  const chosen = selected ?? open.map((i) => i.number);

  const onLink = async (e: FormEvent) => {
    e.preventDefault();
    const list = refs.split(/[\s,;]+/).filter(Boolean);
    if (!list.length) return;
    try {
      const results = await link.mutateAsync(list);
      const failed = results.filter((r) => !r.ok);
      notifications.show({
        color: failed.length ? "orange" : "green",
        message: `${t("problems.linked.result", { ok: results.length - failed.length, failed: failed.length })}${failed.length ? ` — ${failed.map((f) => `${f.ref}: ${f.message}`).join("; ")}` : ""}`,
      });
      setRefs("");
    } catch (err) {
      notifications.show({ color: "red", message: errorText(err, t) });
    }
  };
  const onResolve = async () => {
    try {
      const results = await resolve.mutateAsync(chosen);
      const failed = results.filter((r) => !r.ok);
      notifications.show({
        color: failed.length ? "orange" : "green",
        message: t("problems.linked.resolvedResult", { ok: results.length - failed.length, failed: failed.length }),
      });
      setSelected(null);
    } catch (err) {
      notifications.show({ color: "red", message: errorText(err, t) });
    }
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="linked-heading">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="linked-heading">
          {t("problems.linked.title")} ({incidents.data?.length ?? 0})
        </Title>
        {offering && (
          <Alert color="teal" title={t("problems.linked.resolveSelected")}>
            {t("problems.linked.offer", { count: open.length })}
          </Alert>
        )}
        {incidents.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("problems.linked.empty")}
          </Text>
        )}
        <Stack component="ul" gap={6} p={0} m={0} style={{ listStyle: "none" }}>
          {incidents.data?.map((i) => (
            <Group component="li" key={i.id} justify="space-between" wrap="nowrap">
              <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                {offering && i.open && (
                  <Checkbox
                    aria-label={t("problems.linked.select", { number: i.number })}
                    checked={chosen.includes(i.number)}
                    onChange={(e) => setSelected(e.currentTarget.checked ? [...chosen, i.number] : chosen.filter((n) => n !== i.number))}
                  />
                )}
                <AnchorLink to="/incidents/$incidentId" params={{ incidentId: i.number }} ff="monospace" size="sm">
                  {i.number}
                </AnchorLink>
                <Text size="sm" truncate title={i.title}>
                  {i.title}
                </Text>
                <Text size="xs" c={i.open ? "orange.9" : "dimmed"}>
                  {t(`state.${i.state}` as never, { defaultValue: i.state })}
                </Text>
              </Group>
              <ActionIcon
                variant="subtle"
                color="red"
                size="sm"
                aria-label={t("problems.linked.unlink", { number: i.number })}
                onClick={() => unlink.mutate(i.number)}
              >
                <IconTrash size={14} aria-hidden />
              </ActionIcon>
            </Group>
          ))}
        </Stack>
        {offering && (
          <Button onClick={() => void onResolve()} loading={resolve.isPending} disabled={!chosen.length}>
            {t("problems.linked.resolveSelected")} ({chosen.length})
          </Button>
        )}
        <form onSubmit={onLink}>
          <Group align="flex-end" gap="xs" wrap="nowrap">
            <TextInput
              label={t("problems.linked.addLabel")}
              description={t("problems.linked.addHint")}
              placeholder="INC0000042, INC0000043"
              value={refs}
              onChange={(e) => setRefs(e.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <Button type="submit" variant="light" loading={link.isPending} disabled={!refs.trim()}>
              {t("problems.linked.add")}
            </Button>
          </Group>
        </form>
      </Stack>
    </Paper>
  );
}
