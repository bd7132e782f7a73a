DROP INDEX `outbox_pending`;--> statement-breakpoint
DROP INDEX `outbox_sent`;--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`lane`,`id`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_sent` ON `outbox` (`platform`,`sent_at`) WHERE sent_at IS NOT NULL;