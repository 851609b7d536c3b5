import { Alert, Button, Group, NumberInput, Select, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { type FormEvent, type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { ASSET_STATUSES, CONTRACT_KINDS, LICENCE_TYPES } from "../../../../contracts/assets";
import { ApiError } from "../../app/api";
import { AppModal } from "../../app/app-modal";
import { errorText } from "../incidents/components/form-errors";
import { PersonPicker } from "../reference/person-picker";
import { useCreate, useVendors } from "./assets.api";

type Values = Record<string, string | number | null>;

function useForm(path: string, initial: Values, toBody: (v: Values) => unknown, onDone: () => void) {
  const [values, setValues] = useState<Values>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const create = useCreate(path);
  const { t } = useTranslation();
  const set = (k: string) => (v: string | number | null) => setValues((s) => ({ ...s, [k]: v === "" ? null : v }));
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await create.mutateAsync(toBody(values));
      setValues(initial);
      setErrors({});
      setFailure(null);
      onDone();
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors());
      setFailure(errorText(err, t));
    }
  }
  return { values, set, errors, failure, submit, pending: create.isPending };
}

function Shell({
  title,
  opened,
  onClose,
  onSubmit,
  pending,
  failure,
  children,
}: {
  title: string;
  opened: boolean;
  onClose(): void;
  onSubmit(e: FormEvent): void;
  pending: boolean;
  failure: string | null;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <AppModal opened={opened} onClose={onClose} title={title} size="lg">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {children}
          </SimpleGrid>
          {failure && (
            <Alert color="red" role="alert">
              {failure}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("assets.cancel")}
            </Button>
            <Button type="submit" loading={pending}>
              {t("assets.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}

const str = (v: string | number | null) => (v === null ? null : String(v));

/** Vendor select for the forms. */
function VendorSelect({ value, onChange, error, required }: { value: string | null; onChange(v: string | null): void; error?: string; required?: boolean }) {
  const { t } = useTranslation();
  const vendors = useVendors();
  return (
    <Select
      label={t("assets.vendor")}
      data={(vendors.data ?? []).map((v) => ({ value: v.id, label: v.name }))}
      value={value}
      onChange={onChange}
      error={error}
      clearable={!required}
      required={required}
      searchable
    />
  );
}

/** New hardware or software asset. */
export function AssetForm({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const f = useForm(
    "/api/v1/assets",
    {
      assetTag: null,
      name: null,
      serialNumber: null,
      model: null,
      vendorId: null,
      purchaseDate: null,
      cost: null,
      warrantyEnd: null,
      status: "stock",
      assignedToId: null,
    },
    (v) => v,
    onClose,
  );
  return (
    <Shell title={t("assets.newAsset")} opened={opened} onClose={onClose} onSubmit={f.submit} pending={f.pending} failure={f.failure}>
      <TextInput
        label={t("assets.assetTag")}
        required
        value={str(f.values.assetTag) ?? ""}
        onChange={(e) => f.set("assetTag")(e.currentTarget.value)}
        error={f.errors.assetTag}
      />
      <TextInput
        label={t("assets.name")}
        required
        value={str(f.values.name) ?? ""}
        onChange={(e) => f.set("name")(e.currentTarget.value)}
        error={f.errors.name}
      />
      <TextInput
        label={t("assets.serialNumber")}
        value={str(f.values.serialNumber) ?? ""}
        onChange={(e) => f.set("serialNumber")(e.currentTarget.value)}
        error={f.errors.serialNumber}
      />
      <TextInput label={t("assets.model")} value={str(f.values.model) ?? ""} onChange={(e) => f.set("model")(e.currentTarget.value)} />
      <VendorSelect value={str(f.values.vendorId)} onChange={f.set("vendorId")} error={f.errors.vendorId} />
      <Select
        label={t("assets.status")}
        data={ASSET_STATUSES.map((s) => ({ value: s, label: t(`assets.statuses.${s}`) }))}
        value={str(f.values.status)}
        onChange={f.set("status")}
        allowDeselect={false}
      />
      <TextInput
        type="date"
        label={t("assets.purchaseDate")}
        value={str(f.values.purchaseDate) ?? ""}
        onChange={(e) => f.set("purchaseDate")(e.currentTarget.value)}
        error={f.errors.purchaseDate}
      />
      <NumberInput
        label={t("assets.cost")}
        value={f.values.cost ?? ""}
        onChange={(v) => f.set("cost")(v === "" ? null : Number(v))}
        decimalScale={2}
        min={0}
        error={f.errors.cost}
      />
      <TextInput
        type="date"
        label={t("assets.warrantyEnd")}
        value={str(f.values.warrantyEnd) ?? ""}
        onChange={(e) => f.set("warrantyEnd")(e.currentTarget.value)}
        error={f.errors.warrantyEnd}
      />
      <PersonPicker
        label={t("assets.assignedTo")}
        value={str(f.values.assignedToId)}
        onChange={f.set("assignedToId")}
        error={f.errors.assignedToId}
        clearable
      />
    </Shell>
  );
}

/** New software licence. */
export function LicenceForm({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const f = useForm(
    "/api/v1/licences",
    { name: null, product: null, vendorId: null, licenceType: "per_user", entitlements: 10, renewalDate: null, cost: null },
    (v) => v,
    onClose,
  );
  return (
    <Shell title={t("assets.newLicence")} opened={opened} onClose={onClose} onSubmit={f.submit} pending={f.pending} failure={f.failure}>
      <TextInput
        label={t("assets.name")}
        required
        value={str(f.values.name) ?? ""}
        onChange={(e) => f.set("name")(e.currentTarget.value)}
        error={f.errors.name}
      />
      <TextInput
        label={t("assets.product")}
        required
        value={str(f.values.product) ?? ""}
        onChange={(e) => f.set("product")(e.currentTarget.value)}
        error={f.errors.product}
      />
      <VendorSelect value={str(f.values.vendorId)} onChange={f.set("vendorId")} />
      <Select
        label={t("assets.licenceType")}
        data={LICENCE_TYPES.map((s) => ({ value: s, label: t(`assets.licenceTypes.${s}`) }))}
        value={str(f.values.licenceType)}
        onChange={f.set("licenceType")}
        allowDeselect={false}
      />
      <NumberInput
        label={t("assets.entitlements")}
        value={f.values.entitlements ?? ""}
        onChange={(v) => f.set("entitlements")(v === "" ? null : Number(v))}
        min={0}
        error={f.errors.entitlements}
      />
      <TextInput
        type="date"
        label={t("assets.renewalDate")}
        value={str(f.values.renewalDate) ?? ""}
        onChange={(e) => f.set("renewalDate")(e.currentTarget.value)}
        error={f.errors.renewalDate}
      />
      <NumberInput label={t("assets.cost")} value={f.values.cost ?? ""} onChange={(v) => f.set("cost")(v === "" ? null : Number(v))} decimalScale={2} min={0} />
    </Shell>
  );
}

/** New vendor contract. */
export function ContractForm({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const f = useForm(
    "/api/v1/vendor-contracts",
    { name: null, vendorId: null, kind: "support", startDate: null, endDate: null, noticeDays: 60, slaReference: null, ownerId: null },
    (v) => v,
    onClose,
  );
  return (
    <Shell title={t("assets.newContract")} opened={opened} onClose={onClose} onSubmit={f.submit} pending={f.pending} failure={f.failure}>
      <TextInput
        label={t("assets.name")}
        required
        value={str(f.values.name) ?? ""}
        onChange={(e) => f.set("name")(e.currentTarget.value)}
        error={f.errors.name}
      />
      <VendorSelect value={str(f.values.vendorId)} onChange={f.set("vendorId")} error={f.errors.vendorId} required />
      <Select
        label={t("assets.kind")}
        data={CONTRACT_KINDS.map((s) => ({ value: s, label: t(`assets.kinds.${s}`) }))}
        value={str(f.values.kind)}
        onChange={f.set("kind")}
        allowDeselect={false}
      />
      <TextInput label={t("assets.sla")} value={str(f.values.slaReference) ?? ""} onChange={(e) => f.set("slaReference")(e.currentTarget.value)} />
      <TextInput
        type="date"
        label={t("assets.startDate")}
        required
        value={str(f.values.startDate) ?? ""}
        onChange={(e) => f.set("startDate")(e.currentTarget.value)}
        error={f.errors.startDate}
      />
      <TextInput
        type="date"
        label={t("assets.endDate")}
        required
        value={str(f.values.endDate) ?? ""}
        onChange={(e) => f.set("endDate")(e.currentTarget.value)}
        error={f.errors.endDate}
      />
      <NumberInput
        label={t("assets.noticeDays")}
        value={f.values.noticeDays ?? ""}
        onChange={(v) => f.set("noticeDays")(v === "" ? null : Number(v))}
        min={0}
        max={730}
      />
      <PersonPicker label={t("assets.owner")} value={str(f.values.ownerId)} onChange={f.set("ownerId")} clearable />
    </Shell>
  );
}

/** New vendor. */
export function VendorForm({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const f = useForm("/api/v1/vendors", { name: null, website: null, contactName: null, contactEmail: null, phone: null }, (v) => v, onClose);
  return (
    <Shell title={t("assets.newVendor")} opened={opened} onClose={onClose} onSubmit={f.submit} pending={f.pending} failure={f.failure}>
      <TextInput
        label={t("assets.name")}
        required
        value={str(f.values.name) ?? ""}
        onChange={(e) => f.set("name")(e.currentTarget.value)}
        error={f.errors.name}
      />
      <TextInput
        label={t("assets.website")}
        value={str(f.values.website) ?? ""}
        onChange={(e) => f.set("website")(e.currentTarget.value)}
        error={f.errors.website}
        placeholder="https://"
      />
      <TextInput label={t("assets.contactName")} value={str(f.values.contactName) ?? ""} onChange={(e) => f.set("contactName")(e.currentTarget.value)} />
      <TextInput
        label={t("assets.contactEmail")}
        type="email"
        value={str(f.values.contactEmail) ?? ""}
        onChange={(e) => f.set("contactEmail")(e.currentTarget.value)}
        error={f.errors.contactEmail}
      />
      <TextInput label={t("assets.phone")} value={str(f.values.phone) ?? ""} onChange={(e) => f.set("phone")(e.currentTarget.value)} />
    </Shell>
  );
}
