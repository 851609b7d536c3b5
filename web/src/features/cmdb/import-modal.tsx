import { Alert, Badge, Button, Checkbox, FileInput, Group, MultiSelect, ScrollArea, SegmentedControl, Stack, Table, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { IMPORT_MATCH_KEYS, type TCmdbImportRequest, type TCmdbImportResult } from "../../../../contracts/cmdb-import";
import { api } from "../../app/api";
import { AppModal } from "../../app/app-modal";
import { errorText } from "../incidents/components/form-errors";
import { cmdbKeys } from "./cmdb.api";

const ACTION_COLOR = { create: "green", update: "blue", unchanged: "gray", error: "red" } as const;

/** CSV/JSON import of CIs or relationships: preview (dry run) first, then apply; errors listed per row. */
export function ImportModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [kind, setKind] = useState<"cis" | "relationships">("cis");
  const [file, setFile] = useState<File | null>(null);
  const [matchBy, setMatchBy] = useState<string[]>(["serial_number", "asset_tag", "name"]);
  const [partial, setPartial] = useState(false);
  const [result, setResult] = useState<TCmdbImportResult | null>(null);
  const run = useMutation({
    mutationFn: async (dryRun: boolean) => {
      if (!file) throw new Error("no file");
      const text = await file.text();
      const json = /\.json$/i.test(file.name);
      let body: TCmdbImportRequest;
      const common = { kind, dryRun, partial, matchBy: matchBy as TCmdbImportRequest["matchBy"] };
      if (json) {
        const parsed = JSON.parse(text) as { items?: unknown[] } | unknown[];
        body = { ...common, format: "json", rows: (Array.isArray(parsed) ? parsed : (parsed.items ?? [])) as Array<Record<string, unknown>> };
      } else body = { ...common, format: "csv", content: text };
      return api<TCmdbImportResult>("POST", "/api/v1/cmdb/import", { body });
    },
    onSuccess: (r) => {
      setResult(r);
      if (r.applied) void qc.invalidateQueries({ queryKey: cmdbKeys.all });
    },
  });
  const reset = () => {
    setResult(null);
    run.reset();
  };

  return (
    <AppModal opened={opened} onClose={onClose} title={t("cmdb.import.title")} size="xl">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {kind === "cis" ? t("cmdb.import.ciColumns") : t("cmdb.import.relColumns")}
        </Text>
        <Group align="flex-end" wrap="wrap">
          <div>
            <Text size="sm" fw={500} id="import-kind">
              {t("cmdb.import.kind")}
            </Text>
            <SegmentedControl
              aria-labelledby="import-kind"
              value={kind}
              onChange={(v) => {
                setKind(v as typeof kind);
                reset();
              }}
              data={[
                { value: "cis", label: t("cmdb.import.cis") },
                { value: "relationships", label: t("cmdb.import.relationships") },
              ]}
            />
          </div>
          <FileInput
            label={t("cmdb.import.file")}
            placeholder={t("cmdb.import.filePlaceholder")}
            accept=".csv,.json,text/csv,application/json"
            value={file}
            onChange={(f) => {
              setFile(f);
              reset();
            }}
            style={{ flex: "1 1 240px" }}
            clearable
          />
        </Group>
        {kind === "cis" && (
          <MultiSelect
            label={t("cmdb.import.matchBy")}
            data={IMPORT_MATCH_KEYS.map((k) => ({ value: k, label: t(`cmdb.import.match.${k}`) }))}
            value={matchBy}
            onChange={(v) => {
              if (v.length) setMatchBy(v);
              reset();
            }}
          />
        )}
        <Checkbox label={t("cmdb.import.partial")} checked={partial} onChange={(e) => setPartial(e.currentTarget.checked)} />
        <Group>
          <Button variant="default" disabled={!file} loading={run.isPending && run.variables === true} onClick={() => run.mutate(true)}>
            {t("cmdb.import.preview")}
          </Button>
          <Button
            disabled={!file || !result?.dryRun || (result.summary.error > 0 && !partial)}
            loading={run.isPending && run.variables === false}
            onClick={() => run.mutate(false)}
          >
            {t("cmdb.import.apply")}
          </Button>
        </Group>
        {run.isError && (
          <Alert color="red" role="alert">
            {errorText(run.error, t)}
          </Alert>
        )}
        {result && (
          <Alert color={result.applied ? "green" : result.summary.error ? "orange" : "blue"} role="status">
            {t(result.applied ? "cmdb.import.applied" : result.dryRun ? "cmdb.import.previewed" : "cmdb.import.notApplied", result.summary)}
          </Alert>
        )}
        {result && result.rows.length > 0 && (
          <ScrollArea.Autosize mah={360}>
            <Table striped verticalSpacing={4} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("cmdb.import.row")}</Table.Th>
                  <Table.Th>{t("cmdb.import.action")}</Table.Th>
                  <Table.Th>{t("cmdb.import.item")}</Table.Th>
                  <Table.Th>{t("cmdb.import.details")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.rows.map((r) => (
                  <Table.Tr key={r.row}>
                    <Table.Td>{r.row}</Table.Td>
                    <Table.Td>
                      <Badge color={ACTION_COLOR[r.action]} variant="light" tt="none">
                        {t(`cmdb.import.actions.${r.action}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{r.label}</Table.Td>
                    <Table.Td>
                      {r.errors.length ? r.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join("; ") : r.changes.join(", ")}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        )}
      </Stack>
    </AppModal>
  );
}
