import { Alert, Button, Checkbox, Group, Stack, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../../app/api";
import { AppModal } from "../../../app/app-modal";
import { useMe } from "../../../app/auth";
import type { TSavedView } from "../../reference/reference.api";
import { type QueueSearch, searchToView } from "./queue-search";

/** Names the current filters and sort and saves them as a view (admins may share it). */
export function SaveViewModal({
  opened,
  onClose,
  search,
  onSaved,
}: {
  opened: boolean;
  onClose(): void;
  search: QueueSearch;
  onSaved(view: TSavedView): void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [shared, setShared] = useState(false);
  const save = useMutation({
    mutationFn: () => api<TSavedView>("POST", "/api/v1/views", { body: { name: name.trim(), shared, ...searchToView(search) } }),
    onSuccess: (view) => {
      void queryClient.invalidateQueries({ queryKey: ["views"] });
      notifications.show({ color: "green", message: t("queue.viewSaved", { name: view.name }) });
      setName("");
      setShared(false);
      onSaved(view);
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return;
    save.mutate();
  }

  return (
    <AppModal opened={opened} onClose={onClose} title={t("queue.saveViewTitle")}>
      <form onSubmit={onSubmit}>
        <Stack>
          {err && !err.fieldErrors().name && (
            <Alert color="red" role="alert">
              {err.message}
            </Alert>
          )}
          <TextInput
            label={t("queue.viewName")}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={100}
            error={err?.fieldErrors().name}
            data-autofocus
          />
          {me.role !== "requester" && <Checkbox label={t("queue.shareView")} checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("detail.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!name.trim()}>
              {t("queue.saveView")}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
