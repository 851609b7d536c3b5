import { Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../app/links";
import { useDeflectionReport } from "./knowledge.api";

/** The deflection report at a glance: visits with suggestions, answers found, and the articles that gave them. */
export function DeflectionSummary() {
  const { t, i18n } = useTranslation();
  const r = useDeflectionReport();
  if (!r.data) return null;
  const pct = new Intl.NumberFormat(i18n.language, { style: "percent", maximumFractionDigits: 0 });
  const figures: Array<[string, string]> = [
    [t("knowledge.deflection.journeys"), String(r.data.journeys)],
    [t("knowledge.deflection.viewed"), String(r.data.viewed)],
    [t("knowledge.deflection.solvedCount"), String(r.data.solved)],
    [t("knowledge.deflection.deflected"), String(r.data.deflected)],
    [t("knowledge.deflection.rate"), pct.format(r.data.deflectionRate)],
  ];
  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="kb-deflection">
      <Title order={2} fz="md" id="kb-deflection" mb="xs">
        {t("knowledge.deflection.reportTitle")}
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="xs">
        {figures.map(([label, value]) => (
          <Stack key={label} gap={0}>
            <Text fz="xl" fw={700}>
              {value}
            </Text>
            <Text size="xs" c="dimmed">
              {label}
            </Text>
          </Stack>
        ))}
      </SimpleGrid>
      {r.data.topArticles.length > 0 && (
        <Group gap="xs" mt="xs" wrap="wrap">
          <Text size="xs" c="dimmed">
            {t("knowledge.deflection.topArticles")}:
          </Text>
          {r.data.topArticles.slice(0, 5).map((a) => (
            <AnchorLink key={a.id} to="/knowledge/$articleId" params={{ articleId: a.number }} size="xs">
              {a.number} {a.title} ({a.deflected})
            </AnchorLink>
          ))}
        </Group>
      )}
    </Paper>
  );
}
