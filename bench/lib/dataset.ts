import type pg from "pg";
import { API_TOKEN_PREFIX, hashSecret, newSecret } from "../../server/modules/identity/tokens";

/** Words the titles and descriptions are built from, so full-text search has something to match. */
export const THINGS = [
  "Outlook",
  "VPN",
  "printer",
  "laptop",
  "Wi-Fi",
  "ERP",
  "SAP",
  "Teams",
  "Zoom",
  "monitor",
  "keyboard",
  "password",
  "account",
  "badge",
  "phone",
  "SharePoint",
  "OneDrive",
  "Excel",
  "payroll",
  "CRM",
  "Jira",
  "Confluence",
  "mailbox",
  "network",
  "docking station",
  "headset",
  "browser",
  "database",
  "server",
  "backup",
];
const PROBLEMS = [
  "not working",
  "is slow",
  "keeps crashing",
  "cannot connect",
  "login fails",
  "shows an error message",
  "freezes on startup",
  "no access",
  "out of toner",
  "blue screen",
  "sync fails",
  "license expired",
  "update failed",
  "disconnects randomly",
  "cannot print",
  "locked out",
  "shows wrong data",
  "times out",
  "permission denied",
  "not responding",
];
const PLACES = [
  "in the Berlin office",
  "for the finance team",
  "after the weekend update",
  "since this morning",
  "for remote staff",
  "on the 3rd floor",
  "for new hires",
  "during month-end close",
];
const DETAILS = [
  "Restarting did not help.",
  "Several colleagues report the same.",
  "It worked yesterday.",
  "The error appears every few minutes.",
  "Urgent: a customer demo is planned today.",
  "Screenshots are attached.",
  "Happens on both wired and wireless connections.",
  "Cleared the cache already.",
];

export interface Cast {
  orgId: string;
  groupIds: string[];
  /** agentIds[g * perGroup + k] is member k of group g. */
  agentIds: string[];
  agentsPerGroup: number;
  requesterIds: string[];
  serviceIds: string[];
}

export interface BenchOrgs {
  main: Cast;
  others: Cast[];
  /** An agent of the main organization (member of group 0) and their API token: the queue reader. */
  queueAgent: { id: string; groupId: string; token: string };
  /** A separate organization where the create benchmark writes, so the queue data stays as loaded. */
  creator: { orgId: string; userId: string; token: string };
}

async function insertCast(c: pg.Client, slug: string, groups: number, agentsPerGroup: number, requesters: number): Promise<Cast> {
  const org = await c.query<{ id: string }>("insert into organizations (name, slug) values ($1, $2) returning id", [`Bench ${slug}`, slug]);
  const orgId = org.rows[0].id;
  const g = await c.query<{ id: string }>(
    `insert into groups (organization_id, name) select $1, 'Group ' || lpad(n::text, 2, '0') from generate_series(1, $2) n order by n returning id`,
    [orgId, groups],
  );
  const groupIds = g.rows.map((r) => r.id);
  const a = await c.query<{ id: string }>(
    `insert into users (organization_id, email, name, role)
     select $1, 'agent' || n || '@' || $2 || '.test', 'Agent ' || n, 'agent' from generate_series(1, $3) n order by n returning id`,
    [orgId, slug, groups * agentsPerGroup],
  );
  const agentIds = a.rows.map((r) => r.id);
  await c.query(
    `insert into group_members (group_id, user_id, organization_id)
     select ($1::uuid[])[(i - 1) / $3 + 1], ($2::uuid[])[i], $4 from generate_series(1, cardinality($2::uuid[])) i`,
    [groupIds, agentIds, agentsPerGroup, orgId],
  );
  const r = await c.query<{ id: string }>(
    `insert into users (organization_id, email, name, role)
     select $1, 'person' || n || '@' || $2 || '.test', 'Person ' || n, 'requester' from generate_series(1, $3) n returning id`,
    [orgId, slug, requesters],
  );
  const s = await c.query<{ id: string }>(
    `insert into services (organization_id, name, support_group_id)
     select $1, 'Service ' || n, ($2::uuid[])[(n - 1) % cardinality($2::uuid[]) + 1] from generate_series(1, 12) n returning id`,
    [orgId, groupIds],
  );
  return { orgId, groupIds, agentIds, agentsPerGroup, requesterIds: r.rows.map((x) => x.id), serviceIds: s.rows.map((x) => x.id) };
}

async function insertToken(c: pg.Client, orgId: string, userId: string): Promise<string> {
  const token = newSecret(API_TOKEN_PREFIX);
  await c.query("insert into api_tokens (user_id, organization_id, name, token_hash, prefix) values ($1, $2, 'bench', $3, $4)", [
    userId,
    orgId,
    hashSecret(token),
    token.slice(0, API_TOKEN_PREFIX.length + 6),
  ]);
  return token;
}

/** Organizations, people, groups, services and tokens (the same rows server/test/factories.ts makes). */
export async function createOrgs(c: pg.Client, otherOrgs: number): Promise<BenchOrgs> {
  const main = await insertCast(c, "main", 8, 5, 2000);
  const others: Cast[] = [];
  for (let i = 1; i <= otherOrgs; i++) others.push(await insertCast(c, `other${i}`, 3, 4, 300));
  const queueAgentId = main.agentIds[0];
  const queueToken = await insertToken(c, main.orgId, queueAgentId);
  const creatorOrg = await insertCast(c, "creates", 1, 1, 1);
  const creatorToken = await insertToken(c, creatorOrg.orgId, creatorOrg.agentIds[0]);
  return {
    main,
    others,
    queueAgent: { id: queueAgentId, groupId: main.groupIds[0], token: queueToken },
    creator: { orgId: creatorOrg.orgId, userId: creatorOrg.agentIds[0], token: creatorToken },
  };
}

/**
 * Inserts incidents numbered [from, to] for one organization in one INSERT … SELECT generate_series:
 * ~70% closed/resolved, the rest new/in progress/on hold; priorities skewed to P3–P4; groups skewed
 * to the first ones; an assignee (from the group) on everything past "new"; created_at over two years,
 * open items leaning recent; titles and descriptions from word lists.
 */
export async function insertIncidents(c: pg.Client, cast: Cast, from: number, to: number): Promise<void> {
  await c.query(
    `with src as (
       select n, random() as r_state, random() as r_prio, random() as r_iu, random() as r_group, random() as r_agent,
         random() as r_req, random() as r_age, random() as r_svc, random() as r_words, random() as r_words2, random() as r_dur,
         random() as r_place, random() as r_prob, random() as r_detail, random() as r_channel, random() as r_hold
       from generate_series($1::int, $2::int) n
     ),
     shaped as (
       select *,
         case when r_state < 0.58 then 'closed' when r_state < 0.70 then 'resolved' when r_state < 0.78 then 'new'
              when r_state < 0.94 then 'in_progress' else 'on_hold' end as state,
         case when r_prio < 0.03 then 1 when r_prio < 0.15 then 2 when r_prio < 0.55 then 3 when r_prio < 0.90 then 4 else 5 end as priority,
         least(floor(power(r_group, 1.4) * $5)::int, $5 - 1) as gi
       from src
     ),
     timed as (
       select *,
         now() - interval '730 days' * (case when state in ('closed') then r_age else power(r_age, 2) end) as created
       from shaped
     ),
     w as (
       insert into work_items (organization_id, type, number, title, description, state, impact, urgency, priority,
         requester_id, assignment_group_id, assignee_id, service_id, channel, created_by_id, created_at, updated_at, resolved_at, closed_at, version)
       select $3::uuid, 'incident', 'INC' || lpad(n::text, greatest(7, length(n::text)), '0'),
         t.thing || ' ' || t.problem || ' ' || ($8::text[])[1 + floor(r_place * cardinality($8::text[]))::int],
         'User reports that the ' || t.thing || ' ' || t.problem || '. ' || ($9::text[])[1 + floor(r_detail * cardinality($9::text[]))::int]
           || ' Also mentioned: ' || t.thing2 || '.',
         state, iu.impact, iu.urgency, priority,
         ($6::uuid[])[1 + floor(power(r_req, 1.5) * cardinality($6::uuid[]))::int],
         case when state = 'new' and r_agent < 0.3 then null else ($4::uuid[])[gi + 1] end,
         case when state = 'new' then null else ($7::uuid[])[gi * $11 + 1 + floor(r_agent * $11)::int] end,
         case when r_svc < 0.8 then ($12::uuid[])[1 + floor(r_svc / 0.8 * cardinality($12::uuid[]))::int] end,
         ($13::text[])[1 + floor(r_channel * 6)::int],
         ($7::uuid[])[1 + floor(r_agent * cardinality($7::uuid[]))::int],
         created,
         created + interval '1 hour' * (1 + r_dur * 200),
         case when state in ('resolved', 'closed') then created + interval '1 hour' * (1 + r_dur * 120) end,
         case when state = 'closed' then created + interval '1 hour' * (1 + r_dur * 120) + interval '7 days' end,
         case when state = 'new' then 1 else 2 + floor(r_dur * 4)::int end
       from timed
       cross join lateral (select
           ($10::text[])[1 + floor(r_words * cardinality($10::text[]))::int] as thing,
           ($10::text[])[1 + floor(r_words2 * cardinality($10::text[]))::int] as thing2,
           ($14::text[])[1 + floor(r_prob * cardinality($14::text[]))::int] as problem) t
       cross join lateral (select
           case priority when 1 then 'high' when 2 then (case when r_iu < 0.5 then 'high' else 'medium' end)
             when 3 then (case when r_iu < 0.34 then 'high' when r_iu < 0.67 then 'medium' else 'low' end)
             when 4 then (case when r_iu < 0.5 then 'medium' else 'low' end) else 'low' end as impact) i0
       cross join lateral (select i0.impact,
           case priority when 1 then 'high' when 2 then (case when i0.impact = 'high' then 'medium' else 'high' end)
             when 3 then (case i0.impact when 'high' then 'low' when 'medium' then 'medium' else 'high' end)
             when 4 then (case when i0.impact = 'medium' then 'low' else 'medium' end) else 'low' end as urgency) iu
       returning id, organization_id, state
     )
     insert into incidents (work_item_id, organization_id, hold_reason, resolution_code, resolution_notes)
     select id, organization_id,
       case when state = 'on_hold' then 'awaiting_caller' end,
       case when state in ('resolved', 'closed') then 'solved_permanently' end,
       case when state in ('resolved', 'closed') then 'Fixed.' end
     from w`,
    [
      from,
      to,
      cast.orgId,
      cast.groupIds,
      cast.groupIds.length,
      cast.requesterIds,
      cast.agentIds,
      PLACES,
      DETAILS,
      THINGS,
      cast.agentsPerGroup,
      cast.serviceIds,
      ["email", "portal", "phone", "agent", "api", "monitoring"],
      PROBLEMS,
    ],
  );
}

/**
 * Drops work_items' secondary indexes (not the primary key or unique constraints) and returns their
 * definitions, so a bulk load does not maintain them row by row; `recreateIndexes` puts them back.
 */
export async function dropSecondaryIndexes(c: pg.Client, tables: string[]): Promise<string[]> {
  const r = await c.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
     from pg_index i
     where i.indrelid = any($1::regclass[]) and not i.indisprimary
       and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`,
    [tables],
  );
  for (const ix of r.rows) await c.query(`drop index ${ix.name}`);
  return r.rows.map((x) => x.def);
}

export async function recreateIndexes(c: pg.Client, defs: string[]): Promise<void> {
  await c.query("set maintenance_work_mem = '1GB'");
  await c.query("set max_parallel_maintenance_workers = 2");
  for (const d of defs) await c.query(d);
}
