/** Which source format a saved document is: for `paperboy ingest --file PATH` without `--source`. */
export type DetectedFormat = 'hf-daily' | 'arxiv-api' | 'arxiv-rss' | 'feed' | 'snapshot';

export function detectFormat(text: string): DetectedFormat {
  const head = text.replace(/^\uFEFF/, '').trimStart().slice(0, 4000);
  if (head.startsWith('[')) return 'hf-daily';
  if (head.startsWith('{')) return /jsonfeed\.org/.test(head) ? 'feed' : 'hf-daily';
  if (head.startsWith('<')) {
    if (/<feed[\s>]/.test(head) && /arxiv\.org\/(?:schemas\/atom|api)/i.test(head) && /opensearch/i.test(head)) return 'arxiv-api';
    if (/<rss[\s>]/.test(head) && /rss\.arxiv\.org|arxiv:announce_type/i.test(head)) return 'arxiv-rss';
    return 'feed';
  }
  return 'snapshot';
}
