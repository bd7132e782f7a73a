CREATE TABLE `boosts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`factor` real NOT NULL,
	`chat_key` text,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`created_by` integer
);
--> statement-breakpoint
CREATE TABLE `earn_posts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`day` text NOT NULL,
	`at` integer NOT NULL,
	`fingerprint` text NOT NULL,
	`paid` integer DEFAULT 0 NOT NULL,
	`event_key` text NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `earn_posts_member_at` ON `earn_posts` (`member_id`,`at`);--> statement-breakpoint
CREATE UNIQUE INDEX `earn_posts_event` ON `earn_posts` (`event_key`);--> statement-breakpoint
CREATE TABLE `member_tasks` (
	`member_id` integer NOT NULL,
	`task` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`member_id`, `task`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `referrals` (
	`newcomer_id` integer PRIMARY KEY NOT NULL,
	`inviter_id` integer,
	`invite_code` text,
	`chat_key` text NOT NULL,
	`joined_at` integer NOT NULL,
	`status` text NOT NULL,
	`settled_at` integer,
	FOREIGN KEY (`newcomer_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`inviter_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `share_claims` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`chat_key` text NOT NULL,
	`day` text NOT NULL,
	`at` integer NOT NULL,
	`url` text,
	`status` text NOT NULL,
	`event_key` text NOT NULL,
	`reviewed_by` integer,
	`reviewed_at` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `share_claims_event` ON `share_claims` (`event_key`);--> statement-breakpoint
CREATE INDEX `share_claims_member_day` ON `share_claims` (`member_id`,`day`);--> statement-breakpoint
CREATE INDEX `share_claims_status` ON `share_claims` (`status`);--> statement-breakpoint
CREATE TABLE `redemptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`sku` text NOT NULL,
	`qty` integer NOT NULL,
	`cost` integer NOT NULL,
	`status` text NOT NULL,
	`code` text,
	`chat_key` text NOT NULL,
	`event_key` text NOT NULL,
	`at` integer NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	`reason` text,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `redemptions_event` ON `redemptions` (`event_key`);--> statement-breakpoint
CREATE INDEX `redemptions_member_sku` ON `redemptions` (`member_id`,`sku`,`at`);--> statement-breakpoint
CREATE INDEX `redemptions_status` ON `redemptions` (`status`);--> statement-breakpoint
CREATE TABLE `reward_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sku` text NOT NULL,
	`code` text NOT NULL,
	`redemption_id` integer,
	`imported_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reward_codes_sku_code` ON `reward_codes` (`sku`,`code`);--> statement-breakpoint
CREATE INDEX `reward_codes_free` ON `reward_codes` (`sku`,`redemption_id`);--> statement-breakpoint
CREATE TABLE `reward_stock` (
	`sku` text PRIMARY KEY NOT NULL,
	`stock` integer
);
