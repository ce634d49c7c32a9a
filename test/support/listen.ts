import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** A test server on a free loopback port, with its base URL and a stop that drops open connections. */
export async function listenOnLoopback(app: Express): Promise<{ server: Server; url: string; stop: () => void }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    stop: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
