CREATE TABLE `campaign_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` text NOT NULL,
	`member_id` integer NOT NULL,
	`chat_key` text NOT NULL,
	`message_id` text NOT NULL,
	`event_key` text NOT NULL,
	`text` text NOT NULL,
	`fingerprint` text NOT NULL,
	`status` text NOT NULL,
	`points` integer NOT NULL,
	`at` integer NOT NULL,
	`featured_at` integer,
	`picked_by` integer,
	`reviewed_by` integer,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaign_entries_event` ON `campaign_entries` (`campaign_id`,`event_key`);--> statement-breakpoint
CREATE INDEX `campaign_entries_member` ON `campaign_entries` (`campaign_id`,`member_id`);--> statement-breakpoint
CREATE INDEX `campaign_entries_message` ON `campaign_entries` (`chat_key`,`message_id`);--> statement-breakpoint
CREATE TABLE `campaign_reactions` (
	`entry_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`entry_id`, `member_id`),
	FOREIGN KEY (`entry_id`) REFERENCES `campaign_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `campaign_winners` (
	`campaign_id` text NOT NULL,
	`place` integer NOT NULL,
	`entry_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`score` integer,
	PRIMARY KEY(`campaign_id`, `place`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`entry_id`) REFERENCES `campaign_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`definition` text NOT NULL,
	`status` text NOT NULL,
	`announced_at` integer,
	`reminded_until` integer,
	`ended_at` integer,
	`closed_at` integer,
	`closed_by` integer,
	`seed` text,
	`created_at` integer NOT NULL,
	`created_by` integer
);
--> statement-breakpoint
CREATE TABLE `showcase_consent` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`consent` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
