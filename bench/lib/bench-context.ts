// What every scenario gets from the orchestrator (mode, rounds, a temp directory, a log), and the
// one row shape they all return for the results table.
// Plain erasable TypeScript: Node runs it directly (type stripping).

/** Settings of one bench run. */
export interface BenchContext {
  /** `--quick`: smaller loads, same rounds, same targets. */
  quick: boolean;
  /** Interleaved rounds per figure (at least 5). */
  rounds: number;
  /** A fresh directory for databases and build output, removed at the end. */
  tmpDir: string;
  /** HS256 secret of the bench server's tokens. */
  secret: string;
  /** Progress line on stderr. */
  log(message: string): void;
}

/** One measured figure. */
export interface Figure {
  value: number;
  unit: string;
  /** Digits after the point when printed. Defaults to an automatic choice. */
  digits?: number;
}

/** One line of the results table. */
export interface ResultRow {
  /** `S1` … `S12`, with a suffix when a benchmark has several targets (`S1a`). */
  id: string;
  metric: string;
  ours: Figure;
  /** What `ours` is compared with, and that figure. */
  reference: { name: string; figure: Figure };
  /** `ours / reference` for ratio targets, `ours - reference` for difference targets. */
  comparison: { kind: 'ratio' | 'difference' | 'absolute'; value: number; unit?: string };
  /** The target, as printed (`≤ 1.3×`). */
  target: string;
  pass: boolean;
  /** What the figure means or how it was taken; printed under the table. */
  note?: string;
}

/** Median of the per-round values, with the values themselves (for the notes). */
export interface RoundFigures {
  median: number;
  values: number[];
}
