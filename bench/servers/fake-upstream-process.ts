// The project's fake OpenAI-compatible upstream (test/fake-upstream) as a bench child: the model
// side of every server benchmark, over loopback, in its own process.
//   BENCH_UPSTREAM_INTERVAL_MS, BENCH_UPSTREAM_TOKENS, BENCH_UPSTREAM_TEXT: the default answer
//   (requests override it with a `[[fake:…]]` directive in the question); the text, when given,
//   is sent cut into word-sized tokens.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { startFakeUpstream } from '../../test/fake-upstream/fake-upstream.ts';
import { reportReady } from '../../test/helpers/serve-ipc-calls.ts';
import { serveBenchIpc } from '../lib/bench-ipc.ts';

const upstream = await startFakeUpstream({
  defaultBehaviour: {
    kind: 'normal',
    tokens: Number(process.env.BENCH_UPSTREAM_TOKENS ?? 8),
    intervalMs: Number(process.env.BENCH_UPSTREAM_INTERVAL_MS ?? 0),
    ...(process.env.BENCH_UPSTREAM_TEXT ? { text: process.env.BENCH_UPSTREAM_TEXT } : {}),
  },
});

serveBenchIpc({
  extra: () => ({ calls: upstream.calls.count, open: upstream.calls.open }),
  calls: {
    reset: () => {
      upstream.reset();
      return true;
    },
  },
  onStop: () => upstream.close(),
});
reportReady({ url: upstream.url });
