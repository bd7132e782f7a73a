import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/sim.ts';

/** The real CLI started as `npm start` starts it, for the adapters' npm-start tests. */
export interface StartedCli {
  readonly child: ReturnType<typeof spawn>;
  /** Everything it logged so far (pino writes to stderr). */
  stderr(): string;
  /** Sends SIGTERM (once) and resolves with how it exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns the real `npm start` (as a supervisor runs it: the stop signal goes to npm, which must
 * pass it on to the bot) with `env` on top of this process's environment and resolves once it logs
 * `adapter started`. `direct: true` spawns the bot process itself (`node --import tsx src/cli.ts
 * start`), for tests that kill -9 the bot rather than npm.
 */
export async function startCli(env: Record<string, string>, options: { direct?: boolean } = {}): Promise<StartedCli> {
  const [command, args] = options.direct ? [process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'start']] : ['npm', ['start']];
  const child = spawn(command, args as string[], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      // main.ts logs this once the adapter is connected and its command menu is set.
      if (stderr.includes('adapter started')) resolve();
    });
    void exited.then(({ code }) => reject(new Error(`npm start exited with ${code}:\n${stderr}`)));
  });
  return {
    child,
    stderr: () => stderr,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
