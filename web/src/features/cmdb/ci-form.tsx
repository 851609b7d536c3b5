import { Alert, Button, Checkbox, Group, NumberInput, Select, SimpleGrid, Stack, Textarea, TextInput, Title } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { type TAttributeDef, validateAttributes } from "../../../../contracts/cmdb-attributes";
import { CI_STATUSES, type CiStatus, type TCi } from "../../../../contracts/cmdb";
import { ApiError } from "../../app/api";
import { AppModal } from "../../app/app-modal";
import { errorText } from "../incidents/components/form-errors";
import { PersonPicker } from "../reference/person-picker";
import { useGroups } from "../reference/reference.api";
import { useCiClasses, useCreateCi, useUpdateCi } from "./cmdb.api";

interface Draft {
  class: string;
  name: string;
  description: string;
  status: CiStatus;
  ownerId: string | null;
  supportGroupId: string | null;
  location: string;
  serialNumber: string;
  assetTag: string;
  attributes: Record<string, unknown>;
}

const fromCi = (ci?: TCi): Draft => ({
  class: ci?.classKey ?? "",
  name: ci?.name ?? "",
  description: ci?.description ?? "",
  status: ci?.status ?? "operational",
  ownerId: ci?.owner?.id ?? null,
  supportGroupId: ci?.supportGroup?.id ?? null,
  location: ci?.location ?? "",
  serialNumber: ci?.serialNumber ?? "",
  assetTag: ci?.assetTag ?? "",
  attributes: { ...(ci?.attributes ?? {}) },
});

/** One input per class attribute, typed by its definition. */
function AttributeInput({ def, value, error, onChange }: { def: TAttributeDef; value: unknown; error?: string; onChange(v: unknown): void }) {
  const common = { label: def.label, required: def.required, error };
  switch (def.type) {
    case "integer":
    case "number":
      return (
        <NumberInput
          {...common}
          value={typeof value === "number" ? value : ""}
          allowDecimal={def.type === "number"}
          min={def.min}
          max={def.max}
          onChange={(v) => onChange(v === "" ? undefined : Number(v))}
        />
      );
    case "boolean":
      return <Checkbox label={def.label} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} error={error} mt="lg" />;
    case "choice":
      return (
        <Select
          {...common}
          data={def.choices ?? []}
          value={typeof value === "string" ? value : null}
          onChange={(v) => onChange(v ?? undefined)}
          clearable={!def.required}
        />
      );
    case "text":
      return <Textarea {...common} value={String(value ?? "")} onChange={(e) => onChange(e.currentTarget.value)} autosize minRows={2} />;
    case "date":
      return <TextInput {...common} type="date" value={String(value ?? "")} onChange={(e) => onChange(e.currentTarget.value)} />;
    default:
      return (
        <TextInput
          {...common}
          value={String(value ?? "")}
          onChange={(e) => onChange(e.currentTarget.value)}
          placeholder={def.type === "ip" ? "10.0.0.1" : def.type === "url" ? "https://" : undefined}
        />
      );
  }
}

/** Create or edit a CI: class-driven attribute fields validated in the browser by the same rules as the server. */
export function CiFormModal({ opened, onClose, ci, onSaved }: { opened: boolean; onClose(): void; ci?: TCi; onSaved?(ci: TCi): void }) {
  const { t } = useTranslation();
  const classes = useCiClasses();
  const groups = useGroups();
  const create = useCreateCi();
  const update = useUpdateCi(ci?.id ?? "");
  const [draft, setDraft] = useState<Draft>(() => fromCi(ci));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    if (opened) {
      setDraft(fromCi(ci));
      setErrors({});
      setFailure(null);
    }
  }, [opened, ci]);
  const cls = classes.data?.find((c) => c.key === draft.class);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!draft.class) errs.class = t("errors.required");
    if (!draft.name.trim()) errs.name = t("errors.required");
    if (cls) {
      const r = validateAttributes(cls.attributes, draft.attributes);
      if (!r.ok) for (const i of r.issues) errs[`attributes.${i.path}`] = i.message === "required" ? t("errors.required") : i.message;
    }
    setErrors(errs);
    if (Object.keys(errs).length) {
      setFailure(t("cmdb.form.fixErrors"));
      return;
    }
    setFailure(null);
    const common = {
      name: draft.name.trim(),
      description: draft.description,
      status: draft.status,
      ownerId: draft.ownerId,
      supportGroupId: draft.supportGroupId,
      location: draft.location.trim() || null,
      serialNumber: draft.serialNumber.trim() || null,
      assetTag: draft.assetTag.trim() || null,
      attributes: draft.attributes,
    };
    try {
      const saved = ci ? await update.mutateAsync({ ...common, version: ci.version }) : await create.mutateAsync({ ...common, class: draft.class });
      onSaved?.(saved);
      onClose();
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors());
      setFailure(errorText(err, t));
    }
  }

  return (
    <AppModal opened={opened} onClose={onClose} title={ci ? t("cmdb.form.editTitle") : t("cmdb.form.createTitle")} size="lg">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {!ci && (
            <Select
              label={t("cmdb.form.class")}
              required
              data={(classes.data ?? []).map((c) => ({ value: c.key, label: c.name }))}
              value={draft.class || null}
              onChange={(v) => setDraft((d) => ({ ...d, class: v ?? "", attributes: {} }))}
              error={errors.class}
              searchable
            />
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput
              label={t("cmdb.form.name")}
              required
              value={draft.name}
              onChange={(e) => set("name", e.currentTarget.value)}
              error={errors.name}
              maxLength={200}
            />
            <Select
              label={t("cmdb.form.status")}
              data={CI_STATUSES.map((s) => ({ value: s, label: t(`cmdb.status.${s}`) }))}
              value={draft.status}
              onChange={(v) => v && set("status", v as CiStatus)}
              allowDeselect={false}
            />
            <PersonPicker
              label={t("cmdb.form.owner")}
              value={draft.ownerId}
              onChange={(v) => set("ownerId", v)}
              selected={ci?.owner}
              error={errors.ownerId}
              clearable
            />
            <Select
              label={t("cmdb.form.supportGroup")}
              data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
              value={draft.supportGroupId}
              onChange={(v) => set("supportGroupId", v)}
              error={errors.supportGroupId}
              clearable
            />
            <TextInput label={t("cmdb.form.location")} value={draft.location} onChange={(e) => set("location", e.currentTarget.value)} maxLength={200} />
            <TextInput
              label={t("cmdb.form.serialNumber")}
              value={draft.serialNumber}
              onChange={(e) => set("serialNumber", e.currentTarget.value)}
              error={errors.serialNumber}
            />
            <TextInput
              label={t("cmdb.form.assetTag")}
              value={draft.assetTag}
              onChange={(e) => set("assetTag", e.currentTarget.value)}
              error={errors.assetTag}
            />
          </SimpleGrid>
          <Textarea
            label={t("cmdb.form.description")}
            value={draft.description}
            onChange={(e) => set("description", e.currentTarget.value)}
            autosize
            minRows={2}
          />
          {cls && cls.attributes.length > 0 && (
            <>
              <Title order={3} fz="h5">
                {t("cmdb.form.attributes")}
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                {cls.attributes.map((def) => (
                  <AttributeInput
                    key={def.key}
                    def={def}
                    value={draft.attributes[def.key]}
                    error={errors[`attributes.${def.key}`]}
                    onChange={(v) => setDraft((d) => ({ ...d, attributes: { ...d.attributes, [def.key]: v } }))}
                  />
                ))}
              </SimpleGrid>
            </>
          )}
          {failure && (
            <Alert color="red" role="alert">
              {failure}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("cmdb.form.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {ci ? t("cmdb.form.save") : t("cmdb.form.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
