import { Alert, Badge, Button, Group, List, Paper, SegmentedControl, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { IconAlertOctagon, IconCopy, IconX } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TBulkRequest, TBulkResult } from "../../../../contracts/desk-work";
import { HOLD_REASONS, RESOLUTION_CODES, type TIncidentSummary } from "../../../../contracts/incidents";
import { AppModal } from "../../app/app-modal";
import { errorText } from "../incidents/components/form-errors";
import { PersonPicker } from "../reference/person-picker";
import { DeclareMajorModal } from "./declare-major-modal";
import { useBulk } from "./desk-work.api";
import { MergeModal } from "./merge-modal";

const ACTIONS = ["start", "hold", "resolve", "cancel"] as const;

/** The queue's action bar for the selected incidents: assign, state, comment, parent; merge; declare major. */
export function BulkBar({ selected, onClear }: { selected: TIncidentSummary[]; onClear(): void }) {
  const { t } = useTranslation();
  const bulk = useBulk();
  const [assignee, setAssignee] = useState<string | null>(null);
  const [action, setAction] = useState<string | null>(null);
  const [holdReason, setHoldReason] = useState<string | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const [notes, setNotes] = useState("");
  const [reason, setReason] = useState("");
  const [comment, setComment] = useState("");
  const [visibility, setVisibility] = useState<"internal" | "public">("internal");
  const [parent, setParent] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<TBulkResult | null>(null);
  const [modal, setModal] = useState<"merge" | "major" | null>(null);

  async function apply(e: FormEvent) {
    e.preventDefault();
    const body: TBulkRequest = { ids: selected.map((i) => i.id) };
    if (assignee) body.assigneeId = assignee;
    if (action) {
      body.action = action as TBulkRequest["action"];
      if (action === "hold" && holdReason) body.holdReason = holdReason as TBulkRequest["holdReason"];
      if (action === "resolve") Object.assign(body, { resolutionCode: code ?? undefined, resolutionNotes: notes.trim() || undefined });
      if (action === "cancel") body.reason = reason.trim() || undefined;
    }
    if (comment.trim()) body.comment = { body: comment.trim(), visibility };
    if (parent.trim()) body.parent = parent.trim();
    if (!assignee && !action && !body.comment && !body.parent) return setError(t("deskWork.bulk.nothing"));
    setError(null);
    try {
      setResult(await bulk.mutateAsync(body));
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  const byId = new Map(selected.map((i) => [i.id, i.number]));
  return (
    <Paper withBorder radius="md" p="sm" component="section" aria-label={t("deskWork.bulk.bar")} bg="var(--mantine-color-blue-0)">
      <form onSubmit={apply}>
        <Stack gap="xs">
          <Group justify="space-between" gap="xs">
            <Group gap="xs">
              <Badge size="lg" variant="filled">
                {t("deskWork.bulk.selected", { count: selected.length })}
              </Badge>
              <Button variant="subtle" size="compact-sm" leftSection={<IconX size={14} aria-hidden />} onClick={onClear}>
                {t("deskWork.bulk.clear")}
              </Button>
            </Group>
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                leftSection={<IconCopy size={14} aria-hidden />}
                disabled={selected.length < 2}
                onClick={() => setModal("merge")}
              >
                {t("deskWork.bulk.merge")}
              </Button>
              <Button variant="default" color="red" size="xs" leftSection={<IconAlertOctagon size={14} aria-hidden />} onClick={() => setModal("major")}>
                {t("deskWork.bulk.declare")}
              </Button>
            </Group>
          </Group>
          <Group gap="xs" align="flex-end" wrap="wrap">
            <PersonPicker label={t("deskWork.bulk.assignee")} value={assignee} onChange={setAssignee} clearable w={220} size="xs" />
            <Select
              label={t("deskWork.bulk.action")}
              placeholder={t("deskWork.bulk.noChange")}
              data={ACTIONS.map((a) => ({ value: a, label: t(`action.${a}`) }))}
              value={action}
              onChange={setAction}
              clearable
              w={170}
              size="xs"
            />
            {action === "hold" && (
              <Select
                label={t("field.holdReason")}
                data={HOLD_REASONS.map((r) => ({ value: r, label: t(`holdReason.${r}`) }))}
                value={holdReason}
                onChange={setHoldReason}
                w={190}
                size="xs"
              />
            )}
            {action === "resolve" && (
              <>
                <Select
                  label={t("field.resolutionCode")}
                  data={RESOLUTION_CODES.map((r) => ({ value: r, label: t(`resolutionCode.${r}`) }))}
                  value={code}
                  onChange={setCode}
                  w={190}
                  size="xs"
                />
                <TextInput label={t("field.resolutionNotes")} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} w={220} size="xs" />
              </>
            )}
            {action === "cancel" && (
              <TextInput label={t("detail.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={220} size="xs" />
            )}
            <TextInput
              label={t("deskWork.bulk.parent")}
              placeholder={t("deskWork.bulk.parentPlaceholder")}
              value={parent}
              onChange={(e) => setParent(e.currentTarget.value)}
              w={190}
              size="xs"
            />
          </Group>
          <Group gap="xs" align="flex-end" wrap="wrap">
            <Textarea
              label={t("deskWork.bulk.comment")}
              value={comment}
              onChange={(e) => setComment(e.currentTarget.value)}
              autosize
              minRows={1}
              maxRows={4}
              style={{ flex: 1, minWidth: 220 }}
              size="xs"
              classNames={{ input: visibility === "internal" ? "bulk-internal" : undefined }}
            />
            <SegmentedControl
              aria-label={t("deskWork.bulk.commentVisibility")}
              size="xs"
              value={visibility}
              onChange={(v) => setVisibility(v as "internal" | "public")}
              data={[
                { value: "internal", label: t("activity.workNoteTab") },
                { value: "public", label: t("activity.commentTab") },
              ]}
            />
            <Button type="submit" size="xs" loading={bulk.isPending}>
              {t("deskWork.bulk.apply", { count: selected.length })}
            </Button>
          </Group>
          {error && (
            <Alert color="red" role="alert" py={6}>
              {error}
            </Alert>
          )}
        </Stack>
      </form>
      {result && (
        <AppModal opened onClose={() => setResult(null)} title={t("deskWork.bulk.results")}>
          <Stack gap="xs">
            <Text fw={600} role="status">
              {t("deskWork.bulk.summary", { ok: result.succeeded, failed: result.failed })}
            </Text>
            <List spacing={4} size="sm" listStyleType="none" data-testid="bulk-results">
              {result.items.map((r) => (
                <List.Item key={r.ref}>
                  <Group gap={6} wrap="nowrap" align="flex-start">
                    <Badge color={r.ok ? "green" : "red"} variant="light" miw={90}>
                      {r.ok ? t("deskWork.bulk.ok") : r.error?.code}
                    </Badge>
                    <Text size="sm" ff="monospace">
                      {r.number ?? byId.get(r.ref) ?? r.ref}
                    </Text>
                    {r.error && (
                      <Text size="sm" c="dimmed">
                        {r.error.message}
                      </Text>
                    )}
                  </Group>
                </List.Item>
              ))}
            </List>
            <Group justify="flex-end">
              <Button onClick={() => setResult(null)}>{t("app.close")}</Button>
            </Group>
          </Stack>
        </AppModal>
      )}
      {modal === "merge" && <MergeModal numbers={selected.map((i) => i.number)} onClose={() => setModal(null)} onDone={onClear} />}
      {modal === "major" && <DeclareMajorModal numbers={selected.map((i) => i.number)} onClose={() => setModal(null)} onDone={onClear} />}
    </Paper>
  );
}
