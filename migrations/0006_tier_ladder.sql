CREATE TABLE `member_tiers` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`tier` text NOT NULL,
	`since` integer NOT NULL,
	`reason` text NOT NULL,
	`note` text,
	`decided_by` integer,
	`manual_until` integer,
	`warned_at` integer,
	`grace_until` integer,
	`keep_ok_until` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `tier_invites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`tier` text NOT NULL,
	`chat_key` text,
	`via` text NOT NULL,
	`status` text NOT NULL,
	`sent_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`resends` integer DEFAULT 0 NOT NULL,
	`joined_at` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tier_invites_member` ON `tier_invites` (`member_id`,`status`);--> statement-breakpoint
CREATE INDEX `tier_invites_open` ON `tier_invites` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `purchases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`orders` integer NOT NULL,
	`amount` real NOT NULL,
	`at` integer NOT NULL,
	`note` text,
	`source` text NOT NULL,
	`source_key` text NOT NULL,
	`actor_member_id` integer,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `purchases_source` ON `purchases` (`source_key`);--> statement-breakpoint
CREATE INDEX `purchases_member` ON `purchases` (`member_id`);--> statement-breakpoint
CREATE INDEX `members_tier` ON `members` (`tier`);