// Shrinks the CSS of Lit's css`…` literals at build time: comments go and whitespace collapses
// (to nothing next to `{`, `}` and `;`, to one space elsewhere), strings
// and `${…}` expressions untouched. The drop-in bundle ships its styles as these literals, so
// this is about a tenth of its gzipped size (bench S10). A rollup plugin for the *.styles.ts files.

/** Collapses one static part of a CSS literal (between `${…}` expressions). */
export function minifyCssText(text) {
  let out = '';
  let quote;
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (quote !== undefined) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = undefined;
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      out += c;
      i++;
      continue;
    }
    const comment = c === '/' && text[i + 1] === '*';
    if (comment || /\s/.test(c)) {
      // A run of whitespace and comments separates what is around it: one space, or none next to
      // `{`, `}` and `;`; at either end of the part (next to an expression) one space is kept.
      for (;;) {
        if (text[i] === '/' && text[i + 1] === '*') {
          const end = text.indexOf('*/', i + 2);
          i = end === -1 ? text.length : end + 2;
        } else if (i < text.length && /\s/.test(text[i])) i++;
        else break;
      }
      const previous = out.at(-1);
      const next = text[i];
      if (previous === undefined || next === undefined) out += ' ';
      else if (!'{};'.includes(previous) && !'{};'.includes(next)) out += ' ';
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/**
 * Rewrites every css`…` literal of a module's source with {@link minifyCssText} applied to its
 * static parts; expressions (`${…}`, balanced braces) are copied as they are.
 */
export function minifyCssLiterals(source) {
  let out = '';
  let from = 0;
  for (let start = source.indexOf('css`'); start !== -1; start = source.indexOf('css`', from)) {
    out += source.slice(from, start + 4);
    let i = start + 4;
    let part = '';
    for (;;) {
      const c = source[i];
      if (c === undefined) throw new Error('minifyCssLiterals: an unterminated css`` literal');
      if (c === '\\') {
        part += c + (source[i + 1] ?? '');
        i += 2;
      } else if (c === '`') {
        out += `${minifyCssText(part)}\``;
        i++;
        break;
      } else if (c === '$' && source[i + 1] === '{') {
        out += minifyCssText(part);
        part = '';
        let depth = 0;
        let j = i + 1;
        for (; j < source.length; j++) {
          if (source[j] === '{') depth++;
          else if (source[j] === '}' && --depth === 0) break;
        }
        out += source.slice(i, j + 1);
        i = j + 1;
      } else {
        part += c;
        i++;
      }
    }
    from = i;
  }
  return out + source.slice(from);
}

/** The rollup plugin: minifies the css`` literals of `*.styles.ts` modules. */
export function minifyCssLiteralsPlugin() {
  return {
    name: 'minify-css-literals',
    transform(code, id) {
      if (!id.endsWith('.styles.ts')) return null;
      return { code: minifyCssLiterals(code), map: null };
    },
  };
}
