import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;

export interface NotificationRulesTable {
  organization_id: string;
  event: string;
  audience: string;
  enabled: boolean;
  updated_at: Timestamp;
}

export interface NotificationTemplatesTable {
  id: Generated<string>;
  organization_id: string;
  /** Seam for desks: null is the organization's default template. */
  desk_id: string | null;
  event: string;
  language: string;
  subject: string;
  body: string;
  updated_by_id: string | null;
  updated_at: Timestamp;
}

export interface NotificationPreferencesTable {
  user_id: string;
  organization_id: string;
  event: string;
  email: boolean;
  updated_at: Timestamp;
}

export interface MailSettingsTable {
  organization_id: string;
  from_name: string | null;
  from_address: string | null;
  reply_to_address: string | null;
  enabled: Generated<boolean>;
  updated_at: Timestamp;
}

export type DeliveryStatus = "queued" | "sending" | "sent" | "failed" | "skipped";

export interface MailDeliveriesTable {
  id: Generated<string>;
  organization_id: string;
  event_id: string;
  event: string;
  work_item_id: string | null;
  recipient_id: string | null;
  to_address: string;
  message_id: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: Json<Record<string, string>>;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
}

declare module "../../platform/db/schema" {
  interface Database {
    notification_rules: NotificationRulesTable;
    notification_templates: NotificationTemplatesTable;
    notification_preferences: NotificationPreferencesTable;
    mail_settings: MailSettingsTable;
    mail_deliveries: MailDeliveriesTable;
  }
}
