/** Use case: render every feed and page from the store, upload only the objects whose bytes changed. */
import type { Paper, SiteObject } from '../model.js';
import type { Clock, ObjectStore, PaperRepository } from '../ports.js';
import type { Topic } from '../taxonomy.js';
import { sha256 } from '../text.js';

/** Keys under this prefix are internal to publish: never served, locally or by CloudFront. */
export const INTERNAL_PREFIX = '_paperboy/';
export const MANIFEST_KEY = `${INTERNAL_PREFIX}manifest.json`;

export interface SiteSettings {
  title: string;
  description: string;
  url: string;
  language: string;
}

export interface RenderSiteInput {
  site: SiteSettings;
  topics: Topic[];
  papers: Paper[];
  topicCounts: Record<string, number>;
  maxItems: number;
  generatedAt: Date;
}

export type RenderSite = (input: RenderSiteInput) => SiteObject[];

export interface PublishCounts {
  objects: number;
  uploaded: number;
  unchanged: number;
  uploadedKeys: string[];
}

export async function publishSite(deps: {
  papers: PaperRepository;
  objects: ObjectStore;
  render: RenderSite;
  site: SiteSettings;
  topics: Topic[];
  maxItems: number;
  clock: Clock;
  onProgress?: (done: number, total: number) => void;
}): Promise<PublishCounts> {
  // Only what the feeds show: the latest N overall and the latest N of each topic.
  const byId = new Map<string, Paper>();
  for (const p of await deps.papers.listLatest(deps.maxItems)) byId.set(p.id, p);
  const topicCounts: Record<string, number> = {};
  for (const topic of deps.topics) {
    for (const p of await deps.papers.listLatestByTopic(topic.slug, deps.maxItems)) byId.set(p.id, p);
    topicCounts[topic.slug] = await deps.papers.countByTopic(topic.slug);
  }
  const objects = deps.render({
    site: deps.site,
    topics: deps.topics,
    papers: [...byId.values()],
    topicCounts,
    maxItems: deps.maxItems,
    generatedAt: deps.clock.now(),
  });

  const previous = parseManifest(await deps.objects.get(MANIFEST_KEY));
  const next: Record<string, string> = {};
  const counts: PublishCounts = { objects: objects.length, uploaded: 0, unchanged: 0, uploadedKeys: [] };
  let done = 0;
  for (const object of objects) {
    const hash = sha256(`${object.contentType}\n${object.cacheControl}\n${object.body}`);
    next[object.key] = hash;
    if (previous[object.key] === hash) {
      counts.unchanged++;
    } else {
      await deps.objects.put({ ...object, metadata: { 'content-sha256': hash } });
      counts.uploaded++;
      counts.uploadedKeys.push(object.key);
    }
    deps.onProgress?.(++done, objects.length);
  }
  // The manifest goes last: after a crash, the next run re-uploads what it cannot prove is there.
  if (counts.uploaded > 0 || Object.keys(previous).length !== objects.length) {
    await deps.objects.put({
      key: MANIFEST_KEY,
      body: JSON.stringify(next, Object.keys(next).sort(), 1),
      contentType: 'application/json; charset=utf-8',
      cacheControl: 'no-store',
    });
  }
  return counts;
}

function parseManifest(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}
