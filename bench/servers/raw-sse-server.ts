// Reference S4: the least an open SSE stream can cost in Node: a node:http response with the SSE
// headers, the same opening bytes schema-chat sends (`retry:` and the `conversationId` event),
// then nothing, held open until the client leaves.
// Route: POST /stream (any body). Plain erasable TypeScript: Node runs it directly.

import { createServer } from 'node:http';
import { reportReady } from '../../test/helpers/serve-ipc-calls.ts';
import { serveBenchIpc } from '../lib/bench-ipc.ts';

let open = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    open++;
    res.on('close', () => open--);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
    });
    res.write(
      'retry: 2000\n\nid: 0\ndata: {"type":"conversationId","conversationId":"00000000-0000-4000-8000-000000000000"}\n\n',
    );
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serveBenchIpc({ extra: () => ({ open }), onStop: () => void server.close() });
reportReady({ port: (server.address() as { port: number }).port, path: '/stream' });
