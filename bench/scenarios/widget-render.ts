// S8: main-thread time of the <schema-chat> widget per streamed update of a long markdown answer,
// in Debian Chromium through playwright-core, against the frame probe: a frame that changes one
// text node of an almost empty page, measured on the same page in the same round. Time is the
// renderer's main-thread task time (DevTools Protocol `Performance.getMetrics`: TaskDuration, split
// into script, style recalculation, layout and the rest), long tasks come from the page's
// PerformanceObserver.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { build } from 'esbuild';
import { type Browser, type CDPSession, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../test/helpers/chromium-args.ts';
import { REPO_ROOT } from '../../test/helpers/repo-root.ts';
import { median } from '../../test/helpers/statistics.ts';
import type { BenchContext, ResultRow } from '../lib/bench-context.ts';

/** Tokens per event, as the router sends a 50 tokens/s answer (`timeouts.flushTokens`). */
const TOKENS_PER_EVENT = 4;
/** Frames of the frame-cost probe. */
const PROBE_FRAMES = 200;
/** The first and last this many tokens are timed on their own. */
const EDGE_TOKENS = 500;
/** The project's Chromium flags, and frames as fast as they are rendered (not 60 Hz). */
const BENCH_CHROMIUM_ARGS = [...CHROMIUM_ARGS, '--disable-frame-rate-limit', '--disable-gpu-vsync'];

/** A realistic long answer: prose, lists, tables and code, cut into model-sized tokens. */
export function markdownAnswerTokens(count: number): string[] {
  const section = (i: number) =>
    [
      `## Table \`t${i}\`\n\n`,
      `The **t${i}** table stores *rows* of kind ${i}; see [docs](https://example.com/t${i}).\n\n`,
      `- \`id\` uuid primary key\n- \`t${i}_name\` text not null\n- created_at timestamptz\n\n`,
      '| column | type |\n|---|---|\n| id | uuid |\n| name | text |\n\n',
      `\`\`\`sql\nSELECT id, name\nFROM t${i}\nWHERE id = $1;\n\`\`\`\n\n`,
    ].join('');
  const tokens: string[] = [];
  for (let i = 0; tokens.length < count; i++) {
    tokens.push(...(section(i).match(/\s*\S+|\s+/g) ?? []));
  }
  return tokens.slice(0, count);
}

/** Main-thread time of a stretch of frames, by kind (CDP `Performance.getMetrics`), ms. */
interface FrameCost {
  task: number;
  script: number;
  style: number;
  layout: number;
  /** Everything else a task does: paint, compositing, HTML parsing, GC outside script. */
  other: number;
}

interface OursFigures {
  /** The whole answer, per update (token event). */
  perUpdate: FrameCost;
  /** The frame probe of the same page, per frame (before and after the answer, averaged). */
  probe: FrameCost;
  firstMs: number;
  lastMs: number;
  longTasks: number[];
  /** What the streamed answer rendered, and what one render of the final text renders. */
  text: string;
  finalText: string;
}

/** Runs S8. */
export async function benchWidgetRender(ctx: BenchContext): Promise<ResultRow[]> {
  const tokenCount = ctx.quick ? 1000 : 5000;
  const tokens = markdownAnswerTokens(tokenCount);
  const events = toEvents(tokens);
  const edgeEvents = EDGE_TOKENS / TOKENS_PER_EVENT;
  const warmUpEvents = toEvents(markdownAnswerTokens(200));

  ctx.log('S8: bundling the page');
  const bundle = await build({
    entryPoints: [`${REPO_ROOT}bench/widget/widget-bench-page.ts`],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    tsconfig: `${REPO_ROOT}tsconfig.json`,
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: BENCH_CHROMIUM_ARGS,
    });
    const runs: OursFigures[] = [];
    for (let round = 0; round < ctx.rounds; round++) {
      ctx.log(`S8 round ${round + 1}/${ctx.rounds}`);
      const { page, cdp } = await openPage(browser, script);
      try {
        // Warm-up (not measured): the markdown code and the styles compiled and cached by
        // rendering a short answer, and the widget's own code by streaming one.
        await page.evaluate((text) => widgetBench.renderFinal(text), warmUpEvents.join(''));
        await page.evaluate(() => widgetBench.mountOurs());
        await page.evaluate((batch) => widgetBench.streamOurs(batch), warmUpEvents);
        await page.evaluate(() => widgetBench.finishOurs());
        // The probe and the answer interleave within the round (probe, answer, probe), on the
        // same page, so a change of the machine's load hits both.
        const before = await probe(page, cdp);
        const run = await runOurs(page, cdp, events, edgeEvents);
        const after = await probe(page, cdp);
        await page.evaluate((text) => widgetBench.renderFinal(text), tokens.join(''));
        const finalText = await page.evaluate(() => widgetBench.renderedText());
        runs.push({ ...run, probe: averageCost(before, after), finalText });
      } finally {
        await page.close();
      }
    }
    for (const run of runs) {
      if (run.text !== run.finalText) {
        throw new Error(
          'S8: the streamed answer does not render the same text as one render of the final text.',
        );
      }
    }

    const perUpdate = median(runs.map((run) => run.perUpdate.task));
    const probeMs = median(runs.map((run) => run.probe.task));
    const vsProbe = median(runs.map((run) => run.perUpdate.task / run.probe.task));
    const longest = Math.max(0, ...runs.flatMap((run) => run.longTasks));
    const longCount = runs.reduce((sum, run) => sum + run.longTasks.length, 0);
    const growth = median(runs.map((run) => run.lastMs / run.firstMs));
    const label = `${tokenCount.toLocaleString('en')}-token markdown answer`;
    const pacing = `${events.length} token events of ${TOKENS_PER_EVENT} tokens (as the router sends a 50 tokens/s answer), delivered one per frame, frames back to back`;
    const split = (pick: (run: OursFigures) => FrameCost) =>
      (['script', 'style', 'layout', 'other'] as const)
        .map((kind) => `${kind} ${median(runs.map((run) => pick(run)[kind])).toFixed(3)}`)
        .join(', ');
    return [
      {
        id: 'S8a',
        metric: `widget main-thread time per streamed update, ${label}`,
        ours: { value: perUpdate, unit: 'ms', digits: 3 },
        reference: {
          name: 'frame probe: a frame that changes one text node',
          figure: { value: probeMs, unit: 'ms', digits: 3 },
        },
        comparison: { kind: 'ratio', value: vsProbe },
        target: '≤ 2×',
        pass: vsProbe <= 2,
        note: `Chromium main-thread task time (script, style, layout, paint) for ${pacing}, divided by the number of updates. The probe is a frame that appends one character to the one text node of an almost empty page (${PROBE_FRAMES} frames before the answer and ${PROBE_FRAMES} after it, on the same page): what any visible update costs in this headless, GPU-less Chromium before the widget does anything. Per update, ms: ${split((run) => run.perUpdate)}; per probe frame: ${split((run) => run.probe)}. Median of ${ctx.rounds} rounds; the ratio is the median of the per-round ratios.`,
      },
      {
        id: 'S8b',
        metric: `longest main-thread task while streaming the ${label}`,
        ours: { value: longest, unit: 'ms', digits: 0 },
        reference: { name: 'long-task threshold', figure: { value: 50, unit: 'ms', digits: 0 } },
        comparison: { kind: 'absolute', value: longCount, unit: 'long tasks' },
        target: 'no task > 50 ms',
        pass: longCount === 0,
        note: 'PerformanceObserver `longtask` entries (tasks over 50 ms) while the answer streamed; 0 means none.',
      },
      {
        id: 'S8c',
        metric: `main-thread time of the last ${EDGE_TOKENS} tokens vs the first ${EDGE_TOKENS}`,
        ours: { value: median(runs.map((run) => run.lastMs)), unit: 'ms', digits: 0 },
        reference: {
          name: `first ${EDGE_TOKENS} tokens`,
          figure: { value: median(runs.map((run) => run.firstMs)), unit: 'ms', digits: 0 },
        },
        comparison: { kind: 'ratio', value: growth },
        target: '≤ 1.3× (no growth)',
        pass: growth <= 1.3,
        note: 'Finished blocks are rendered once and kept in chunks; off-screen ones skip style, layout and paint, so an update at the end of a long answer costs what one at its start costs.',
      },
    ];
  } finally {
    await browser?.close();
  }
}

/** Tokens grouped into the router's token events. */
function toEvents(tokens: string[]): string[] {
  const events: string[] = [];
  for (let i = 0; i < tokens.length; i += TOKENS_PER_EVENT) {
    events.push(tokens.slice(i, i + TOKENS_PER_EVENT).join(''));
  }
  return events;
}

/** What the page exposes (bench/widget/widget-bench-page.ts). */
interface WidgetBench {
  mountOurs(): Promise<void>;
  streamOurs(events: string[]): Promise<void>;
  finishOurs(): Promise<void>;
  renderFinal(text: string): Promise<void>;
  renderedText(): string;
  takeLongTasks(): number[];
  frameProbe(frames: number): Promise<void>;
}

/** The page's global, used only inside `page.evaluate` callbacks (they run in the page). */
declare const widgetBench: WidgetBench;

/** A fresh page on a fake origin (the widget needs real storage), with the bench script. */
async function openPage(
  browser: Browser,
  script: string,
): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await browser.newPage({ viewport: { width: 800, height: 800 } });
  await page.route('http://widget-bench.localhost/**', (route) => {
    const isScript = route.request().url().endsWith('/page.js');
    return route.fulfill(
      isScript
        ? { body: script, contentType: 'text/javascript' }
        : {
            body: '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/page.js"></script></head><body></body></html>',
            contentType: 'text/html',
          },
    );
  });
  await page.goto('http://widget-bench.localhost/');
  await page.waitForFunction(() => 'widgetBench' in window);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return { page, cdp };
}

/** The page's main-thread time so far, by kind, ms. */
async function readCost(cdp: CDPSession): Promise<FrameCost> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const read = (name: string) =>
    (metrics.find((metric) => metric.name === name)?.value ?? Number.NaN) * 1000;
  const task = read('TaskDuration');
  const script = read('ScriptDuration');
  const style = read('RecalcStyleDuration');
  const layout = read('LayoutDuration');
  return { task, script, style, layout, other: task - script - style - layout };
}

/** What happened between two readings, divided by `count`. */
function costBetween(from: FrameCost, to: FrameCost, count = 1): FrameCost {
  const per = (kind: keyof FrameCost) => (to[kind] - from[kind]) / count;
  return {
    task: per('task'),
    script: per('script'),
    style: per('style'),
    layout: per('layout'),
    other: per('other'),
  };
}

function averageCost(a: FrameCost, b: FrameCost): FrameCost {
  return costBetween(
    { task: 0, script: 0, style: 0, layout: 0, other: 0 },
    {
      task: a.task + b.task,
      script: a.script + b.script,
      style: a.style + b.style,
      layout: a.layout + b.layout,
      other: a.other + b.other,
    },
    2,
  );
}

/** The frame probe's cost per frame. */
async function probe(page: Page, cdp: CDPSession): Promise<FrameCost> {
  const before = await readCost(cdp);
  await page.evaluate((frames) => widgetBench.frameProbe(frames), PROBE_FRAMES);
  return costBetween(before, await readCost(cdp), PROBE_FRAMES);
}

async function runOurs(
  page: Page,
  cdp: CDPSession,
  events: string[],
  edgeEvents: number,
): Promise<Omit<OursFigures, 'probe' | 'finalText'>> {
  await page.evaluate(() => widgetBench.mountOurs());
  await page.evaluate(() => widgetBench.takeLongTasks());
  const t0 = await readCost(cdp);
  await page.evaluate((batch) => widgetBench.streamOurs(batch), events.slice(0, edgeEvents));
  const t1 = await readCost(cdp);
  await page.evaluate(
    (batch) => widgetBench.streamOurs(batch),
    events.slice(edgeEvents, events.length - edgeEvents),
  );
  const t2 = await readCost(cdp);
  await page.evaluate(
    (batch) => widgetBench.streamOurs(batch),
    events.slice(events.length - edgeEvents),
  );
  const t3 = await readCost(cdp);
  await page.evaluate(() => widgetBench.finishOurs());
  const t4 = await readCost(cdp);
  return {
    perUpdate: costBetween(t0, t4, events.length),
    firstMs: t1.task - t0.task,
    lastMs: t3.task - t2.task,
    longTasks: await page.evaluate(() => widgetBench.takeLongTasks()),
    text: await page.evaluate(() => widgetBench.renderedText()),
  };
}
