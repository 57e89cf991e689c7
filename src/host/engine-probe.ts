import { createClient } from '../contract/rpc.ts';
import type { ConnectionInfo } from './data-dir.ts';
import { connectWs } from './ws-endpoint.ts';

/**
 * Whether a connection file's engine is really there: its port takes the token and answers
 * session.info. A live pid alone proves nothing after a reboot or a kill -9 (the pid may now
 * belong to any process: "already running … pid 1" blocked a start).
 */
export async function engineAnswers(info: ConnectionInfo, timeoutMs = 2_000): Promise<boolean> {
  let endpoint;
  try {
    endpoint = await connectWs(`ws://127.0.0.1:${info.port}/ws?token=${encodeURIComponent(info.token)}`, timeoutMs);
  } catch {
    return false;
  }
  const client = createClient(endpoint, { timeoutMs });
  try {
    await client.call('session.info', {});
    return true;
  } catch {
    return false;
  } finally {
    client.close();
  }
}
