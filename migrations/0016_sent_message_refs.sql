ALTER TABLE `outbox` ADD `ref_feature` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `ref` text;--> statement-breakpoint
CREATE INDEX `outbox_platform_message` ON `outbox` (`lane`,`platform_message_id`);