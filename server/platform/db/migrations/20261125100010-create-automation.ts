import { type Kysely, sql } from "kysely";

/**
 * Automation: domain events captured from the timeline, rules, assignment strategies, agent
 * availability and skills, recurring tickets.
 *
 * Event capture: every change to a work item already appends a `timeline_events` row in the writing
 * transaction, so an AFTER INSERT trigger there is the one event source no code path can miss. It queues
 * one graphile-worker job `events.deliver` per consumer listed in `event_consumers` for the organization
 * (rules, webhooks…) — and nothing at all when the organization has no consumer, so writes do not get
 * slower while nobody listens. Jobs of one work item share a queue, so they run in order.
 *
 * Rule context: a rule's transaction sets `portico.automation` (set_config, transaction-local); a BEFORE
 * INSERT trigger then writes its timeline rows (and comments) with no human actor and `data.rule` /
 * `data.causation`, whatever service wrote them, and the events they raise carry the rule chain.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table event_consumers (
      organization_id uuid not null references organizations(id) on delete cascade,
      consumer text not null check (consumer ~ '^[a-z][a-z0-9_.-]{0,40}$'),
      created_at timestamptz not null default now(),
      primary key (organization_id, consumer)
    );

    create function portico_automation_stamp() returns trigger language plpgsql as $$
    declare ctx text := current_setting('portico.automation', true);
    begin
      if ctx is null or ctx = '' then return new; end if;
      if tg_table_name = 'comments' then
        new.author_id := null;
      else
        new.actor_id := null;
        new.data := coalesce(new.data, '{}'::jsonb) || jsonb_build_object('rule', (ctx::jsonb)->'rule', 'causation', (ctx::jsonb)->'causation');
      end if;
      return new;
    end $$;
    create trigger timeline_events_automation_stamp before insert on timeline_events
      for each row execute function portico_automation_stamp();
    create trigger comments_automation_stamp before insert on comments
      for each row execute function portico_automation_stamp();

    create function portico_publish_event() returns trigger language plpgsql as $$
    declare c text;
    begin
      -- Records of automation itself are not events (no rule reacts to "a rule ran").
      if new.kind in ('rule_applied', 'automation_loop_stopped', 'automation_error') then return null; end if;
      for c in select consumer from event_consumers where organization_id = new.organization_id loop
        perform graphile_worker.add_job('events.deliver', json_build_object('eventId', new.id, 'consumer', c),
          queue_name => 'wi:' || new.work_item_id::text, max_attempts => 8);
      end loop;
      return null;
    end $$;
    create trigger timeline_events_publish after insert on timeline_events
      for each row execute function portico_publish_event();

    create table automation_rules (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      position integer not null,
      name text not null check (length(name) between 1 and 120),
      description text not null default '',
      active boolean not null default true,
      item_type text not null,
      trigger text not null,
      cron text,
      timezone text not null default 'UTC',
      conditions jsonb,
      actions jsonb not null,
      stop_processing boolean not null default false,
      react_to_rules boolean not null default false,
      next_run_at timestamptz,
      version integer not null default 1,
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((trigger = 'schedule') = (cron is not null))
    );
    create unique index automation_rules_org_name_key on automation_rules (organization_id, lower(name));
    create index automation_rules_org_pos_idx on automation_rules (organization_id, position);
    create index automation_rules_due_idx on automation_rules (next_run_at) where active and trigger = 'schedule';

    create table automation_rule_runs (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations(id),
      rule_id uuid references automation_rules(id) on delete set null,
      rule_name text not null,
      run_key text not null,
      work_item_id uuid references work_items(id) on delete set null,
      outcome text not null check (outcome in ('applied', 'error', 'loop_stopped')),
      message text,
      created_at timestamptz not null default now()
    );
    create unique index automation_rule_runs_key on automation_rule_runs (rule_id, run_key);
    create index automation_rule_runs_org_idx on automation_rule_runs (organization_id, id desc);

    create table automation_revisions (
      organization_id uuid primary key references organizations(id) on delete cascade,
      revision bigint not null default 1
    );

    create table group_assignment (
      group_id uuid primary key references groups(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      strategy text not null check (strategy in ('none', 'round_robin', 'least_loaded', 'skills')),
      calendar_id uuid references sla_calendars(id) on delete set null,
      last_assigned_user_id uuid references users(id) on delete set null,
      last_assigned_at timestamptz,
      updated_at timestamptz not null default now()
    );

    create table agent_availability (
      user_id uuid primary key references users(id) on delete cascade,
      organization_id uuid not null references organizations(id),
      away boolean not null default false,
      away_until timestamptz,
      calendar_id uuid references sla_calendars(id) on delete set null,
      skills text[] not null default '{}',
      updated_at timestamptz not null default now()
    );

    create table recurring_schedules (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id),
      name text not null check (length(name) between 1 and 120),
      active boolean not null default true,
      cron text,
      rrule text,
      timezone text not null default 'UTC',
      template jsonb not null,
      next_run_at timestamptz,
      created_by_id uuid references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((cron is null) <> (rrule is null))
    );
    create unique index recurring_schedules_org_name_key on recurring_schedules (organization_id, lower(name));
    create index recurring_schedules_due_idx on recurring_schedules (next_run_at) where active;

    -- One row per occurrence: the primary key makes creation exactly-once across worker processes.
    create table recurring_occurrences (
      schedule_id uuid not null references recurring_schedules(id) on delete cascade,
      occurrence_at timestamptz not null,
      organization_id uuid not null references organizations(id),
      work_item_id uuid references work_items(id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (schedule_id, occurrence_at)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table recurring_occurrences, recurring_schedules, agent_availability, group_assignment, automation_revisions,
      automation_rule_runs, automation_rules, event_consumers;
    drop trigger timeline_events_publish on timeline_events;
    drop trigger timeline_events_automation_stamp on timeline_events;
    drop trigger comments_automation_stamp on comments;
    drop function portico_publish_event(), portico_automation_stamp();
  `.execute(db);
}
