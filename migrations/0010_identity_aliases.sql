CREATE TABLE `identity_aliases` (
	`platform` text NOT NULL,
	`user_id` text NOT NULL,
	`alias` text NOT NULL,
	PRIMARY KEY(`platform`, `user_id`, `alias`)
);
--> statement-breakpoint
CREATE INDEX `identity_aliases_alias` ON `identity_aliases` (`platform`,`alias`);