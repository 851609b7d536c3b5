import { sql } from "kysely";
import pg from "pg";
import type { DbOrTx } from "../db/db";
import type { Logger } from "../logger";
import type { TLiveEvent } from "../../../contracts/live";

const CHANNEL = "portico_live";

/** A change that browsers should hear about; small, so it fits in a NOTIFY payload. */
export interface LiveEvent extends TLiveEvent {
  /** Non-staff people allowed to hear it (e.g. the requester); staff of the organization always are. */
  audience?: string[];
}

/** Queues a live event inside the caller's transaction; PostgreSQL delivers it on commit, to every instance. */
export async function publishLive(db: DbOrTx, event: LiveEvent): Promise<void> {
  await sql`select pg_notify(${CHANNEL}, ${JSON.stringify(event)})`.execute(db);
}

export type LiveListener = (event: LiveEvent) => void;

/** One LISTEN connection per process, fanned out to local subscribers; reconnects when dropped. */
export class LiveHub {
  private client: pg.Client | null = null;
  private readonly listeners = new Set<LiveListener>();
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: "portico-live" });
    client.on("notification", (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      let event: LiveEvent;
      try {
        event = JSON.parse(msg.payload) as LiveEvent;
      } catch {
        return;
      }
      for (const l of this.listeners) l(event);
    });
    client.on("error", (err) => {
      this.log.warn({ err }, "live listener connection lost");
      this.scheduleReconnect();
    });
    client.on("end", () => this.scheduleReconnect());
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      this.client = client;
    } catch (err) {
      this.log.warn({ err }, "live listener could not connect; retrying");
      client.end().catch(() => {});
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retry) return;
    this.client = null;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, 1000);
  }

  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => {});
  }
}
