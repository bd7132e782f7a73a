CREATE TABLE `content_runs` (
	`post_id` text NOT NULL,
	`slot` integer NOT NULL,
	`chat_key` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`body` text NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	PRIMARY KEY(`post_id`, `slot`, `chat_key`)
);
--> statement-breakpoint
CREATE INDEX `content_runs_status` ON `content_runs` (`status`);--> statement-breakpoint
CREATE TABLE `content_state` (
	`post_id` text PRIMARY KEY NOT NULL,
	`paused` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
--> statement-breakpoint
CREATE TABLE `quiet_flags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`flagged_at` integer NOT NULL,
	`quiet_since` integer NOT NULL,
	`tier` text NOT NULL,
	`days_quiet` integer NOT NULL,
	`usual_gap_days` real,
	`active_days` integer DEFAULT 0 NOT NULL,
	`baseline_days` real NOT NULL,
	`streak_lost` integer DEFAULT 0 NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL,
	`lifetime` integer DEFAULT 0 NOT NULL,
	`stage` text NOT NULL,
	`high_value` integer DEFAULT false NOT NULL,
	`risk` real NOT NULL,
	`snoozed_until` integer,
	`reviewed_by` integer,
	`reviewed_at` integer,
	`note` text,
	`recall_template` text,
	`recalled_at` integer,
	`recalled_by` integer,
	`recall_via` text,
	`recall_chat` text,
	`bonus` integer DEFAULT 0 NOT NULL,
	`bonus_paid_at` integer,
	`returned_at` integer,
	`returned_via` text,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `quiet_flags_active_member` ON `quiet_flags` (`member_id`) WHERE status IN ('open', 'snoozed', 'recalled');--> statement-breakpoint
CREATE UNIQUE INDEX `quiet_flags_member_spell` ON `quiet_flags` (`member_id`,`quiet_since`);--> statement-breakpoint
CREATE INDEX `quiet_flags_status_risk` ON `quiet_flags` (`status`,`risk`);--> statement-breakpoint
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
