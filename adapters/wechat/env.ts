import type { AdapterDescriptor } from '../../src/core/adapter-env.ts';

/**
 * The WeChat adapter's environment: read by the composition root before it loads wechaty (which
 * takes over a second to import). The puppet packages read their own variables as well.
 */
export const wechatDescriptor: AdapterDescriptor = {
  platform: 'wechat',
  enabledBy: 'WECHATY_PUPPET',
  env: {
    WECHATY_PUPPET: { description: 'the wechaty puppet package (wechaty-puppet-service, wechaty-puppet-wechat4u); setting it starts the WeChat adapter', required: true },
    WECHATY_PUPPET_SERVICE_TOKEN: { description: 'the token from your puppet provider (wechaty-puppet-service)', secret: true },
    WECHATY_PUPPET_SERVICE_ENDPOINT: { description: 'host:port of the puppet service, to skip discovery by token' },
    WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: { description: 'true for a puppet server without TLS', pattern: /^(true|false)$/ },
    WECHATY_LOG: { description: "wechaty's own log level", pattern: /^(silent|error|warn|info|verbose|silly)$/ },
    HEARTH_DB: { description: 'the database path (shared with the core): the adapter keeps its login memory beside it', default: 'data/hearth.db' },
  },
};
