import { Alert, Button, Checkbox, FileInput, NumberInput, Radio, Select, Stack, Textarea, TextInput } from "@mantine/core";
import { DateInput } from "@mantine/dates";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { buildAnswersSchema, type TCatalogForm, type TFormVariable, visibleVariables } from "../../../../contracts/catalog-form";
import { PersonPicker } from "../reference/person-picker";

/** Errors keyed by variable name, from the one schema the server also uses. */
export function validateAnswers(form: TCatalogForm, answers: Record<string, unknown>): Record<string, string> {
  const r = buildAnswersSchema(form).safeParse(answers);
  if (r.success) return {};
  const out: Record<string, string> = {};
  for (const i of r.error.issues) {
    const key = String(i.path[0] ?? "");
    out[key] ??= i.message;
  }
  return out;
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const fr = new FileReader();
    fr.onload = () => resolve(String(fr.result).replace(/^data:[^,]*,/, ""));
    fr.onerror = () => reject(fr.error);
    fr.readAsDataURL(file);
  });
}

interface Props {
  form: TCatalogForm;
  submitting: boolean;
  /** Server-side field errors (body.answers.<name> → name). */
  serverErrors?: Record<string, string>;
  onSubmit(answers: Record<string, unknown>): void;
  canPickPeople: boolean;
}

/** A catalog item's form: shows what its conditions allow, validates with the shared schema before sending. */
export function RequestForm({ form, submitting, serverErrors, onSubmit, canPickPeople }: Props) {
  const { t } = useTranslation();
  const [answers, setAnswers] = useState<Record<string, unknown>>({});
  const [touched, setTouched] = useState(false);
  const shown = useMemo(() => visibleVariables(form, answers), [form, answers]);
  const errors = { ...(touched ? validateAnswers(form, answers) : {}), ...(serverErrors ?? {}) };
  const set = (name: string, v: unknown) => setAnswers((a) => ({ ...a, [name]: v }));

  const field = (v: TFormVariable) => {
    const common = { label: v.label, description: v.help, required: v.required, error: errors[v.name] };
    const value = answers[v.name];
    switch (v.type) {
      case "text":
        return <TextInput {...common} value={(value as string) ?? ""} onChange={(e) => set(v.name, e.currentTarget.value)} />;
      case "long_text":
        return <Textarea {...common} autosize minRows={3} value={(value as string) ?? ""} onChange={(e) => set(v.name, e.currentTarget.value)} />;
      case "number":
        return <NumberInput {...common} min={v.min} max={v.max} value={(value as number) ?? ""} onChange={(x) => set(v.name, x === "" ? undefined : x)} />;
      case "date":
        return (
          <DateInput
            {...common}
            valueFormat="YYYY-MM-DD"
            clearable
            value={(value as string) ?? null}
            onChange={(x) => set(v.name, x ? String(x).slice(0, 10) : undefined)}
          />
        );
      case "choice":
        return (
          <Select
            {...common}
            data={(v.options ?? []).map((o) => ({ value: o.value, label: o.label }))}
            value={(value as string) ?? null}
            onChange={(x) => set(v.name, x ?? undefined)}
            clearable={!v.required}
            allowDeselect={!v.required}
          />
        );
      case "multi_choice":
        return (
          <Checkbox.Group {...common} value={(value as string[]) ?? []} onChange={(x) => set(v.name, x)}>
            <Stack gap={6} mt={6}>
              {(v.options ?? []).map((o) => (
                <Checkbox key={o.value} value={o.value} label={o.label} />
              ))}
            </Stack>
          </Checkbox.Group>
        );
      case "yes_no":
        return (
          <Radio.Group {...common} value={value === undefined ? "" : value ? "yes" : "no"} onChange={(x) => set(v.name, x === "yes")}>
            <Stack gap={6} mt={6}>
              <Radio value="yes" label={t("catalog.item.yes")} />
              <Radio value="no" label={t("catalog.item.no")} />
            </Stack>
          </Radio.Group>
        );
      case "person":
        return canPickPeople ? (
          <PersonPicker
            {...common}
            placeholder={t("catalog.item.pickPerson")}
            value={(value as string) ?? null}
            onChange={(id) => set(v.name, id ?? undefined)}
          />
        ) : null;
      case "reference":
        return <TextInput {...common} value={(value as string) ?? ""} onChange={(e) => set(v.name, e.currentTarget.value)} />;
      case "attachment":
        return (
          <FileInput
            {...common}
            clearable
            placeholder={t("catalog.item.chooseFile")}
            onChange={async (file) => {
              if (!file) return set(v.name, undefined);
              if (file.size > 10 * 1024 * 1024) return set(v.name, undefined);
              set(v.name, { filename: file.name, contentType: file.type || "application/octet-stream", contentBase64: await readBase64(file) });
            }}
          />
        );
    }
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(validateAnswers(form, answers)).length) return;
    onSubmit(answers);
  };
  const hasErrors = touched && Object.keys(errors).length > 0;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        {form.variables
          .filter((v) => shown.has(v.name))
          .map((v) => (
            <div key={v.name}>{field(v)}</div>
          ))}
        {hasErrors && (
          <Alert color="red" variant="light" role="alert">
            {t("catalog.item.fixErrors")}
          </Alert>
        )}
        <Button type="submit" loading={submitting} size="md" style={{ alignSelf: "flex-start" }}>
          {t("catalog.item.request")}
        </Button>
      </Stack>
    </form>
  );
}
