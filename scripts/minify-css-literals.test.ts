// minifyCssLiterals: only comments and whitespace change, strings and expressions stay, and the
// widget's own styles shrink without losing a rule.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/helpers/repo-root.ts';
import { minifyCssLiterals, minifyCssText } from './minify-css-literals.mjs';

/** The CSS with every comment and all whitespace outside strings removed: what must not change. */
function essence(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/('[^']*'|"[^"]*")|\s+/g, (_match, quoted) => quoted ?? '');
}

describe('minifyCssText', () => {
  it('drops comments and collapses whitespace, none next to braces and semicolons', () => {
    expect(
      minifyCssText(
        '\n  .a  > .b,\n  .c:hover {\n    color: red; /* why */\n    margin: 0 1em;\n  }\n',
      ),
    ).toBe(' .a > .b, .c:hover{color: red;margin: 0 1em;} ');
  });

  it('keeps strings and descendant combinators as they are', () => {
    expect(minifyCssText(".x  :first-child::after { content: '  /* kept */  '; }")).toBe(
      ".x :first-child::after{content: '  /* kept */  ';}",
    );
  });
});

describe('minifyCssLiterals', () => {
  it('rewrites the static parts of css`` literals only, expressions and other code untouched', () => {
    // Sources as text: `$` and `{` apart, so they read as this test's data, not placeholders.
    const $ = '$';
    const source = `const a = \`  x  \`;\nconst b = css\`\n  :host { ${$}{dark}  }\n  .y { color: ${$}{pick({ a: 1 })}; }\n\`;`;
    expect(minifyCssLiterals(source)).toBe(
      `const a = \`  x  \`;\nconst b = css\` :host{ ${$}{dark} }.y{color: ${$}{pick({ a: 1 })};} \`;`,
    );
  });

  it("shrinks the widget's styles by a quarter or more and keeps every rule", () => {
    const source = readFileSync(`${REPO_ROOT}widget/schema-chat.styles.ts`, 'utf8');
    const minified = minifyCssLiterals(source);
    expect(minified.length).toBeLessThan(source.length * 0.75);
    expect(essence(minified)).toBe(essence(source));
  });
});
