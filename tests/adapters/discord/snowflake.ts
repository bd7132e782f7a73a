/** Discord's epoch (2015-01-01T00:00:00Z): snowflakes count milliseconds from it. */
const DISCORD_EPOCH = 1420070400000n;

let increment = 0n;

/**
 * A snowflake id for a moment: discord.js derives `createdAt` from a message's id, so the fake
 * mints ids from the time the test wants the message to have been written.
 */
export function snowflake(at: Date | number = Date.now()): string {
  const ms = BigInt(typeof at === 'number' ? at : at.getTime());
  increment = (increment + 1n) & 0xfffn;
  return (((ms - DISCORD_EPOCH) << 22n) | increment).toString();
}

/** The moment a snowflake was minted. */
export function snowflakeTime(id: string): Date {
  return new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH));
}
