// S8: main-thread time of the <schema-chat> widget for a long markdown answer, in Debian Chromium
// through playwright-core, against a naive full re-render per token and one render of the final
// text (same markdown code, same styles). Time is the renderer's main-thread task time
// (DevTools Protocol `Performance.getMetrics` TaskDuration: script, style, layout, paint), long
// tasks come from the page's PerformanceObserver.
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

interface OursFigures {
  totalMs: number;
  firstMs: number;
  lastMs: number;
  longTasks: number[];
  text: string;
}

/** Runs S8. */
export async function benchWidgetRender(ctx: BenchContext): Promise<ResultRow[]> {
  const tokenCount = ctx.quick ? 1000 : 5000;
  const tokens = markdownAnswerTokens(tokenCount);
  const events: string[] = [];
  for (let i = 0; i < tokens.length; i += TOKENS_PER_EVENT) {
    events.push(tokens.slice(i, i + TOKENS_PER_EVENT).join(''));
  }
  const edgeEvents = EDGE_TOKENS / TOKENS_PER_EVENT;
  const warmUp = markdownAnswerTokens(200);
  const warmUpEvents: string[] = [];
  for (let i = 0; i < warmUp.length; i += TOKENS_PER_EVENT) {
    warmUpEvents.push(warmUp.slice(i, i + TOKENS_PER_EVENT).join(''));
  }
  // Naive cost is measured exactly, token by token, in windows spread over the answer, and
  // integrated: rendering all 5,000 prefixes one per frame takes minutes of wall time.
  const windows = ctx.quick ? 5 : 10;
  const windowTokens = ctx.quick ? 40 : 60;
  const spacing = tokenCount / windows;

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
    const ours: OursFigures[] = [];
    const naive: number[] = [];
    const final: number[] = [];
    const finalTexts: string[] = [];
    const probes: number[] = [];
    const variants = ['ours', 'naive', 'final'] as const;
    for (let round = 0; round < ctx.rounds; round++) {
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(round + i) % variants.length];
        ctx.log(`S8 round ${round + 1}/${ctx.rounds}: ${variant}`);
        const { page, cdp } = await openPage(browser, script);
        try {
          // Warm-up (not measured), the same for every variant: the markdown code and the styles
          // compiled and cached by rendering a short answer, and the widget's own code by
          // streaming one, so no variant pays a cold page's first costs.
          await page.evaluate((text) => widgetBench.renderFinal(text), warmUp.join(''));
          await page.evaluate(() => widgetBench.mountOurs());
          await page.evaluate((batch) => widgetBench.streamOurs(batch), warmUpEvents);
          await page.evaluate(() => widgetBench.finishOurs());
          if (variant === 'ours') {
            ours.push(await runOurs(page, cdp, events, edgeEvents));
            const before = await taskMs(cdp);
            await page.evaluate((frames) => widgetBench.frameProbe(frames), PROBE_FRAMES);
            probes.push(((await taskMs(cdp)) - before) / PROBE_FRAMES);
          } else if (variant === 'final') {
            const before = await taskMs(cdp);
            await page.evaluate((text) => widgetBench.renderFinal(text), tokens.join(''));
            final.push((await taskMs(cdp)) - before);
            finalTexts.push(await page.evaluate(() => widgetBench.renderedText()));
          } else {
            let total = 0;
            for (let w = 0; w < windows; w++) {
              const start = Math.floor(w * spacing);
              await page.evaluate(
                (prefix) => widgetBench.mountNaive(prefix),
                tokens.slice(0, start).join(''),
              );
              const before = await taskMs(cdp);
              await page.evaluate(
                (next) => widgetBench.streamNaive(next),
                tokens.slice(start, start + windowTokens),
              );
              total += (((await taskMs(cdp)) - before) / windowTokens) * spacing;
            }
            naive.push(total);
          }
        } finally {
          await page.close();
        }
      }
    }
    // Every variant rendered the same answer.
    const finalText = finalTexts[0] ?? '';
    for (const run of ours) {
      if (run.text !== finalText) {
        throw new Error(
          'S8: the streamed answer does not render the same text as the final render.',
        );
      }
    }

    const oursTotal = median(ours.map((run) => run.totalMs));
    const vsNaive = median(ours.map((run, i) => run.totalMs / (naive[i] ?? Number.NaN)));
    const vsFinal = median(ours.map((run, i) => run.totalMs / (final[i] ?? Number.NaN)));
    const longest = Math.max(0, ...ours.flatMap((run) => run.longTasks));
    const longCount = ours.reduce((sum, run) => sum + run.longTasks.length, 0);
    const growth = median(ours.map((run) => run.lastMs / run.firstMs));
    const label = `${tokenCount.toLocaleString('en')}-token markdown answer`;
    const pacing = `${events.length} token events of ${TOKENS_PER_EVENT} tokens (as the router sends a 50 tokens/s answer), delivered one per frame, frames back to back`;
    return [
      {
        id: 'S8a',
        metric: `widget main-thread time, ${label}`,
        ours: { value: oursTotal, unit: 'ms', digits: 0 },
        reference: {
          name: 'naive full re-render per token',
          figure: { value: median(naive), unit: 'ms', digits: 0 },
        },
        comparison: { kind: 'ratio', value: vsNaive },
        target: '≤ 0.01×',
        pass: vsNaive <= 0.01,
        note: `Chromium main-thread task time (script, style, layout, paint) for ${pacing}. The naive reference re-lexes and re-renders the whole answer into the same styled markup on every token, one token per frame; it is timed token by token in ${windows} windows of ${windowTokens} tokens spread over the answer and integrated (rendering every prefix would take minutes). Median of ${ctx.rounds} rounds; the ratio is the median of per-round ratios.`,
      },
      {
        id: 'S8b',
        metric: `widget main-thread time, ${label}`,
        ours: { value: oursTotal, unit: 'ms', digits: 0 },
        reference: {
          name: 'one render of the final text',
          figure: { value: median(final), unit: 'ms', digits: 1 },
        },
        comparison: { kind: 'ratio', value: vsFinal },
        target: '≤ 5×',
        pass: vsFinal <= 5,
        note: `The final render lexes and renders the whole answer once, plus the frame that lays it out and paints it. In this headless, GPU-less Chromium a frame that changes a single text node of an almost empty page costs ${median(probes).toFixed(2)} ms of main-thread time (measured in this run), so ${events.length} updates cost at least ${Math.round(median(probes) * events.length)} ms (${((median(probes) * events.length) / median(final)).toFixed(1)}× the final render) whatever the renderer does; schema-chat spends ${(oursTotal / events.length).toFixed(2)} ms per update.`,
      },
      {
        id: 'S8c',
        metric: `longest main-thread task while streaming the ${label}`,
        ours: { value: longest, unit: 'ms', digits: 0 },
        reference: { name: 'long-task threshold', figure: { value: 50, unit: 'ms', digits: 0 } },
        comparison: { kind: 'absolute', value: longCount, unit: 'long tasks' },
        target: 'no task > 50 ms',
        pass: longCount === 0,
        note: 'PerformanceObserver `longtask` entries (tasks over 50 ms) while the answer streamed; 0 means none.',
      },
      {
        id: 'S8d',
        metric: `main-thread time of the last ${EDGE_TOKENS} tokens vs the first ${EDGE_TOKENS}`,
        ours: { value: median(ours.map((run) => run.lastMs)), unit: 'ms', digits: 0 },
        reference: {
          name: `first ${EDGE_TOKENS} tokens`,
          figure: { value: median(ours.map((run) => run.firstMs)), unit: 'ms', digits: 0 },
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

/** What the page exposes (bench/widget/widget-bench-page.ts). */
interface WidgetBench {
  mountOurs(): Promise<void>;
  streamOurs(events: string[]): Promise<void>;
  finishOurs(): Promise<void>;
  mountNaive(prefix?: string): Promise<void>;
  streamNaive(tokens: string[], stride?: number): Promise<void>;
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

async function taskMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? Number.NaN) * 1000;
}

async function runOurs(
  page: Page,
  cdp: CDPSession,
  events: string[],
  edgeEvents: number,
): Promise<OursFigures> {
  await page.evaluate(() => widgetBench.mountOurs());
  await page.evaluate(() => widgetBench.takeLongTasks());
  const t0 = await taskMs(cdp);
  await page.evaluate((batch) => widgetBench.streamOurs(batch), events.slice(0, edgeEvents));
  const t1 = await taskMs(cdp);
  await page.evaluate(
    (batch) => widgetBench.streamOurs(batch),
    events.slice(edgeEvents, events.length - edgeEvents),
  );
  const t2 = await taskMs(cdp);
  await page.evaluate(
    (batch) => widgetBench.streamOurs(batch),
    events.slice(events.length - edgeEvents),
  );
  const t3 = await taskMs(cdp);
  await page.evaluate(() => widgetBench.finishOurs());
  const t4 = await taskMs(cdp);
  return {
    totalMs: t4 - t0,
    firstMs: t1 - t0,
    lastMs: t3 - t2,
    longTasks: await page.evaluate(() => widgetBench.takeLongTasks()),
    text: await page.evaluate(() => widgetBench.renderedText()),
  };
}
