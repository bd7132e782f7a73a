CREATE TABLE `stock_alerts` (
	`sku` text PRIMARY KEY NOT NULL,
	`level` text NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL
);
