import { Alert, Button, Checkbox, Group, Select, Stack, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCheck, IconPlayerPause, IconPlayerPlay, IconRotate, IconX, IconLock } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { HOLD_REASONS, type IncidentAction, RESOLUTION_CODES, type TIncident, type TTransitionRequest } from "../../../../../contracts/incidents";
import { ApiError } from "../../../app/api";
import { AppModal } from "../../../app/app-modal";
import { errorText } from "../components/form-errors";
import { useLinks, useTransition } from "../incidents.api";
import { ConflictAlert } from "./conflict-alert";

const ICONS: Record<IncidentAction, typeof IconCheck> = {
  start: IconPlayerPlay,
  hold: IconPlayerPause,
  resume: IconPlayerPlay,
  resolve: IconCheck,
  close: IconLock,
  cancel: IconX,
  reopen: IconRotate,
};
const NEEDS_INPUT = new Set<IncidentAction>(["hold", "resolve", "cancel", "reopen"]);

/** The workflow actions the server says are possible now; the ones that need input open a dialog. */
export function IncidentActions({ incident, incidentRef, onReload }: { incident: TIncident; incidentRef: string; onReload(): Promise<unknown> }) {
  const { t } = useTranslation();
  const transition = useTransition(incidentRef);
  const [dialog, setDialog] = useState<IncidentAction | null>(null);
  const [conflict, setConflict] = useState(false);

  async function run(body: TTransitionRequest): Promise<ApiError | null> {
    try {
      await transition.mutateAsync({ ...body, version: incident.version });
      setConflict(false);
      notifications.show({ color: "green", message: t(`detail.actionDone.${body.action}`) });
      setDialog(null);
      return null;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, "INTERNAL", t("errors.generic"));
      if (e.code === "VERSION_CONFLICT") setConflict(true);
      else if (!NEEDS_INPUT.has(body.action)) notifications.show({ color: "red", message: errorText(e, t) });
      return e;
    }
  }

  async function reload() {
    await onReload();
    setConflict(false);
    setDialog(null);
  }

  if (incident.actions.length === 0) return null;
  return (
    <>
      {conflict && !dialog && <ConflictAlert onReload={reload} />}
      <Group gap="xs" role="group" aria-label={t("detail.actions")}>
        {incident.actions.map((a) => {
          const Icon = ICONS[a];
          const primary = a === "resolve" || a === "start" || a === "resume";
          return (
            <Button
              key={a}
              variant={primary ? "filled" : "default"}
              color={a === "cancel" ? "red.9" : undefined}
              leftSection={<Icon size={16} aria-hidden />}
              loading={transition.isPending && transition.variables?.action === a}
              onClick={() => (NEEDS_INPUT.has(a) ? setDialog(a) : void run({ action: a }))}
            >
              {t(`action.${a}`)}
            </Button>
          );
        })}
      </Group>
      {dialog && (
        <ActionDialog
          incidentRef={incidentRef}
          action={dialog}
          pending={transition.isPending}
          conflict={conflict}
          onReload={reload}
          onClose={() => setDialog(null)}
          onSubmit={run}
        />
      )}
    </>
  );
}

interface DialogProps {
  incidentRef: string;
  action: IncidentAction;
  pending: boolean;
  conflict: boolean;
  onReload(): Promise<unknown>;
  onClose(): void;
  onSubmit(body: TTransitionRequest): Promise<ApiError | null>;
}

const DONE = ["resolved", "closed", "cancelled", "completed", "fulfilled", "rejected", "withdrawn"];

function ActionDialog({ incidentRef, action, pending, conflict, onReload, onClose, onSubmit }: DialogProps) {
  const { t } = useTranslation();
  // Resolving a parent offers to resolve its open children, or to override with a recorded reason.
  const links = useLinks(incidentRef);
  const openChildren = action === "resolve" ? (links.data ?? []).filter((l) => l.kind === "parent_of" && !DONE.includes(l.target.state)) : [];
  const [withChildren, setWithChildren] = useState(true);
  const [override, setOverride] = useState("");
  const [holdReason, setHoldReason] = useState<string | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const [notes, setNotes] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const missing: Record<string, string> = {};
    if (action === "hold" && !holdReason) missing.holdReason = t("errors.required");
    if (action === "resolve" && !code) missing.resolutionCode = t("errors.required");
    if (action === "resolve" && !notes.trim()) missing.resolutionNotes = t("errors.required");
    if ((action === "cancel" || action === "reopen") && !reason.trim()) missing.reason = t("errors.required");
    setErrors(missing);
    if (Object.keys(missing).length) return;
    const body: TTransitionRequest =
      action === "hold"
        ? { action, holdReason: holdReason as TTransitionRequest["holdReason"] }
        : action === "resolve"
          ? {
              action,
              resolutionCode: code as TTransitionRequest["resolutionCode"],
              resolutionNotes: notes.trim(),
              ...(openChildren.length && withChildren ? { resolveChildren: true } : {}),
              ...(openChildren.length && override.trim() ? { childrenOverrideReason: override.trim() } : {}),
            }
          : { action, reason: reason.trim() };
    const err = await onSubmit(body);
    if (err && err.code !== "VERSION_CONFLICT") {
      setErrors(err.fieldErrors());
      setMessage(errorText(err, t));
    }
  }

  return (
    <AppModal opened onClose={onClose} title={t(`action.${action}`)}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {conflict && <ConflictAlert onReload={onReload} />}
          {message && !conflict && (
            <Alert color="red" role="alert">
              {message}
            </Alert>
          )}
          {action === "hold" && (
            <Select
              label={t("field.holdReason")}
              required
              data={HOLD_REASONS.map((r) => ({ value: r, label: t(`holdReason.${r}`) }))}
              value={holdReason}
              onChange={setHoldReason}
              error={errors.holdReason}
              data-autofocus
            />
          )}
          {action === "resolve" && (
            <>
              <Select
                label={t("field.resolutionCode")}
                required
                data={RESOLUTION_CODES.map((r) => ({ value: r, label: t(`resolutionCode.${r}`) }))}
                value={code}
                onChange={setCode}
                error={errors.resolutionCode}
                data-autofocus
              />
              <Textarea
                label={t("field.resolutionNotes")}
                required
                autosize
                minRows={3}
                maxRows={10}
                value={notes}
                onChange={(e) => setNotes(e.currentTarget.value)}
                error={errors.resolutionNotes}
                maxLength={20000}
              />
              {openChildren.length > 0 && (
                <Alert color="yellow" variant="light">
                  <Stack gap="xs">
                    <span>
                      {t("deskWork.children.openChildren", { count: openChildren.length })} {openChildren.map((l) => l.target.number).join(", ")}
                    </span>
                    <Checkbox label={t("deskWork.children.resolveWith")} checked={withChildren} onChange={(e) => setWithChildren(e.currentTarget.checked)} />
                    <Textarea
                      label={t("deskWork.children.override")}
                      autosize
                      minRows={2}
                      value={override}
                      onChange={(e) => setOverride(e.currentTarget.value)}
                      error={errors.childrenOverrideReason}
                      maxLength={5000}
                    />
                  </Stack>
                </Alert>
              )}
            </>
          )}
          {(action === "cancel" || action === "reopen") && (
            <Textarea
              label={t("detail.reason")}
              required
              autosize
              minRows={3}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={errors.reason}
              maxLength={5000}
              data-autofocus
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {action === "cancel" ? t("detail.keepOpen") : t("detail.cancel")}
            </Button>
            <Button type="submit" loading={pending} color={action === "cancel" ? "red.9" : undefined}>
              {t(`action.${action}`)}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
