// The flags of every Chromium this project starts (browser tests, end-to-end tests, the widget
// benchmark): headless, no sandbox (containers), no GPU, nothing phoning home. No imports, so
// that Node can load it directly (the web-test-runner config, the benchmarks) as well as vitest.

/** Chromium flags shared by every test and benchmark browser. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
