/** Lambda: render every feed and page, upload only what changed. */
import { invokedAs } from '@paperboy/aws';
import { publishSite, readHealthNotices, recordPublish, type PublishCounts, type RenderSite } from '@paperboy/core';
import { renderSite } from '@paperboy/feeds';
import type { BaseRuntime, Runtime } from '../commons/runtime.js';
import { lambdaObjectStore, lambdaRuntimeWithEdge } from '../commons/lambda-runtime.js';

export function makeHandler(rt: BaseRuntime & Pick<Runtime, 'objects'>, extras: { render?: RenderSite; onProgress?: (done: number, total: number) => void } = {}) {
  return invokedAs('publish', async (): Promise<PublishCounts> => {
    const startedAt = rt.clock.now();
    const { site, feeds } = rt.config.owner;
    const notices = await readHealthNotices({ owner: rt.config.owner, runsIn: rt.config.runsIn, sourceStates: rt.sourceStates, now: startedAt });
    const counts = await publishSite({
      papers: rt.papers,
      objects: rt.objects,
      render: extras.render ?? renderSite,
      site: { title: site.title, description: site.description, language: site.language, url: rt.config.siteUrl },
      topics: rt.config.taxonomy.topics,
      maxItems: feeds.maxItems,
      clock: rt.clock,
      notices,
      onProgress: extras.onProgress,
    });
    await recordPublish(
      {
        kind: 'publish',
        startedAt: startedAt.toISOString(),
        finishedAt: rt.clock.now().toISOString(),
        counts: { objects: counts.objects, uploaded: counts.uploaded, unchanged: counts.unchanged },
        errors: [],
      },
      rt,
    );
    rt.logger.info('publish finished', { objects: counts.objects, uploaded: counts.uploaded });
    return counts;
  });
}

let cached: ReturnType<typeof makeHandler> | undefined;
export const handler = async () => (cached ??= makeHandler(cloud()))();

function cloud(): BaseRuntime & Pick<Runtime, 'objects'> {
  const rt = lambdaRuntimeWithEdge();
  return { ...rt, objects: lambdaObjectStore(rt.config) };
}
