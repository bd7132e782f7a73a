import { freePort } from '../../helpers/free-port.ts';
import { log } from 'wechaty';
import { mock } from 'wechaty-puppet-mock';
import { PuppetServer } from 'wechaty-puppet-service';
import { RecordingPuppetMock } from './mock-puppet.ts';

export { freePort };

/**
 * wechaty-puppet-service's own `PuppetServer` on 127.0.0.1, without TLS, serving a PuppetMock:
 * what a puppet provider's gateway looks like to the bot, minus WeChat. The test drives the mock
 * (contacts, rooms, messages) and reads what the bot sent from `puppet.sent`.
 */
export async function startPuppetServer() {
  // The server side logs every benign mock error through brolog; the tests read what they need.
  log.level('silent');
  const mocker = new mock.Mocker();
  const puppet = new RecordingPuppetMock(mocker);
  const errors: string[] = [];
  // The mock emits benign `no payload found for id …@chatroom` errors on every room-join; a
  // puppet without an error listener would throw them.
  puppet.on('error', (e) => {
    errors.push(String((e as { data?: unknown }).data ?? e));
  });
  const port = await freePort();
  const endpoint = `127.0.0.1:${port}`;
  const token = 'insecure_hearth-e2e';
  let server = new PuppetServer({ endpoint, puppet, token, tls: { disable: true } });
  await server.start();
  await puppet.start();
  return {
    mocker,
    puppet,
    errors,
    endpoint,
    token,
    /** The env `npm start` needs to reach this server. */
    env: {
      WECHATY_PUPPET: 'wechaty-puppet-service',
      WECHATY_PUPPET_SERVICE_TOKEN: token,
      WECHATY_PUPPET_SERVICE_ENDPOINT: endpoint,
      WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: 'true',
    },
    /** The gRPC server goes away (the puppet behind it keeps its state). */
    async vanish(): Promise<void> {
      await server.stop();
    },
    /** A new gRPC server on the same endpoint, over the same puppet. */
    async reappear(): Promise<void> {
      server = new PuppetServer({ endpoint, puppet, token, tls: { disable: true } });
      await server.start();
    },
    async close(): Promise<void> {
      await server.stop().catch(() => undefined);
      await puppet.stop().catch(() => undefined);
    },
  };
}

export type PuppetServerFixture = Awaited<ReturnType<typeof startPuppetServer>>;
