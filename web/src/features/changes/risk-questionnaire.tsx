import { Select, SimpleGrid } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { RISK_QUESTIONS, type RiskQuestion, type TRiskAnswers } from "../../../../contracts/changes";

export const DEFAULT_ANSWERS: TRiskAnswers = {
  userImpact: "few",
  downtime: "none",
  tested: "yes",
  backout: "tested",
  experience: "routine",
  complexity: "simple",
};

/** The risk questionnaire as labelled selects (one per question). */
export function RiskQuestionnaire({ value, onChange }: { value: TRiskAnswers; onChange(v: TRiskAnswers): void }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      {(Object.keys(RISK_QUESTIONS) as RiskQuestion[]).map((q) => (
        <Select
          key={q}
          label={t(`changes.questions.${q}`)}
          data={Object.keys(RISK_QUESTIONS[q]).map((a) => ({ value: a, label: t(`changes.answers.${a}` as never) }))}
          value={value[q]}
          onChange={(v) => v && onChange({ ...value, [q]: v } as TRiskAnswers)}
          allowDeselect={false}
        />
      ))}
    </SimpleGrid>
  );
}
