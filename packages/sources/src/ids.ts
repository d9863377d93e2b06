/** Ids and links shared by the parsers. */
import { parseArxivId, titleFingerprint, type PaperLinks } from '@paperboy/core';

/** The arXiv id (and version) in an abs/pdf URL, an `oai:arXiv.org:` guid or a bare id; versions are stripped by an anchored pattern. */
export function arxivIdFrom(raw: string | undefined): { id: string; version?: number } | undefined {
  if (!raw) return undefined;
  const s = raw.trim();
  const m = /^(?:https?:\/\/(?:export\.|www\.)?arxiv\.org\/(?:abs|pdf)\/|oai:arXiv\.org:|arXiv:)?(.+?)(?:\.pdf)?$/i.exec(s);
  return m ? parseArxivId(m[1]!) : undefined;
}

export function arxivLinks(id: string): PaperLinks {
  return { abs: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}` };
}

/** The stable id: the bare arXiv id when known, else the title fingerprint. */
export function stableId(title: string, arxivId?: string): string {
  return arxivId ?? titleFingerprint(title);
}
