// The load generator, in its own process so the server under test never shares an event loop (or
// a core's worth of parsing) with the clients measuring it. Start it with `startLoadGenerator`
// (start-load-generator.ts); it serves these procedures over the bench's IPC channel:
//   run (runLoad): a job's streams read to their end, with what each saw;
//   progress (readProgress): how far the running job's clients have got;
//   hold / release (holdStreams, releaseStreams): streams kept open, then closed;
//   ladder (runLadder): the concurrency ladder of S6.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { reportReady } from '../../test/helpers/serve-ipc-calls.ts';
import { serveBenchIpc } from '../lib/bench-ipc.ts';
import { holdStreams, releaseStreams } from './hold-streams.ts';
import { runLadder } from './run-ladder.ts';
import { readProgress, runLoad } from './run-load.ts';

serveBenchIpc({
  calls: {
    run: runLoad,
    progress: readProgress,
    hold: holdStreams,
    release: releaseStreams,
    ladder: runLadder,
  },
  onStop: async () => {
    await releaseStreams();
  },
});
reportReady();
