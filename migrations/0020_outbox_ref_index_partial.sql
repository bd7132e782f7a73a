DROP INDEX `outbox_platform_message`;--> statement-breakpoint
CREATE INDEX `outbox_platform_message` ON `outbox` (`lane`,`platform_message_id`) WHERE ref_feature IS NOT NULL;