import { Alert, Button, Group, Select, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { AppModal } from "../../app/app-modal";
import { errorText } from "../incidents/components/form-errors";
import { useMerge } from "./desk-work.api";

/** Merge: pick the survivor among the given numbers (or type the duplicates when one number is given). */
export function MergeModal({ numbers: given, onClose, onDone }: { numbers: string[]; onClose(): void; onDone?(): void }) {
  // The oldest ticket survives by default: it holds the longest history.
  const numbers = [...given].sort();
  const { t } = useTranslation();
  const merge = useMerge();
  const single = numbers.length === 1;
  const [survivor, setSurvivor] = useState<string | null>(single ? null : numbers[0]);
  const [typed, setTyped] = useState("");
  const [message, setMessage] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    // From one incident's page: that incident is the duplicate, the survivor is typed.
    const target = single ? typed.trim().toUpperCase() : survivor;
    const duplicates = single ? numbers : numbers.filter((n) => n !== survivor);
    if (!target) return setError(t("errors.required"));
    setError(null);
    try {
      const r = await merge.mutateAsync({ survivor: target, duplicates, message: message.trim() || undefined });
      notifications.show({ color: "green", message: t("deskWork.merge.done", { number: r.survivor.number }) });
      onDone?.();
      onClose();
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  return (
    <AppModal opened onClose={onClose} title={t("deskWork.merge.title")} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">{t("deskWork.merge.intro")}</Text>
          {single ? (
            <Textarea
              label={t("deskWork.merge.survivorNumber")}
              placeholder="INC0000042"
              autosize
              minRows={1}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              required
              data-autofocus
            />
          ) : (
            <>
              <Select label={t("deskWork.merge.survivor")} data={numbers} value={survivor} onChange={setSurvivor} required allowDeselect={false} />
              <Text size="sm">
                {t("deskWork.merge.duplicates")}: {numbers.filter((n) => n !== survivor).join(", ")}
              </Text>
            </>
          )}
          <Textarea
            label={t("deskWork.merge.message")}
            autosize
            minRows={2}
            value={message}
            onChange={(e) => setMessage(e.currentTarget.value)}
            maxLength={5000}
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("detail.cancel")}
            </Button>
            <Button type="submit" loading={merge.isPending}>
              {t("deskWork.merge.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
