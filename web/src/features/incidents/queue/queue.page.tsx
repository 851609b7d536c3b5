import { Alert, Badge, Button, Center, Collapse, Group, Loader, MultiSelect, Paper, Stack, Switch, Text } from "@mantine/core";
import { QUEUE_COLUMNS } from "../../../../../contracts/reference";
import { useDisclosure, useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { IconAdjustmentsHorizontal, IconDeviceFloppy, IconInbox, IconPlus, IconTrash, IconX } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { BulkBar } from "../../desk-work/bulk-bar";
import { api } from "../../../app/api";
import { PageHeading } from "../../../app/page";
import { useIsStaff, useViews } from "../../reference/reference.api";
import { useIncidentQueue } from "../incidents.api";
import { QueueFilters, SortSelect } from "./queue-filters";
import { type QueueSearch, rememberQueueSearch, toQueueQuery } from "./queue-search";
import { QueueTable } from "./queue-table";
import { SaveViewModal } from "./save-view-modal";

/** The one incident list: filters, sort and saved views all live in the URL. */
export function QueuePage() {
  const { t, i18n } = useTranslation();
  const search = useSearch({ from: "/_agent/incidents" });
  const navigate = useNavigate({ from: "/incidents" });
  const query = toQueueQuery(search);
  rememberQueueSearch(search);
  const queue = useIncidentQueue(query);
  const views = useViews();
  const view = views.data?.find((v) => v.id === search.view);
  const [saveOpen, saveModal] = useDisclosure(false);
  // On phones the filters fold away behind a button; wider screens always show them.
  const wide = useMediaQuery("(min-width: 48em)", true);
  const [filtersOpen, filters] = useDisclosure(false);
  const activeFilters = [search.state, search.priority, search.group, search.assignee, search.q].filter(Boolean).length;
  const queryClient = useQueryClient();

  const deleteView = useMutation({
    mutationFn: (id: string) => api("DELETE", `/api/v1/views/${id}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["views"] });
      notifications.show({ message: t("queue.viewDeleted") });
      void navigate({ search: (s: QueueSearch) => ({ ...s, view: undefined }) });
    },
  });

  const update = (patch: Partial<QueueSearch>) => void navigate({ search: (s: QueueSearch) => ({ ...s, ...patch, view: undefined }), replace: true });

  const isStaff = useIsStaff();
  const first = queue.data?.pages[0];
  const items = queue.data?.pages.flatMap((p) => p.items) ?? [];
  // Bulk selection (agents): only rows still on screen count.
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const selected = items.filter((i) => picked.has(i.id));
  const selection = {
    selected: picked,
    onChange: (ids: string[], checked: boolean) =>
      setPicked((cur) => {
        const next = new Set(cur);
        for (const id of ids) checked ? next.add(id) : next.delete(id);
        return next;
      }),
  };
  const fmt = new Intl.NumberFormat(i18n.language);
  const totalLabel =
    !first || first.total === null
      ? null
      : first.totalCapped
        ? t("queue.totalCapped", { formatted: fmt.format(first.total) })
        : t("queue.total", { count: first.total, formatted: fmt.format(first.total) });
  const title = view?.name ?? t("queue.title");

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <PageHeading fz="h2">{title}</PageHeading>
        </div>
        <Group gap="xs">
          {view && !view.builtIn && (
            <Button
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={16} aria-hidden />}
              loading={deleteView.isPending}
              onClick={() => window.confirm(t("queue.deleteViewConfirm", { name: view.name })) && deleteView.mutate(view.id)}
            >
              {t("queue.deleteView")}
            </Button>
          )}
          {isStaff && (
            <Button variant="default" leftSection={<IconDeviceFloppy size={16} aria-hidden />} onClick={saveModal.open}>
              {t("queue.saveView")}
            </Button>
          )}
        </Group>
      </Group>

      {!wide && (
        <Button
          variant="default"
          leftSection={<IconAdjustmentsHorizontal size={16} aria-hidden />}
          rightSection={
            activeFilters ? (
              <Badge size="sm" circle>
                {activeFilters}
              </Badge>
            ) : undefined
          }
          onClick={filters.toggle}
          aria-expanded={filtersOpen}
          aria-controls="queue-filters"
          style={{ alignSelf: "flex-start" }}
        >
          {t("queue.filters")}
        </Button>
      )}
      <Collapse expanded={wide || filtersOpen} id="queue-filters" keepMounted={false}>
        <QueueFilters search={search} onChange={update} />
      </Collapse>

      <Group justify="space-between" align="center" gap="xs">
        <Group gap="sm">
          <Text size="sm" fw={500} aria-live="polite">
            {totalLabel ?? "\u00a0"}
          </Text>
          {activeFilters > 0 && (
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={<IconX size={14} aria-hidden />}
              onClick={() => void navigate({ search: { sort: search.sort } })}
            >
              {t("queue.clearFilters")}
            </Button>
          )}
        </Group>
        <Group gap="sm">
          {isStaff && (
            <Switch
              label={t("deskWork.major.filter")}
              checked={search.major === "true"}
              onChange={(e) => update({ major: e.currentTarget.checked ? "true" : undefined })}
            />
          )}
          {isStaff && (
            <MultiSelect
              aria-label={t("deskWork.views.columns")}
              placeholder={t("deskWork.views.columns")}
              data={QUEUE_COLUMNS.map((c) => ({ value: c, label: t(`deskWork.views.column.${c}`) }))}
              value={search.cols ? search.cols.split(",") : [...QUEUE_COLUMNS]}
              onChange={(v) => update({ cols: v.length && v.length < QUEUE_COLUMNS.length ? v.join(",") : undefined })}
              w={260}
              size="xs"
            />
          )}
          <SortSelect sort={query.sort} onChange={(sort) => update({ sort })} />
        </Group>
      </Group>

      {queue.isError && !queue.data ? (
        <Alert color="red" role="alert" title={t("queue.loadFailed")}>
          <Button variant="default" size="xs" mt="xs" onClick={() => void queue.refetch()}>
            {t("app.retry")}
          </Button>
        </Alert>
      ) : queue.isPending ? (
        <Center py="xl">
          <Loader aria-label={t("app.loading")} />
        </Center>
      ) : items.length === 0 ? (
        <Paper withBorder p="xl" radius="md">
          <Stack align="center" gap="xs">
            <IconInbox size={40} stroke={1.5} aria-hidden color="var(--mantine-color-gray-6)" />
            <Text fw={600}>{t("queue.empty")}</Text>
            <Text size="sm" c="dimmed">
              {t("queue.emptyHint")}
            </Text>
            <Button component={Link} to="/incidents/new" leftSection={<IconPlus size={16} aria-hidden />} mt="xs">
              {t("shell.newIncident")}
            </Button>
          </Stack>
        </Paper>
      ) : (
        <>
          {isStaff && selected.length > 0 && <BulkBar selected={selected} onClear={() => setPicked(new Set())} />}
          <Paper withBorder radius="md" style={{ opacity: queue.isPlaceholderData ? 0.6 : 1 }} aria-busy={queue.isFetching}>
            <QueueTable
              items={items}
              sort={query.sort}
              onSort={(sort) => update({ sort })}
              selection={isStaff ? selection : undefined}
              columns={search.cols?.split(",")}
            />
          </Paper>
        </>
      )}

      {items.length > 0 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {first?.total != null && !first.totalCapped && queue.hasNextPage
              ? t("queue.showing", { shown: fmt.format(items.length), total: fmt.format(first.total) })
              : null}
          </Text>
          {queue.hasNextPage && (
            <Button variant="default" onClick={() => void queue.fetchNextPage()} loading={queue.isFetchingNextPage}>
              {t("queue.loadMore")}
            </Button>
          )}
        </Group>
      )}

      <SaveViewModal
        opened={saveOpen}
        onClose={saveModal.close}
        search={search}
        onSaved={(v) => {
          saveModal.close();
          void navigate({ search: (s: QueueSearch) => ({ ...s, view: v.id }) });
        }}
      />
    </Stack>
  );
}
