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
CREATE INDEX `quiet_flags_status_risk` ON `quiet_flags` (`status`,`risk`);