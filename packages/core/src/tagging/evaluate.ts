/** Precision / recall / F1 of predicted tags against expert labels (multi-label, per tag, micro and macro). */

export interface LabelledPrediction {
  title: string;
  expected: readonly string[];
  got: readonly string[];
}

export interface TagMetrics {
  tag: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Evaluation {
  perTag: TagMetrics[];
  micro: { precision: number; recall: number; f1: number };
  /** Mean F1 over the tags that occur in the labels or the predictions. */
  macroF1: number;
  /** Papers whose predicted set differs from the expected set. */
  wrong: LabelledPrediction[];
  papers: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

export function evaluateTagging(items: readonly LabelledPrediction[]): Evaluation {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const get = (tag: string) => counts.get(tag) ?? counts.set(tag, { tp: 0, fp: 0, fn: 0 }).get(tag)!;
  const wrong: LabelledPrediction[] = [];
  for (const item of items) {
    const expected = new Set(item.expected);
    const got = new Set(item.got);
    for (const t of got) (expected.has(t) ? get(t).tp++ : get(t).fp++);
    for (const t of expected) if (!got.has(t)) get(t).fn++;
    if (expected.size !== got.size || [...expected].some((t) => !got.has(t))) wrong.push(item);
  }
  const perTag = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([tag, c]) => {
      const precision = ratio(c.tp, c.tp + c.fp);
      const recall = ratio(c.tp, c.tp + c.fn);
      return { tag, ...c, precision, recall, f1: f1(precision, recall) };
    });
  const tp = perTag.reduce((s, t) => s + t.tp, 0);
  const fp = perTag.reduce((s, t) => s + t.fp, 0);
  const fn = perTag.reduce((s, t) => s + t.fn, 0);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    perTag,
    micro: { precision, recall, f1: f1(precision, recall) },
    macroF1: ratio(perTag.reduce((s, t) => s + t.f1, 0), perTag.length),
    wrong,
    papers: items.length,
  };
}
