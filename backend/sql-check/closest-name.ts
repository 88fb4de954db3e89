// Picks the real name closest to a misspelt one (`ful_name` → `full_name`, `customer` →
// `customers`, `qty` → `quantity`), for the suggestion on an unknown table or column.

import { editDistance } from '../../sdk/nearest-name.js';
import { singularize } from '../schema/find-mentioned-tables.js';

/**
 * The candidate closest to `name`, or `undefined` when none is close enough. In order:
 *
 * 1. the same name in lower case with `_` ignored, or its singular/plural (`customer` →
 *    `customers`), or the smallest optimal-string-alignment distance (edits and transpositions)
 *    of at most 0 for names of 1–2 characters, 1 up to 4, 2 up to 8 and 3 beyond;
 * 2. else the only abbreviation match: each `_`-word a prefix of the candidate's (`org_id` →
 *    `organization_id`), or the letters in order from the same first letter (`qty` → `quantity`);
 * 3. else the only candidate whose words contain the name's, or the other way round (`name` →
 *    `full_name`, `page_count` → `pages`).
 *
 * Ties go to the earlier candidate.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const target = normalize(name);
  if (target === '') return undefined;
  const targetSingular = singularize(target);
  const targetWords = words(name);
  const limit = target.length <= 2 ? 0 : target.length <= 4 ? 1 : target.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  const abbreviations = new Set<string>();
  const containing = new Set<string>();
  for (const candidate of candidates) {
    const normal = normalize(candidate);
    let score: number;
    if (normal === target) score = 0;
    else if (singularize(normal) === targetSingular) score = 0.5;
    else score = editDistance(target, normal, limit);
    if (score <= limit) {
      if (score < bestScore) {
        bestScore = score;
        best = candidate;
      }
      continue;
    }
    if (best !== undefined) continue;
    const candidateWords = words(candidate);
    if (isAbbreviation(targetWords, candidateWords, target, normal)) abbreviations.add(candidate);
    else if (
      containsWords(candidateWords, targetWords) ||
      containsWords(targetWords, candidateWords)
    ) {
      containing.add(candidate);
    }
  }
  if (best !== undefined) return best;
  if (abbreviations.size === 1) return [...abbreviations][0];
  if (abbreviations.size === 0 && containing.size === 1) return [...containing][0];
  return undefined;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[_\s]+/g, '');
}

/** Lower-case singular words of a snake_case or camelCase name. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map(singularize);
}

function isAbbreviation(
  targetWords: string[],
  candidateWords: string[],
  target: string,
  candidate: string,
): boolean {
  if (target.length < 3 || candidate.length <= target.length) return false;
  if (
    targetWords.length > 1 &&
    targetWords.length === candidateWords.length &&
    targetWords.every((word, i) => (candidateWords[i] as string).startsWith(word))
  ) {
    return true;
  }
  if (target[0] !== candidate[0]) return false;
  let k = 0;
  for (const char of candidate) if (char === target[k]) k++;
  return k === target.length;
}

/** Whether every word of `inner` is a word of `outer` (and `inner` says something: 3+ letters). */
function containsWords(outer: string[], inner: string[]): boolean {
  if (inner.join('').length < 3 || inner.length >= outer.length) return false;
  return inner.every((word) => outer.includes(word));
}

export { editDistance };
