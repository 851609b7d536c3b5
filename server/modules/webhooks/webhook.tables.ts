import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type JsonValue = ColumnType<unknown, string, string>;

export interface WebhookSubscriptionsTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  url: string;
  events: string[];
  /** Empty: every work item type. */
  work_item_types: Generated<string[]>;
  description: Generated<string>;
  /** Sealed (platform/secrets). */
  secret: string;
  /** First characters of the plain secret, to tell secrets apart. */
  secret_hint: string;
  active: Generated<boolean>;
  created_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookAllowedHostsTable {
  organization_id: string;
  host: string;
  note: Generated<string>;
  created_by_id: string | null;
  created_at: Timestamp;
}

export type DeliveryStatus = "pending" | "retrying" | "delivered" | "failed";

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  organization_id: string;
  subscription_id: string | null;
  rule_id: string | null;
  event: string;
  event_id: string;
  url: string;
  payload: JsonValue;
  /** Only for deliveries without a subscription (rule actions); subscriptions sign with their current secret. */
  signing_secret: string | null;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  next_attempt_at: NullableTimestamp;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  redelivery_of: string | null;
  created_at: Timestamp;
  delivered_at: NullableTimestamp;
}

export interface WebhookDeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  organization_id: string;
  url: string;
  started_at: Timestamp;
  duration_ms: number | null;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
}

declare module "../../platform/db/schema" {
  interface Database {
    webhook_subscriptions: WebhookSubscriptionsTable;
    webhook_allowed_hosts: WebhookAllowedHostsTable;
    webhook_deliveries: WebhookDeliveriesTable;
    webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  }
}
