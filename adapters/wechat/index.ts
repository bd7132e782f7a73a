import { dirname, join, resolve } from 'node:path';
import { log } from 'wechaty';
import type { Logger } from '../../src/core/logger.ts';
import { createPuppet } from './puppet.ts';
import { WechatAdapter } from './wechat-adapter.ts';

export { WechatAdapter, type WechatAdapterOptions, type WechatStatus, type WechatTiming } from './wechat-adapter.ts';

/**
 * The environment variables this adapter reads (a subset of the validated env). The puppet
 * packages read their own as well: wechaty-puppet-service reads `WECHATY_PUPPET_SERVICE_*`
 * (token, endpoint, `_NO_TLS_INSECURE_CLIENT`, `_AUTHORITY`, `_TLS_*`), other puppets their
 * `WECHATY_PUPPET_<NAME>_*` variables; wechaty-puppet reads `WECHATY_LOG`.
 */
export interface WechatEnv {
  readonly WECHATY_PUPPET?: string | undefined;
  readonly WECHATY_PUPPET_SERVICE_TOKEN?: string | undefined;
  readonly WECHATY_PUPPET_SERVICE_ENDPOINT?: string | undefined;
  readonly WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT?: string | undefined;
  readonly WECHATY_LOG?: string | undefined;
  readonly HEARTH_DB?: string | undefined;
}

/** Where the adapter keeps wechaty's login memory and the puppets' caches: beside the database. */
export function wechatDataDir(env: WechatEnv): string {
  return join(dirname(resolve(env.HEARTH_DB ?? 'data/hearth.db')), 'wechat');
}

/**
 * The composition root's entry point: builds the puppet named by WECHATY_PUPPET, the way wechaty
 * users already choose one, and the adapter over it. Loaded only when WECHATY_PUPPET is set
 * (importing wechaty takes over a second).
 */
export async function createAdapter(env: WechatEnv, logger: Logger): Promise<WechatAdapter> {
  const name = env.WECHATY_PUPPET;
  if (!name) throw new Error('WECHATY_PUPPET is not set');
  // wechaty logs through brolog at `info` to the console; Hearth's own log says what matters.
  // WECHATY_LOG (read by wechaty-puppet at import) sets it instead.
  if (!env.WECHATY_LOG) log.level('error');
  const dataDir = wechatDataDir(env);
  const options: Record<string, unknown> = {};
  if (name === 'wechaty-puppet-service') {
    if (env.WECHATY_PUPPET_SERVICE_TOKEN) options.token = env.WECHATY_PUPPET_SERVICE_TOKEN;
    if (env.WECHATY_PUPPET_SERVICE_ENDPOINT) options.endpoint = env.WECHATY_PUPPET_SERVICE_ENDPOINT;
    if (env.WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT === 'true') options.tls = { disable: true };
  }
  // Built now, so a puppet that cannot be loaded fails at start; each reconnect builds a fresh one.
  let ready: object | undefined = await createPuppet(name, options, dataDir);
  logger.info({ puppet: name, dataDir }, `wechat: puppet ${name}`);
  const puppet = async () => {
    const p = ready ?? (await createPuppet(name, options, dataDir));
    ready = undefined;
    return p as never;
  };
  return new WechatAdapter({ puppet, logger, memoryPath: join(dataDir, 'hearth') });
}
