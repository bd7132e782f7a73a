CREATE TABLE `processed_events` (
	`key` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `activity_days` (
	`member_id` integer NOT NULL,
	`chat_key` text NOT NULL,
	`day` text NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`checkins` integer DEFAULT 0 NOT NULL,
	`shares` integer DEFAULT 0 NOT NULL,
	`reactions` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`member_id`, `chat_key`, `day`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `activity_days_day` ON `activity_days` (`day`);--> statement-breakpoint
CREATE TABLE `identities` (
	`platform` text NOT NULL,
	`user_id` text NOT NULL,
	`member_id` integer NOT NULL,
	`handle` text,
	`name` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `user_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `identities_member` ON `identities` (`member_id`);--> statement-breakpoint
CREATE INDEX `identities_handle` ON `identities` (`platform`,`handle`);--> statement-breakpoint
CREATE TABLE `member_roles` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`granted_by` integer,
	`granted_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`locale` text,
	`tier` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_active_at` integer,
	`merged_into` integer
);
--> statement-breakpoint
CREATE TABLE `memberships` (
	`member_id` integer NOT NULL,
	`chat_key` text NOT NULL,
	`joined_at` integer,
	`first_seen_at` integer NOT NULL,
	`last_active_at` integer,
	`left_at` integer,
	PRIMARY KEY(`member_id`, `chat_key`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `memberships_chat` ON `memberships` (`chat_key`);--> statement-breakpoint
CREATE TABLE `groups` (
	`chat_key` text PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`title` text,
	`tier` text NOT NULL,
	`timezone` text,
	`tracking_started_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_member_id` integer,
	`action` text NOT NULL,
	`target_member_id` integer,
	`detail` text DEFAULT '{}' NOT NULL,
	`reason` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `balances` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL,
	`lifetime` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`delta` integer NOT NULL,
	`reason` text NOT NULL,
	`source_key` text NOT NULL,
	`actor_member_id` integer,
	`note` text,
	`earned` integer DEFAULT 0 NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_reason_source` ON `ledger` (`reason`,`source_key`);--> statement-breakpoint
CREATE INDEX `ledger_member_at` ON `ledger` (`member_id`,`at`);--> statement-breakpoint
CREATE INDEX `ledger_at` ON `ledger` (`at`);--> statement-breakpoint
CREATE TABLE `checkins` (
	`member_id` integer NOT NULL,
	`day` text NOT NULL,
	`chat_key` text NOT NULL,
	`at` integer NOT NULL,
	`streak` integer NOT NULL,
	`points` integer NOT NULL,
	`position` integer NOT NULL,
	`event_key` text NOT NULL,
	PRIMARY KEY(`member_id`, `day`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `checkins_chat_day` ON `checkins` (`chat_key`,`day`);