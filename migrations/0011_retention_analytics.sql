CREATE TABLE `analytics_days` (
	`day` text PRIMARY KEY NOT NULL,
	`active` integer NOT NULL,
	`week_firsts` integer NOT NULL,
	`posts` integer NOT NULL,
	`paid_posts` integer NOT NULL,
	`shares` integer NOT NULL,
	`paid_shares` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `analytics_digests` (
	`week` text PRIMARY KEY NOT NULL,
	`slot` integer NOT NULL,
	`chat_key` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `analytics_leaves` (
	`member_id` integer NOT NULL,
	`left_at` integer NOT NULL,
	`left_day` text,
	`back_at` integer,
	`back_day` text,
	PRIMARY KEY(`member_id`, `left_at`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `analytics_members` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`joined_at` integer NOT NULL,
	`join_day` text,
	`source` text NOT NULL,
	`invite_code` text,
	`inviter_id` integer,
	`chat_key` text NOT NULL,
	`platform` text NOT NULL,
	`away` integer DEFAULT 0 NOT NULL,
	`windows` integer DEFAULT 0 NOT NULL,
	`last_day` text,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `analytics_members_join_day` ON `analytics_members` (`join_day`,`windows`);--> statement-breakpoint
CREATE INDEX `analytics_members_source` ON `analytics_members` (`source`,`join_day`);--> statement-breakpoint
CREATE TABLE `analytics_points_days` (
	`day` text NOT NULL,
	`reason` text NOT NULL,
	`credited` integer NOT NULL,
	`debited` integer NOT NULL,
	PRIMARY KEY(`day`, `reason`)
);
--> statement-breakpoint
CREATE TABLE `analytics_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `analytics_tier_moves` (
	`day` text NOT NULL,
	`from_tier` text NOT NULL,
	`to_tier` text NOT NULL,
	`manual` integer NOT NULL,
	`up` integer NOT NULL,
	`members` integer NOT NULL,
	PRIMARY KEY(`day`, `from_tier`, `to_tier`, `manual`)
);
--> statement-breakpoint
CREATE TABLE `analytics_tier_weeks` (
	`week` text NOT NULL,
	`tier` text NOT NULL,
	`members` integer NOT NULL,
	PRIMARY KEY(`week`, `tier`)
);
--> statement-breakpoint
CREATE INDEX `earn_posts_day` ON `earn_posts` (`day`,`paid`);--> statement-breakpoint
CREATE INDEX `share_claims_day` ON `share_claims` (`day`,`status`);
--> statement-breakpoint
-- Back-fill (written by hand): each member's first sighting in any group, as a join when that
-- first membership began with a join event, with the referral's inviter or invite code where
-- one was recorded. Local days are filled by the service (it knows the community's zone).
INSERT OR IGNORE INTO `analytics_members` (`member_id`, `joined_at`, `join_day`, `source`, `invite_code`, `inviter_id`, `chat_key`, `platform`, `away`)
SELECT f.member_id, f.first_seen_at, NULL,
  CASE WHEN r.invite_code IS NOT NULL THEN 'invite-link' WHEN r.inviter_id IS NOT NULL THEN 'invited' WHEN f.joined_at = f.first_seen_at THEN 'joined' ELSE 'first-seen' END,
  r.invite_code, r.inviter_id, f.chat_key, substr(f.chat_key, 1, instr(f.chat_key, ':') - 1),
  NOT EXISTS (SELECT 1 FROM `memberships` o WHERE o.member_id = f.member_id AND o.left_at IS NULL)
FROM (SELECT member_id, chat_key, joined_at, first_seen_at, ROW_NUMBER() OVER (PARTITION BY member_id ORDER BY first_seen_at, chat_key) AS n FROM `memberships`) f
LEFT JOIN `referrals` r ON r.newcomer_id = f.member_id
WHERE f.n = 1;
--> statement-breakpoint
-- Members in no group any more left the community when they left their last one.
INSERT OR IGNORE INTO `analytics_leaves` (`member_id`, `left_at`, `left_day`)
SELECT member_id, MAX(left_at), NULL FROM `memberships` GROUP BY member_id HAVING COUNT(*) = COUNT(left_at);
