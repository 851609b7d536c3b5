/** Picking an agent in a group, pure: round robin, least loaded, or best skills match (then least loaded). */

export type Strategy = "none" | "round_robin" | "least_loaded" | "skills";

export interface AgentState {
  id: string;
  name: string;
  /** Open items weighted by priority (P1 = 5 … P5 = 1). */
  load: number;
  openItems: number;
  skills: string[];
  /** Not away and within working hours now. */
  available: boolean;
}

/** The skills an item asks for: its category, service and the requester's language. */
export function requiredSkills(item: { categoryId: string | null; serviceId: string | null; language: string | null }): string[] {
  const out: string[] = [];
  if (item.categoryId) out.push(`category:${item.categoryId}`);
  if (item.serviceId) out.push(`service:${item.serviceId}`);
  if (item.language) out.push(`language:${item.language.split("-")[0].toLowerCase()}`);
  return out;
}

function leastLoaded(list: AgentState[]): AgentState {
  return [...list].sort((a, b) => a.load - b.load || a.openItems - b.openItems || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))[0];
}

/**
 * The agent to assign, or null when nobody is available. Agents are in a stable order (name, id); round
 * robin takes the next available one after the last picked.
 */
export function chooseAgent(agents: AgentState[], strategy: Strategy, lastAssignedId: string | null, skills: string[]): AgentState | null {
  const available = agents.filter((a) => a.available);
  if (!available.length || strategy === "none") return null;
  switch (strategy) {
    case "round_robin": {
      const lastIdx = lastAssignedId ? agents.findIndex((a) => a.id === lastAssignedId) : -1;
      for (let i = 1; i <= agents.length; i++) {
        const a = agents[(lastIdx + i + agents.length) % agents.length];
        if (a.available) return a;
      }
      return null;
    }
    case "least_loaded":
      return leastLoaded(available);
    case "skills": {
      const score = (a: AgentState) => {
        const have = new Set(a.skills.map((s) => s.toLowerCase()));
        return skills.filter((s) => have.has(s.toLowerCase())).length;
      };
      const best = Math.max(...available.map(score));
      return leastLoaded(available.filter((a) => score(a) === best));
    }
  }
}
