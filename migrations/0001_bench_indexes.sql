DROP INDEX `checkins_chat_day`;--> statement-breakpoint
CREATE INDEX `checkins_chat_day_position` ON `checkins` (`chat_key`,`day`,`position`);--> statement-breakpoint
CREATE INDEX `balances_lifetime` ON `balances` ("lifetime" desc,`member_id`);