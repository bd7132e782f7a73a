ALTER TABLE `share_claims` ADD `kind` text DEFAULT 'link' NOT NULL;--> statement-breakpoint
ALTER TABLE `share_claims` ADD `excerpt` text;--> statement-breakpoint
ALTER TABLE `share_claims` ADD `reason` text;--> statement-breakpoint
-- Claims stored before shares had a kind: one without a link was a forward or a card.
UPDATE `share_claims` SET `kind` = 'forward' WHERE `url` IS NULL;
