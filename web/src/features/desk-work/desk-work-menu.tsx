import { Alert, Button, Group, Menu, Select, Stack, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useNavigate } from "@tanstack/react-router";
import { IconAlertOctagon, IconArrowsSplit, IconCopy, IconDots } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TIncident } from "../../../../contracts/incidents";
import { AppModal } from "../../app/app-modal";
import { errorText } from "../incidents/components/form-errors";
import { useComments } from "../incidents/incidents.api";
import { DeclareMajorModal } from "./declare-major-modal";
import { useSplit } from "./desk-work.api";
import { MergeModal } from "./merge-modal";

const OPEN = ["new", "in_progress", "on_hold"];

/** More actions on an incident: merge it into another, split a comment off, declare it a major incident. */
export function DeskWorkMenu({ incident }: { incident: TIncident }) {
  const { t } = useTranslation();
  const [modal, setModal] = useState<"merge" | "split" | "major" | null>(null);
  if (!OPEN.includes(incident.state)) return null;
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" leftSection={<IconDots size={16} aria-hidden />}>
            {t("deskWork.more")}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconCopy size={14} aria-hidden />} onClick={() => setModal("merge")}>
            {t("deskWork.merge.action")}
          </Menu.Item>
          <Menu.Item leftSection={<IconArrowsSplit size={14} aria-hidden />} onClick={() => setModal("split")}>
            {t("deskWork.split.action")}
          </Menu.Item>
          <Menu.Item color="red" leftSection={<IconAlertOctagon size={14} aria-hidden />} onClick={() => setModal("major")}>
            {t("deskWork.major.declare")}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {modal === "merge" && <MergeModal numbers={[incident.number]} onClose={() => setModal(null)} />}
      {modal === "major" && <DeclareMajorModal numbers={[incident.number]} onClose={() => setModal(null)} />}
      {modal === "split" && <SplitModal incident={incident} onClose={() => setModal(null)} />}
    </>
  );
}

function SplitModal({ incident, onClose }: { incident: TIncident; onClose(): void }) {
  const { t } = useTranslation();
  const comments = useComments(incident.number);
  const split = useSplit(incident.number);
  const navigate = useNavigate();
  const [commentId, setCommentId] = useState<string | null>(null);
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!commentId || !title.trim()) return setError(t("errors.required"));
    try {
      const r = await split.mutateAsync({ commentId, title: title.trim() });
      notifications.show({ color: "green", message: t("deskWork.split.done", { number: r.number }) });
      onClose();
      void navigate({ to: "/incidents/$incidentId", params: { incidentId: r.number } });
    } catch (err) {
      setError(errorText(err, t));
    }
  }
  return (
    <AppModal opened onClose={onClose} title={t("deskWork.split.title")} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Select
            label={t("activity.title")}
            data={(comments.data ?? []).map((c) => ({
              value: c.id,
              label: `${c.visibility === "internal" ? "🔒 " : ""}${c.author?.name ?? ""}: ${c.body.slice(0, 90)}`,
            }))}
            value={commentId}
            onChange={setCommentId}
            required
            data-autofocus
          />
          <TextInput label={t("deskWork.split.newTitle")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required maxLength={300} />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("detail.cancel")}
            </Button>
            <Button type="submit" loading={split.isPending}>
              {t("deskWork.split.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
