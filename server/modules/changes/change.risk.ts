import { RISK_QUESTIONS, type RiskLevel, type RiskQuestion, type TRiskAnswers } from "../../../contracts/changes";

export interface RiskFactor {
  factor: string;
  points: number;
  detail: string;
}

/** How similar past changes went: closed changes on the same template or services in the last year. */
export interface ChangeHistory {
  total: number;
  failed: number;
}

/**
 * The risk of a change: the questionnaire's score, plus the track record of similar changes (a poor
 * success rate adds points, a long clean one takes one off), plus the blast radius (how many services,
 * or later configuration items, it touches). Pure.
 */
export function assessRisk(answers: TRiskAnswers, history: ChangeHistory, blastRadius: number): { score: number; level: RiskLevel; factors: RiskFactor[] } {
  const factors: RiskFactor[] = [];
  for (const q of Object.keys(RISK_QUESTIONS) as RiskQuestion[]) {
    const table = RISK_QUESTIONS[q] as Record<string, number>;
    const points = table[answers[q]] ?? 0;
    if (points) factors.push({ factor: `questionnaire.${q}`, points, detail: answers[q] });
  }
  if (history.total >= 3) {
    const rate = (history.total - history.failed) / history.total;
    const pct = `${Math.round(rate * 100)}% of ${history.total} similar changes succeeded`;
    if (rate < 0.6) factors.push({ factor: "history", points: 3, detail: pct });
    else if (rate < 0.8) factors.push({ factor: "history", points: 2, detail: pct });
    else if (rate >= 0.95 && history.total >= 5) factors.push({ factor: "history", points: -1, detail: pct });
  }
  if (blastRadius >= 5) factors.push({ factor: "blastRadius", points: 2, detail: `${blastRadius} affected services or CIs` });
  else if (blastRadius >= 3) factors.push({ factor: "blastRadius", points: 1, detail: `${blastRadius} affected services or CIs` });
  const score = Math.max(
    0,
    factors.reduce((s, f) => s + f.points, 0),
  );
  return { score, level: riskLevel(score), factors };
}

/** Score bands: 0–3 low, 4–7 moderate, 8–11 high, 12+ very high. */
export function riskLevel(score: number): RiskLevel {
  return score >= 12 ? "very_high" : score >= 8 ? "high" : score >= 4 ? "moderate" : "low";
}
