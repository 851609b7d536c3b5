import { Alert, Card, Group, Loader, Stack, Text, TextInput } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../app/links";
import { PageHeading } from "../../app/page";
import { errorText } from "../incidents/components/form-errors";
import { useKnownErrors } from "./problems.api";

/** Known errors: searchable workarounds, each leading to its problem. */
export function KnownErrorsPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState("");
  const list = useKnownErrors(q.trim());
  return (
    <Stack gap="md">
      <PageHeading>{t("problems.knownErrorsTitle")}</PageHeading>
      <TextInput
        aria-label={t("problems.ke.search")}
        placeholder={t("problems.ke.search")}
        leftSection={<IconSearch size={14} aria-hidden />}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        maw={400}
      />
      {list.isPending && <Loader aria-label={t("app.loading")} />}
      {list.isError && <Alert color="red">{errorText(list.error, t)}</Alert>}
      {list.data?.length === 0 && <Text c="dimmed">{t("problems.ke.empty")}</Text>}
      {list.data?.map((k) => (
        <Card key={k.id} withBorder radius="md" p="md" component="article">
          <Stack gap={4}>
            <Group gap="xs">
              <Text ff="monospace" fw={600}>
                {k.number}
              </Text>
              <Text fw={600}>{k.title}</Text>
            </Group>
            {k.symptoms && (
              <Text size="sm" c="dimmed" style={{ whiteSpace: "pre-wrap" }}>
                {k.symptoms}
              </Text>
            )}
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              <Text span fw={600}>
                {t("problems.field.workaround")}:
              </Text>{" "}
              {k.workaround}
            </Text>
            {k.problem && (
              <Text size="sm">
                {t("problems.ke.problem")}:{" "}
                <AnchorLink to="/problems/$problemId" params={{ problemId: k.problem.number }} ff="monospace">
                  {k.problem.number}
                </AnchorLink>{" "}
                {k.problem.title}
              </Text>
            )}
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}
