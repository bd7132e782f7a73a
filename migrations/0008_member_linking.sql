CREATE TABLE `link_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`at` integer NOT NULL,
	`ok` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `link_attempts_member` ON `link_attempts` (`member_id`,`at`);--> statement-breakpoint
CREATE TABLE `link_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`lookup` text NOT NULL,
	`secret_hash` text NOT NULL,
	`status` text NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`claimed_by` integer,
	`claimed_at` integer,
	`used_at` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `link_codes_lookup` ON `link_codes` (`lookup`,`status`);--> statement-breakpoint
CREATE INDEX `link_codes_member` ON `link_codes` (`member_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `members` ADD `erased_at` integer;