CREATE TABLE `stock_alerts` (
	`sku` text PRIMARY KEY NOT NULL,
	`level` text NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `share_claims` ADD `kind` text DEFAULT 'link' NOT NULL;--> statement-breakpoint
ALTER TABLE `share_claims` ADD `excerpt` text;--> statement-breakpoint
ALTER TABLE `share_claims` ADD `reason` text;--> statement-breakpoint
ALTER TABLE `redemptions` ADD `details` text;--> statement-breakpoint
ALTER TABLE `redemptions` ADD `details_at` integer;--> statement-breakpoint
-- Claims stored before shares had a kind: one without a link was a forward or a card.
UPDATE `share_claims` SET `kind` = 'forward' WHERE `url` IS NULL;
