import { Alert, Button, Checkbox, Group, Select, Stack, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { IconBolt, IconPlus } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { INCIDENT_ACTIONS, type TIncident } from "../../../../contracts/incidents";
import { MACRO_PLACEHOLDERS, type TCreateMacroRequest, type TMacro } from "../../../../contracts/macros";
import { api } from "../../app/api";
import { AppModal } from "../../app/app-modal";
import { errorText } from "../incidents/components/form-errors";

/** Apply a macro (one step, one transaction) or save a new one, on the incident page. */
export function MacroBar({ incident }: { incident: TIncident }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const macros = useQuery({ queryKey: ["desk-work", "macros"], queryFn: () => api<{ items: TMacro[] }>("GET", "/api/v1/macros").then((r) => r.items) });
  const [picked, setPicked] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const apply = useMutation({
    mutationFn: (id: string) => api<TIncident>("POST", `/api/v1/incidents/${incident.number}/macros/${id}/apply`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["incident"] });
      void qc.invalidateQueries({ queryKey: ["incidents"] });
    },
  });
  const run = async () => {
    if (!picked) return;
    try {
      await apply.mutateAsync(picked);
      notifications.show({ color: "green", message: t("deskWork.macros.applied", { name: macros.data?.find((m) => m.id === picked)?.name }) });
      setPicked(null);
    } catch (err) {
      notifications.show({ color: "red", message: errorText(err, t) });
    }
  };
  return (
    <Group gap="xs" align="flex-end">
      <Select
        aria-label={t("deskWork.macros.pick")}
        placeholder={t("deskWork.macros.pick")}
        data={(macros.data ?? []).map((m) => ({ value: m.id, label: m.shared ? m.name : `${m.name} (${t("deskWork.macros.personal")})` }))}
        value={picked}
        onChange={setPicked}
        searchable
        clearable
        w={240}
        nothingFoundMessage={t("deskWork.macros.none")}
      />
      <Button variant="default" leftSection={<IconBolt size={16} aria-hidden />} disabled={!picked} loading={apply.isPending} onClick={() => void run()}>
        {t("deskWork.macros.apply")}
      </Button>
      <Button variant="subtle" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
        {t("deskWork.macros.new")}
      </Button>
      {creating && <NewMacroModal onClose={() => setCreating(false)} />}
    </Group>
  );
}

function NewMacroModal({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [action, setAction] = useState<string | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const [reply, setReply] = useState("");
  const [shared, setShared] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: TCreateMacroRequest) => api<TMacro>("POST", "/api/v1/macros", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["desk-work", "macros"] }),
  });
  async function submit(e: FormEvent) {
    e.preventDefault();
    const actions: TCreateMacroRequest["actions"] = {};
    if (action) actions.action = action as TCreateMacroRequest["actions"]["action"];
    if (action === "resolve") Object.assign(actions, { resolutionCode: code ?? "solved_permanently", resolutionNotes: reply.trim() || name });
    if (reply.trim()) actions.reply = { body: reply.trim(), visibility: "public" };
    try {
      await save.mutateAsync({ name: name.trim(), description: "", shared, actions });
      onClose();
    } catch (err) {
      setError(errorText(err, t));
    }
  }
  return (
    <AppModal opened onClose={onClose} title={t("deskWork.macros.new")} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label={t("deskWork.macros.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
          <Select
            label={t("deskWork.bulk.action")}
            placeholder={t("deskWork.bulk.noChange")}
            data={INCIDENT_ACTIONS.filter((a) => ["start", "resolve"].includes(a)).map((a) => ({ value: a, label: t(`action.${a}`) }))}
            value={action}
            onChange={setAction}
            clearable
          />
          {action === "resolve" && (
            <Select
              label={t("field.resolutionCode")}
              data={(["solved_permanently", "solved_workaround", "user_error"] as const).map((r) => ({ value: r, label: t(`resolutionCode.${r}`) }))}
              value={code}
              onChange={setCode}
            />
          )}
          <Textarea
            label={t("deskWork.macros.reply")}
            description={`${t("deskWork.macros.placeholders")}: ${MACRO_PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}`}
            autosize
            minRows={4}
            value={reply}
            onChange={(e) => setReply(e.currentTarget.value)}
          />
          <Checkbox label={t("deskWork.macros.shared")} checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("detail.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t("deskWork.macros.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
