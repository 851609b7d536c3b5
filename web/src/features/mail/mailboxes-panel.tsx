import { Alert, Badge, Button, Group, Modal, NumberInput, PasswordInput, SegmentedControl, Select, Stack, Switch, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TMailbox } from "../../../../contracts/mail";
import { ApiError } from "../../app/api";
import { RelativeTime } from "../../app/time";
import { useGroups } from "../reference/reference.api";
import { useDeleteMailbox, useMailboxes, usePollMailbox, useSaveMailbox } from "./mail.api";

interface FormState {
  name: string;
  address: string;
  kind: "smtp" | "imap";
  active: boolean;
  defaultGroupId: string | null;
  acceptUnknownSenders: boolean;
  host: string;
  port: number;
  tls: boolean;
  user: string;
  password: string;
  folder: string;
  moveTo: string;
}

function toForm(m: TMailbox | null): FormState {
  return {
    name: m?.name ?? "",
    address: m?.address ?? "",
    kind: m?.kind ?? "smtp",
    active: m?.active ?? true,
    defaultGroupId: m?.defaultGroupId ?? null,
    acceptUnknownSenders: m?.acceptUnknownSenders ?? true,
    host: m?.imap?.host ?? "",
    port: m?.imap?.port ?? 993,
    tls: m?.imap?.tls ?? true,
    user: m?.imap?.user ?? "",
    password: "",
    folder: m?.imap?.folder ?? "INBOX",
    moveTo: m?.imap?.moveTo ?? "",
  };
}

/** Adds or edits one mailbox. */
function MailboxModal({ mailbox, onClose }: { mailbox: TMailbox | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [f, setF] = useState<FormState>(() => toForm(mailbox));
  const save = useSaveMailbox();
  const groups = useGroups();
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));
  const errors = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  const submit = () => {
    const imap =
      f.kind === "imap"
        ? {
            host: f.host,
            port: f.port,
            tls: f.tls,
            user: f.user,
            folder: f.folder || "INBOX",
            moveTo: f.moveTo || null,
            ...(f.password ? { password: f.password } : {}),
          }
        : undefined;
    const body = mailbox
      ? { name: f.name, address: f.address, active: f.active, defaultGroupId: f.defaultGroupId, acceptUnknownSenders: f.acceptUnknownSenders, imap }
      : {
          name: f.name,
          address: f.address,
          kind: f.kind,
          active: f.active,
          defaultGroupId: f.defaultGroupId,
          acceptUnknownSenders: f.acceptUnknownSenders,
          imap,
        };
    save.mutate({ id: mailbox?.id, body: body as never }, { onSuccess: onClose });
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={mailbox ? t("mail.mailboxes.edit") : t("mail.mailboxes.add")}
      size="lg"
      closeButtonProps={{ "aria-label": t("app.close") }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          {save.error && !Object.keys(errors).length && <Alert color="red">{save.error.message}</Alert>}
          <TextInput label={t("mail.mailboxes.field.name")} required value={f.name} onChange={(e) => set("name", e.currentTarget.value)} error={errors.name} />
          <TextInput
            label={t("mail.mailboxes.field.address")}
            type="email"
            required
            value={f.address}
            onChange={(e) => set("address", e.currentTarget.value)}
            error={errors.address}
          />
          {!mailbox && (
            <div>
              <Text size="sm" fw={500} mb={4} id="mailbox-kind-label">
                {t("mail.mailboxes.field.kind")}
              </Text>
              <SegmentedControl
                aria-labelledby="mailbox-kind-label"
                value={f.kind}
                onChange={(v) => set("kind", v as "smtp" | "imap")}
                data={[
                  { value: "smtp", label: t("mail.mailboxes.kind.smtp") },
                  { value: "imap", label: t("mail.mailboxes.kind.imap") },
                ]}
              />
            </div>
          )}
          {f.kind === "smtp" ? (
            <Text size="sm" c="dimmed">
              {t("mail.mailboxes.smtpHint")}
            </Text>
          ) : (
            <>
              <Group grow align="flex-start">
                <TextInput
                  label={t("mail.mailboxes.field.host")}
                  required
                  value={f.host}
                  onChange={(e) => set("host", e.currentTarget.value)}
                  error={errors["imap.host"]}
                />
                <NumberInput
                  label={t("mail.mailboxes.field.port")}
                  min={1}
                  max={65535}
                  value={f.port}
                  onChange={(v) => set("port", Number(v) || 993)}
                  maw={120}
                />
              </Group>
              <Switch label={t("mail.mailboxes.field.tls")} checked={f.tls} onChange={(e) => set("tls", e.currentTarget.checked)} />
              <Group grow align="flex-start">
                <TextInput label={t("mail.mailboxes.field.user")} required value={f.user} onChange={(e) => set("user", e.currentTarget.value)} />
                <PasswordInput
                  label={t("mail.mailboxes.field.password")}
                  required={!mailbox}
                  description={mailbox ? t("mail.mailboxes.field.passwordKeep") : undefined}
                  value={f.password}
                  onChange={(e) => set("password", e.currentTarget.value)}
                />
              </Group>
              <Group grow align="flex-start">
                <TextInput label={t("mail.mailboxes.field.folder")} value={f.folder} onChange={(e) => set("folder", e.currentTarget.value)} />
                <TextInput label={t("mail.mailboxes.field.moveTo")} value={f.moveTo} onChange={(e) => set("moveTo", e.currentTarget.value)} />
              </Group>
            </>
          )}
          <Select
            label={t("mail.mailboxes.field.defaultGroup")}
            placeholder={t("mail.mailboxes.field.noGroup")}
            clearable
            data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
            value={f.defaultGroupId}
            onChange={(v) => set("defaultGroupId", v)}
            error={errors.defaultGroupId}
          />
          <Switch
            label={t("mail.mailboxes.field.acceptUnknown")}
            description={t("mail.mailboxes.field.acceptUnknownHint")}
            checked={f.acceptUnknownSenders}
            onChange={(e) => set("acceptUnknownSenders", e.currentTarget.checked)}
          />
          <Switch label={t("mail.mailboxes.field.active")} checked={f.active} onChange={(e) => set("active", e.currentTarget.checked)} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              {t("mail.cancel")}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t("mail.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The organization's mailboxes: add, edit, poll, remove. */
export function MailboxesPanel() {
  const { t } = useTranslation();
  const list = useMailboxes();
  const remove = useDeleteMailbox();
  const poll = usePollMailbox();
  const [editing, setEditing] = useState<TMailbox | null | "new">(null);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Text c="dimmed" maw={720}>
          {t("mail.mailboxes.intro")}
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing("new")}>
          {t("mail.mailboxes.add")}
        </Button>
      </Group>
      {list.isError && <Alert color="red">{t("mail.loadFailed")}</Alert>}
      {list.data && list.data.length === 0 && <Text c="dimmed">{t("mail.mailboxes.empty")}</Text>}
      {list.data && list.data.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover>
            <Table.Caption>{t("mail.mailboxes.caption")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {(["name", "address", "kind", "status", "lastPoll", "actions"] as const).map((c) => (
                  <Table.Th key={c}>{t(`mail.mailboxes.col.${c}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td fw={500}>{m.name}</Table.Td>
                  <Table.Td>{m.address}</Table.Td>
                  <Table.Td>{t(`mail.mailboxes.kind.${m.kind}`)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={m.active ? (m.lastError ? "orange" : "green") : "gray"} tt="none">
                      {m.active ? t("mail.mailboxes.active") : t("mail.mailboxes.inactive")}
                    </Badge>
                    {m.lastError && (
                      <Text size="xs" c="red.8">
                        {m.lastError}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{m.kind === "imap" ? m.lastPolledAt ? <RelativeTime iso={m.lastPolledAt} /> : t("mail.mailboxes.never") : "—"}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setEditing(m)} aria-label={`${t("mail.mailboxes.edit")}: ${m.name}`}>
                        {t("mail.mailboxes.edit")}
                      </Button>
                      {m.kind === "imap" && (
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() =>
                            poll.mutate(m.id, { onSuccess: () => notifications.show({ message: t("mail.mailboxes.pollQueued", { name: m.name }) }) })
                          }
                        >
                          {t("mail.mailboxes.pollNow")}
                        </Button>
                      )}
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        aria-label={`${t("mail.mailboxes.remove")}: ${m.name}`}
                        onClick={() => {
                          if (window.confirm(t("mail.mailboxes.removeConfirm", { name: m.name }))) remove.mutate(m.id);
                        }}
                      >
                        {t("mail.mailboxes.remove")}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing && <MailboxModal mailbox={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
