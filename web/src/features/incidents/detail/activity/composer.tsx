import { Alert, Button, Group, Stack, Tabs, Text, Textarea } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconEye, IconLock, IconMessage } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useIsStaff } from "../../../reference/reference.api";
import { INTERNAL_COLOR } from "../../../../app/theme";
import { errorText } from "../../components/form-errors";
import { addComment, useChildMutation } from "../../incidents.api";

type Kind = "public" | "internal";

/** Adds a public comment or an internal work note; each keeps its own unsent text. */
export function Composer({ incidentRef }: { incidentRef: string }) {
  // Work notes are internal to the desk: requesters only comment.
  const isStaff = useIsStaff();
  const { t } = useTranslation();
  const [kind, setKind] = useState<Kind>("public");
  const [text, setText] = useState<Record<Kind, string>>({ public: "", internal: "" });
  const [error, setError] = useState<string | null>(null);
  const post = useChildMutation(incidentRef, (v: { body: string; visibility: Kind }) => addComment(incidentRef, v.body, v.visibility));
  const internal = kind === "internal";
  const wide = useMediaQuery("(min-width: 36em)", true);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = text[kind].trim();
    if (!body) {
      setError(t("errors.required"));
      return;
    }
    setError(null);
    try {
      await post.mutateAsync({ body, visibility: kind });
      setText((x) => ({ ...x, [kind]: "" }));
      notifications.show({ color: "green", message: internal ? t("activity.workNoteAdded") : t("activity.commentAdded") });
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  return (
    <Tabs
      value={kind}
      onChange={(v) => {
        // Switching with unsent text asks first, so nobody sends a note to the wrong audience by accident.
        if (!v || v === kind) return;
        if (text[kind].trim() && !window.confirm(t("deskWork.composer.switchConfirm"))) return;
        setKind(v as Kind);
      }}
      keepMounted={false}
      variant="outline"
      styles={{ list: { flexWrap: "nowrap" }, tab: { whiteSpace: "normal", minWidth: 0 } }}
    >
      <Tabs.List aria-label={t("activity.composer")} grow={!wide}>
        <Tabs.Tab value="public" leftSection={wide ? <IconMessage size={16} aria-hidden /> : undefined}>
          {isStaff ? t("activity.commentTab") : t("activity.commentTabRequester")}
        </Tabs.Tab>
        {isStaff && (
          <Tabs.Tab value="internal" leftSection={wide ? <IconLock size={16} aria-hidden /> : undefined} c={internal ? INTERNAL_COLOR : undefined}>
            {t("activity.workNoteTab")}
          </Tabs.Tab>
        )}
      </Tabs.List>
      <Tabs.Panel value={kind} pt="sm">
        <form onSubmit={submit} className={internal ? "composer-internal" : undefined}>
          <Stack gap="xs">
            {isStaff && (
              <Text
                size="sm"
                fw={600}
                role="note"
                c={internal ? INTERNAL_COLOR : "blue.8"}
                className={internal ? "composer-audience composer-audience-internal" : "composer-audience composer-audience-public"}
              >
                {internal ? <IconLock size={14} aria-hidden /> : <IconEye size={14} aria-hidden />}{" "}
                {internal ? t("deskWork.composer.internalOnly") : t("deskWork.composer.toRequester")}
              </Text>
            )}
            <Textarea
              label={internal ? t("activity.workNoteLabel") : t("activity.commentLabel")}
              placeholder={
                internal ? t("activity.workNotePlaceholder") : isStaff ? t("activity.commentPlaceholder") : t("activity.commentPlaceholderRequester")
              }
              autosize
              minRows={3}
              maxRows={14}
              value={text[kind]}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setText((x) => ({ ...x, [kind]: value }));
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) e.currentTarget.form?.requestSubmit();
              }}
              error={error}
            />
            {post.isError && !error && <Alert color="red">{t("errors.generic")}</Alert>}
            <Group justify="flex-end">
              <Button
                type="submit"
                loading={post.isPending}
                color={internal ? INTERNAL_COLOR : undefined}
                leftSection={internal ? <IconLock size={16} aria-hidden /> : undefined}
              >
                {internal ? t("activity.addWorkNote") : t("activity.addComment")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Tabs.Panel>
    </Tabs>
  );
}
