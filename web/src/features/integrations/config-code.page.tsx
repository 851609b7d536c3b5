import { Alert, Badge, Button, Code, FileInput, Group, Stack, Table, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TConfigImportResult } from "../../../../contracts/config-code";
import { ApiError } from "../../app/api";
import { useMe } from "../../app/auth";
import { PageHeading } from "../../app/page";
import { useImportConfig } from "./integrations.api";

const CHANGE_COLOR = { added: "green", changed: "orange", unchanged: "gray", only_in_portico: "blue" } as const;

const isHeader = (l: string) => l.startsWith("--- ") || l.startsWith("+++ ");

/** A unified diff with added and removed lines coloured (never HTML from the server). */
function DiffView({ diff }: { diff: string }) {
  // The first line is the patch's "====" rule; --- / +++ name the two sides.
  const lines = diff.split("\n").filter((l) => !l.startsWith("===="));
  return (
    <Code block style={{ maxHeight: 480, overflow: "auto", fontSize: 12 }} data-testid="config-diff">
      {lines.map((l, i) => (
        <span
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text
          key={i}
          style={{
            display: "block",
            background: isHeader(l)
              ? undefined
              : l.startsWith("+")
                ? "var(--mantine-color-green-light)"
                : l.startsWith("-")
                  ? "var(--mantine-color-red-light)"
                  : undefined,
            color: l.startsWith("@@") || isHeader(l) ? "var(--mantine-color-dimmed)" : undefined,
          }}
        >
          {l || " "}
        </span>
      ))}
    </Code>
  );
}

/** Admins: download the configuration as YAML; upload one, preview the diff, apply it. */
export function ConfigCodePage() {
  const { t } = useTranslation();
  const me = useMe();
  const imp = useImportConfig();
  const [yaml, setYaml] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<TConfigImportResult | null>(null);
  if (me.role !== "admin") return <Alert color="red">{t("app.notFound")}</Alert>;
  const error = imp.error instanceof ApiError ? imp.error : null;
  const run = (dryRun: boolean) =>
    imp.mutate(
      { yaml, dryRun },
      {
        onSuccess: (r) => {
          if (dryRun) setPreview(r);
          else {
            setPreview(null);
            notifications.show({ color: "green", message: t("integrations.config.applied", r.summary) });
          }
        },
        onError: () => setPreview(null),
      },
    );
  const changes = preview?.changes.filter((c) => c.change !== "unchanged") ?? [];
  return (
    <Stack gap="md" maw={1100}>
      <PageHeading fz="h2">{t("integrations.config.title")}</PageHeading>
      <Text c="dimmed">{t("integrations.config.intro")}</Text>
      <Group>
        <Button component="a" href="/api/v1/config/export" download="portico-config.yaml" leftSection={<IconDownload size={16} aria-hidden />}>
          {t("integrations.config.export")}
        </Button>
      </Group>
      <Text size="sm" c="dimmed" ff="monospace">
        {t("integrations.config.cli")}
      </Text>
      <FileInput
        label={t("integrations.config.file")}
        placeholder={t("integrations.config.filePlaceholder")}
        accept=".yaml,.yml,application/yaml,text/yaml"
        clearable
        value={file}
        onChange={async (f) => {
          setFile(f);
          setPreview(null);
          setYaml(f ? await f.text() : "");
        }}
        maw={420}
      />
      <Textarea
        label={t("integrations.config.orPaste")}
        autosize
        minRows={6}
        maxRows={16}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 12 } }}
        value={yaml}
        onChange={(e) => {
          setYaml(e.currentTarget.value);
          setPreview(null);
        }}
      />
      <Group>
        <Button variant="default" disabled={!yaml.trim()} loading={imp.isPending && imp.variables?.dryRun} onClick={() => run(true)}>
          {t("integrations.config.preview")}
        </Button>
        <Button
          disabled={!preview || preview.summary.added + preview.summary.changed === 0}
          loading={imp.isPending && imp.variables?.dryRun === false}
          onClick={() => {
            if (preview && window.confirm(t("integrations.config.applyConfirm", preview.summary))) run(false);
          }}
        >
          {t("integrations.config.apply")}
        </Button>
      </Group>
      {error && (
        <Alert color="red" title={t("integrations.config.refused")}>
          <Text size="sm">{error.message}</Text>
          {error.details.length > 1 && (
            <ul>
              {error.details.slice(0, 20).map((d) => (
                <li key={`${d.field}:${d.message}`}>
                  <Text size="sm">
                    <Code>{d.field}</Code> {d.message}
                  </Text>
                </li>
              ))}
            </ul>
          )}
        </Alert>
      )}
      {preview && (
        <Stack gap="sm">
          <Alert color={changes.length ? "blue" : "gray"}>
            {changes.length ? t("integrations.config.summary", preview.summary) : t("integrations.config.nothing")}
          </Alert>
          {changes.length > 0 && (
            <>
              <Title order={3} fz="h4">
                {t("integrations.config.changes")}
              </Title>
              <Table striped maw={760}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("integrations.config.col.kind")}</Table.Th>
                    <Table.Th>{t("integrations.config.col.key")}</Table.Th>
                    <Table.Th>{t("integrations.config.col.change")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {changes.map((c) => (
                    <Table.Tr key={`${c.kind}/${c.key}`}>
                      <Table.Td>{c.kind}</Table.Td>
                      <Table.Td ff="monospace">{c.key}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={CHANGE_COLOR[c.change]} tt="none">
                          {t(`integrations.config.change.${c.change}`)}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Title order={3} fz="h4">
                {t("integrations.config.diff")}
              </Title>
              <DiffView diff={preview.diff} />
            </>
          )}
        </Stack>
      )}
    </Stack>
  );
}
