CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_key` text NOT NULL,
	`seq` integer NOT NULL,
	`platform` text NOT NULL,
	`lane` text NOT NULL,
	`cls` text NOT NULL,
	`priority` integer NOT NULL,
	`origin` text,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`not_before` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer,
	`platform_message_id` text,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_source` ON `outbox` (`source_key`,`seq`);--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`status`,`lane`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_sent` ON `outbox` (`platform`,`sent_at`);