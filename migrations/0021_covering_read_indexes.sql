DROP INDEX `activity_days_day`;--> statement-breakpoint
CREATE INDEX `activity_days_day` ON `activity_days` (`day`,`chat_key`,`member_id`);--> statement-breakpoint
DROP INDEX `analytics_members_join_day`;--> statement-breakpoint
CREATE INDEX `analytics_members_join_day` ON `analytics_members` (`join_day`,`windows`,`chat_key`,`platform`,`source`);