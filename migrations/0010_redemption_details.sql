ALTER TABLE `redemptions` ADD `details` text;--> statement-breakpoint
ALTER TABLE `redemptions` ADD `details_at` integer;