CREATE TABLE `birthdays` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`month_day` text NOT NULL,
	`zone` text NOT NULL,
	`opted_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `birthdays_day` ON `birthdays` (`zone`,`month_day`);--> statement-breakpoint
CREATE TABLE `journey_members` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`chat_key` text NOT NULL,
	`joined_at` integer NOT NULL,
	`join_day` text NOT NULL,
	`zone` text NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `journey_members_day` ON `journey_members` (`zone`,`join_day`);--> statement-breakpoint
CREATE TABLE `journey_sent` (
	`member_id` integer NOT NULL,
	`moment` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`member_id`, `moment`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `recap_optins` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`opted_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `welcome_queue` (
	`chat_key` text NOT NULL,
	`member_id` integer NOT NULL,
	`joined_at` integer NOT NULL,
	PRIMARY KEY(`chat_key`, `member_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
