DROP INDEX `quiet_flags_status_risk`;--> statement-breakpoint
CREATE INDEX `quiet_flags_status` ON `quiet_flags` (`status`);