import { describe, expect, it } from 'vitest';
import { FOLLOW_LIMITS, preferencesProblems, preferencesRequestSchema, PHRASE_SYNTAX_MESSAGE } from '@paperboy/core';

const schema = preferencesRequestSchema(['agents', 'llm', 'vision']);
const parse = (over: Record<string, unknown>) => schema.safeParse({ topics: [], keywords: '', authors: '', frequency: 'daily', ...over });
/** The one problem of each field, as the form shows it beside the field. */
const problems = (over: Record<string, unknown>) => {
  const r = parse(over);
  expect(r.success).toBe(false);
  return preferencesProblems(r.error!);
};

describe('preferencesRequestSchema', () => {
  it('takes keyword phrases and authors one a line, trimmed, blank lines and duplicates dropped silently', () => {
    const r = parse({
      topics: ['llm'],
      keywords: '  speculative   decoding \r\n\nfine-tun*\nspeculative decoding\nMoE\n',
      authors: 'Yann LeCun\n  Zoë Müller \nyann  lecun\nYANN LECUN\n\n',
      frequency: 'weekly',
    });
    expect(r.success).toBe(true);
    expect(r.data).toEqual({
      topics: ['llm'],
      keywords: ['speculative decoding', 'fine-tun*', 'MoE'],
      authors: ['Yann LeCun', 'Zoë Müller'],
      frequency: 'weekly',
      // Follow-ups are off unless chosen.
      followUps: 'off',
    });
  });

  it('takes a follow-up choice, and names the field when it is not one', () => {
    expect(parse({ topics: ['llm'], frequency: 'daily', followUps: 'always' }).data).toMatchObject({ followUps: 'always' });
    const bad = parse({ topics: ['llm'], frequency: 'daily', followUps: 'sometimes' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toBe('followUps must be "off", "digest" or "always"');
  });

  it('takes JSON lists too, and no topic at all when there is a keyword or an author', () => {
    expect(parse({ keywords: ['diffusion'] }).data).toMatchObject({ topics: [], keywords: ['diffusion'], authors: [] });
    expect(parse({ authors: ['Ada Lovelace'] }).data).toMatchObject({ topics: [], keywords: [], authors: ['Ada Lovelace'] });
    expect(schema.safeParse({ authors: ['Ada Lovelace'], frequency: 'daily' }).success).toBe(true);
  });

  it('refuses a subscription to nothing', () => {
    expect(problems({})).toEqual({ topics: 'topics: choose at least one topic, keyword or author' });
    expect(problems({ keywords: '\n  \n', authors: ' ' })).toEqual({ topics: 'topics: choose at least one topic, keyword or author' });
  });

  it('says which keyword line is wrong, and why', () => {
    expect(problems({ keywords: 'diffusion\n\na<b\n' })).toEqual({ keywords: `keywords: line 3 "a<b": ${PHRASE_SYNTAX_MESSAGE}` });
    expect(PHRASE_SYNTAX_MESSAGE).toMatch(/^must be words of letters and digits/);
    expect(problems({ keywords: 'ok\n**' }).keywords).toMatch(/^keywords: line 2 "\*\*": must be words/);
    expect(problems({ keywords: `${'a'.repeat(61)}` }).keywords).toBe(`keywords: line 1 "${'a'.repeat(59)}…": must be at most ${FOLLOW_LIMITS.keywordChars} characters`);
    expect(parse({ keywords: 'a'.repeat(60) }).success).toBe(true);
    expect(problems({ keywords: 'one two three four five six seven' }).keywords).toBe('keywords: line 1 "one two three four five six seven": must be at most 6 words');
    expect(parse({ keywords: 'one two three four-five six' }).success).toBe(true);
    expect(problems({ keywords: ['ok', 7] }).keywords).toBe('keywords: must be text, one phrase a line');
  });

  it('takes at most 20 phrases and 20 authors, counted after duplicates are dropped', () => {
    const words = Array.from({ length: 21 }, (_, i) => `word${i}`);
    expect(problems({ keywords: words.join('\n') }).keywords).toBe('keywords: at most 20 phrases (21 given)');
    expect(parse({ keywords: [...words.slice(0, 20), 'word0', 'word1'].join('\n') }).data?.keywords).toHaveLength(20);
    const names = Array.from({ length: 21 }, (_, i) => `Author Number${String.fromCharCode(97 + i)}`);
    expect(problems({ authors: names.join('\n') }).authors).toBe('authors: at most 20 authors (21 given)');
  });

  it('says which author line is wrong: no letter, or too long', () => {
    expect(problems({ authors: 'Ada Lovelace\n1234 / 5' }).authors).toBe('authors: line 2 "1234 / 5": must be a name with at least one letter');
    expect(problems({ authors: `Ada ${'x'.repeat(100)}` }).authors).toMatch(/^authors: line 1 "Ada x+…": must be at most 100 characters$/);
    expect(parse({ authors: `A ${'x'.repeat(98)}` }).success).toBe(true);
  });

  it('reports each field beside itself, at once', () => {
    expect(problems({ topics: ['astrology'], keywords: 'x<y', authors: '42', frequency: 'hourly' })).toEqual({
      topics: 'topics: unknown topic "astrology"; known topics are agents, llm, vision',
      keywords: `keywords: line 1 "x<y": ${PHRASE_SYNTAX_MESSAGE}`,
      authors: 'authors: line 1 "42": must be a name with at least one letter',
      frequency: 'frequency must be "daily" or "weekly"',
    });
  });
});
