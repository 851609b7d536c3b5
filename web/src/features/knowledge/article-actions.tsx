import { Button, Group, Modal, Select, Stack, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ArticleAction, TArticle } from "../../../../contracts/knowledge";
import type { ApiError } from "../../app/api";
import { useAuth } from "../../app/auth";
import { useStaff } from "../reference/reference.api";
import { useArticleTransition } from "./knowledge.api";

const COLORS: Record<ArticleAction, string> = { submit: "blue", approve: "green", reject: "orange", publish: "green", retire: "red", redraft: "gray" };

/** The workflow buttons open to the caller; submit asks for a reviewer, reject for a comment. */
export function ArticleActions({ article }: { article: TArticle }) {
  const { t } = useTranslation();
  const { state } = useAuth();
  const me = state.status === "signedIn" ? state.user.id : null;
  const staff = useStaff();
  const run = useArticleTransition(article.number);
  const [dialog, setDialog] = useState<"submit" | "reject" | null>(null);
  const [reviewerId, setReviewerId] = useState<string | null>(article.reviewer?.id ?? null);
  const [comment, setComment] = useState("");
  const error = run.error as ApiError | null;

  const go = (action: ArticleAction, extra: { reviewerId?: string; comment?: string } = {}) =>
    run.mutate(
      { action, version: article.version, ...extra },
      {
        onSuccess: () => {
          setDialog(null);
          notifications.show({ color: "green", message: t(`knowledge.actionDone.${action}`) });
        },
        onError: (e) => notifications.show({ color: "red", message: (e as ApiError).message }),
      },
    );

  return (
    <>
      <Group gap="xs">
        {article.actions.map((a) => (
          <Button
            key={a}
            size="sm"
            variant={a === "approve" || a === "submit" || a === "publish" ? "filled" : "default"}
            color={COLORS[a]}
            loading={run.isPending && run.variables?.action === a}
            onClick={() => (a === "submit" || a === "reject" ? setDialog(a) : go(a))}
          >
            {t(`knowledge.action.${a}`)}
          </Button>
        ))}
      </Group>
      <Modal opened={dialog === "submit"} onClose={() => setDialog(null)} title={t("knowledge.submitTitle", { number: article.number })}>
        <Stack>
          <Select
            label={t("knowledge.field.reviewer")}
            required
            searchable
            value={reviewerId}
            onChange={setReviewerId}
            data={(staff.data ?? []).filter((u) => u.id !== me && u.active).map((u) => ({ value: u.id, label: u.name }))}
            error={error?.fieldErrors().reviewerId}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(null)}>
              {t("knowledge.cancel")}
            </Button>
            <Button disabled={!reviewerId} loading={run.isPending} onClick={() => reviewerId && go("submit", { reviewerId })}>
              {t("knowledge.action.submit")}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={dialog === "reject"} onClose={() => setDialog(null)} title={t("knowledge.rejectTitle", { number: article.number })}>
        <Stack>
          <Textarea
            label={t("knowledge.field.comment")}
            required
            autosize
            minRows={3}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(null)}>
              {t("knowledge.cancel")}
            </Button>
            <Button color="orange" disabled={!comment.trim()} loading={run.isPending} onClick={() => go("reject", { comment: comment.trim() })}>
              {t("knowledge.action.reject")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
