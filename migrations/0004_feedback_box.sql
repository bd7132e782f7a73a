CREATE TABLE `feedback_digests` (
	`week` text NOT NULL,
	`chat_key` text NOT NULL,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`body` text NOT NULL,
	PRIMARY KEY(`week`, `chat_key`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `feedback_drafts` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`text` text NOT NULL,
	`chat_key` text NOT NULL,
	`message_id` text,
	`source_key` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `feedback_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor_id` integer,
	`kind` text NOT NULL,
	`text` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `feedback_tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `feedback_events_ticket` ON `feedback_events` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `feedback_reminders` (
	`subject` text NOT NULL,
	`subject_id` integer NOT NULL,
	`stage` text NOT NULL,
	`at` integer NOT NULL,
	`status` text NOT NULL,
	PRIMARY KEY(`subject`, `subject_id`, `stage`)
);
--> statement-breakpoint
CREATE TABLE `feedback_tags` (
	`ticket_id` integer NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`ticket_id`, `tag`),
	FOREIGN KEY (`ticket_id`) REFERENCES `feedback_tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `feedback_tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`text` text NOT NULL,
	`chat_key` text NOT NULL,
	`message_id` text,
	`source_key` text NOT NULL,
	`tier` text NOT NULL,
	`high_value` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`clock_starts_at` integer NOT NULL,
	`remind_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`target_minutes` integer NOT NULL,
	`first_response_at` integer,
	`first_response_by` integer,
	`response_minutes` integer,
	`assignee_id` integer,
	`decision` text,
	`decision_note` text,
	`decided_at` integer,
	`credit_name` integer DEFAULT false NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_tickets_source` ON `feedback_tickets` (`source_key`);--> statement-breakpoint
CREATE INDEX `feedback_tickets_member` ON `feedback_tickets` (`member_id`);--> statement-breakpoint
CREATE INDEX `feedback_tickets_due` ON `feedback_tickets` (`status`,`remind_at`);--> statement-breakpoint
CREATE INDEX `feedback_tickets_decided` ON `feedback_tickets` (`decided_at`);--> statement-breakpoint
CREATE TABLE `staff_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`member_id` integer NOT NULL,
	`flag_id` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`assignee_id` integer,
	`created_at` integer NOT NULL,
	`remind_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`outcome` text,
	`reason` text,
	`note` text,
	`done_at` integer,
	`done_by` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_tasks_flag` ON `staff_tasks` (`kind`,`flag_id`);--> statement-breakpoint
CREATE INDEX `staff_tasks_due` ON `staff_tasks` (`status`,`remind_at`);