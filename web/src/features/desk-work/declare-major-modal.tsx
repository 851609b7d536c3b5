import { Alert, Button, Group, MultiSelect, NumberInput, Select, Stack, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useNavigate } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { AppModal } from "../../app/app-modal";
import { useMe } from "../../app/auth";
import { errorText } from "../incidents/components/form-errors";
import { PersonPicker } from "../reference/person-picker";
import { useDeclareMajor } from "./desk-work.api";

/** Declare a major incident: one of the given incidents becomes it, the others attach as children. */
export function DeclareMajorModal({ numbers: given, onClose, onDone }: { numbers: string[]; onClose(): void; onDone?(): void }) {
  // The first reported incident becomes the major incident by default.
  const numbers = [...given].sort();
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const declare = useDeclareMajor();
  const [primary, setPrimary] = useState<string | null>(numbers[0] ?? null);
  const [children, setChildren] = useState<string[]>(numbers.slice(1));
  const [manager, setManager] = useState<string | null>(me.id);
  const [audience, setAudience] = useState("");
  const [cadence, setCadence] = useState<number | string>(60);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!primary || !manager) return setError(t("errors.required"));
    setError(null);
    try {
      const m = await declare.mutateAsync({
        incident: primary,
        children: children.filter((c) => c !== primary),
        managerId: manager,
        audience: audience.trim(),
        updateCadenceMinutes: Number(cadence) || 60,
      });
      notifications.show({ color: "green", message: t("deskWork.major.declared", { number: m.item.number }) });
      onDone?.();
      onClose();
      void navigate({ to: "/incidents/$incidentId", params: { incidentId: m.item.number } });
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  return (
    <AppModal opened onClose={onClose} title={t("deskWork.major.declareTitle")} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Select
            label={t("deskWork.major.primary")}
            data={numbers}
            value={primary}
            onChange={(v) => {
              setPrimary(v);
              setChildren(numbers.filter((n) => n !== v));
            }}
            allowDeselect={false}
            required
          />
          {numbers.length > 1 && (
            <MultiSelect label={t("deskWork.major.attach")} data={numbers.filter((n) => n !== primary)} value={children} onChange={setChildren} />
          )}
          <PersonPicker label={t("deskWork.major.manager")} value={manager} onChange={setManager} selected={me} required />
          <Textarea
            label={t("deskWork.major.audienceLabel")}
            autosize
            minRows={2}
            value={audience}
            onChange={(e) => setAudience(e.currentTarget.value)}
            maxLength={2000}
          />
          <NumberInput label={t("deskWork.major.cadence")} min={5} max={1440} value={cadence} onChange={setCadence} w={240} />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("detail.cancel")}
            </Button>
            <Button type="submit" color="red" loading={declare.isPending}>
              {t("deskWork.major.declare")}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
