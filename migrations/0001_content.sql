CREATE TABLE `content_runs` (
	`post_id` text NOT NULL,
	`slot` integer NOT NULL,
	`chat_key` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`body` text NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	PRIMARY KEY(`post_id`, `slot`, `chat_key`)
);
--> statement-breakpoint
CREATE INDEX `content_runs_status` ON `content_runs` (`status`);--> statement-breakpoint
CREATE TABLE `content_state` (
	`post_id` text PRIMARY KEY NOT NULL,
	`paused` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer
);
