ALTER TABLE `identities` ADD `home_member_id` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `merged_at` integer;--> statement-breakpoint
ALTER TABLE `dashboard_links` ADD `purpose` text DEFAULT 'sign-in' NOT NULL;--> statement-breakpoint
UPDATE `identities` SET `home_member_id` = `member_id` WHERE `home_member_id` IS NULL;
