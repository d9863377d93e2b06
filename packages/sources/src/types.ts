/** What every source parser returns. */
import { validatePaperInput, type PaperInput } from '@paperboy/core';

export interface SkippedItem {
  where: string;
  reason: string;
}

export interface SourceHealth {
  /** Items the upstream said it has in total (arXiv API totalResults), when it says so. */
  total?: number;
  /** Zero items where some were expected (a weekday with no Daily Papers). */
  empty: boolean;
  /** The document is older than the day it should describe (an arXiv RSS feed not yet rebuilt). */
  stale: boolean;
  /** The upstream answered 304 Not Modified: nothing changed since the last run. */
  notModified?: boolean;
  /** Human-readable notes: why it looked empty or stale, how many items were held back, ... */
  notes: string[];
}

export interface ParseResult {
  papers: PaperInput[];
  /** Items skipped, each with where and why. */
  skipped: SkippedItem[];
  health?: SourceHealth;
}

/** A whole document that cannot be read: an error for this source alone. */
export class SourceError extends Error {
  override name = 'SourceError';
}

export function healthy(notes: string[] = []): SourceHealth {
  return { empty: false, stale: false, notes };
}

/** Checks one candidate item: a valid one joins the papers, a bad one is skipped with its reason. True when kept. */
export function keepIfValid(result: ParseResult, candidate: unknown, where: string): boolean {
  const valid = validatePaperInput(candidate);
  if (valid.ok) result.papers.push(valid.paper);
  else result.skipped.push({ where, reason: valid.reason });
  return valid.ok;
}
