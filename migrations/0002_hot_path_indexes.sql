CREATE TABLE `points_weekly` (
	`week` text NOT NULL,
	`member_id` integer NOT NULL,
	`points` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`week`, `member_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `points_weekly_board` ON `points_weekly` (`week`,"points" desc,`member_id`);--> statement-breakpoint
DROP INDEX `checkins_chat_day`;--> statement-breakpoint
CREATE INDEX `checkins_chat_day_position` ON `checkins` (`chat_key`,`day`,`position`);--> statement-breakpoint
CREATE INDEX `balances_lifetime` ON `balances` ("lifetime" desc,`member_id`);