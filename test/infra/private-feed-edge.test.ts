/**
 * The private feeds at the edge: CloudFront keeps each `/api/feed/<token>` (per `format`) until publish or a
 * change to that subscriber invalidates it, the rest of `/api/*` stays uncached, and exactly the functions that
 * invalidate may do so, in this distribution only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AllowedMethods, CachePolicy } from 'aws-cdk-lib/aws-cloudfront';
import { API_ROUTES, ENV, PRIVATE_FEED_EDGE, PRIVATE_FEED_PREFIX } from '@paperboy/core';
import { ACCOUNT, deployedNames, evaluate, requestsOf, rolesOf, type Deployed, type Role } from '../../infra/check/iam.js';
import { paperboyFunctions, settingsWith, synthesize, type Synthesized } from './helpers.js';

type Resource = { Type: string; Properties?: Record<string, any>; DependsOn?: string | string[] };
interface Behavior {
  PathPattern?: string;
  TargetOriginId: string;
  AllowedMethods?: string[];
  CachePolicyId?: unknown;
  OriginRequestPolicyId?: unknown;
  ResponseHeadersPolicyId?: unknown;
  ViewerProtocolPolicy?: string;
}

/** A CloudFront path pattern (`*` any characters, `?` one) as a regular expression. */
const pathPattern = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/** The functions that invalidate private feeds (folder names). */
const INVALIDATING = ['publish', 'subscriptions', 'ses-events'];

/** The resources each resource depends on: Ref, Fn::GetAtt, Fn::Sub's ${...}, DependsOn. */
function dependencies(resources: Record<string, Resource>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const collect = (value: unknown, into: Set<string>): void => {
    if (Array.isArray(value)) return value.forEach((v) => collect(v, into));
    if (!value || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt') into.add((v as [string])[0]);
      else if (key === 'Fn::Sub') for (const [, name] of JSON.stringify(v).matchAll(/\$\{([^}.!]+)/g)) into.add(name!);
      collect(v, into);
    }
  };
  for (const [id, r] of Object.entries(resources)) {
    const deps = new Set<string>([r.DependsOn ?? []].flat());
    collect(r.Properties, deps);
    graph.set(id, new Set([...deps].filter((d) => d in resources)));
  }
  return graph;
}

/** One dependency cycle of the template (logical ids, first repeated at the end), or undefined. */
function findCycle(resources: Record<string, Resource>): string[] | undefined {
  const graph = dependencies(resources);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const dep of graph.get(id) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of graph.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('private feeds at the edge', () => {
  let s: Synthesized;
  let resources: Record<string, Resource>;
  let distributionId: string;
  let behaviors: Behavior[];
  let roles: Role[];
  let deployed: Deployed;

  beforeAll(() => {
    const settings = settingsWith();
    s = synthesize(settings);
    resources = s.stateless.toJSON().Resources as Record<string, Resource>;
    const [id, cdn] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::CloudFront::Distribution')!;
    distributionId = id;
    const config = cdn.Properties!['DistributionConfig'];
    behaviors = config.CacheBehaviors as Behavior[];
    roles = rolesOf(s.stacks);
    deployed = deployedNames(s.stacks, settings);
  });

  const behavior = (pattern: string) => behaviors.find((b) => b.PathPattern === pattern)!;
  /** The behaviour CloudFront picks for a path: the first whose pattern matches, else the default. */
  const behaviorFor = (path: string) => behaviors.find((b) => pathPattern(b.PathPattern!).test(path))?.PathPattern ?? '(default)';

  it('sends /api/feed/<token> to its own behaviour, listed before /api/*, and the rest of the API (the old /api/feed?token= too) to /api/*', () => {
    expect(behaviors.map((b) => b.PathPattern)).toEqual([PRIVATE_FEED_EDGE.pathPattern, '/api/*']);
    expect(behaviorFor(`${PRIVATE_FEED_PREFIX}abc123`)).toBe(PRIVATE_FEED_EDGE.pathPattern);
    expect(behaviorFor('/api/feed')).toBe('/api/*');
    // Every route of the API: only the private feed's lands on the cached behaviour.
    const routed = API_ROUTES.map((r) => `${r.method} ${r.path} -> ${behaviorFor(r.path.replace(/\{\w+\}/g, 'x'))}`);
    expect(routed.filter((r) => r.endsWith(PRIVATE_FEED_EDGE.pathPattern))).toEqual([`GET /api/feed/{token} -> ${PRIVATE_FEED_EDGE.pathPattern}`, `HEAD /api/feed/{token} -> ${PRIVATE_FEED_EDGE.pathPattern}`]);
    expect(routed.filter((r) => r.endsWith('(default)'))).toEqual([]);
    expect(behaviorFor('/index.html')).toBe('(default)');
  });

  it('serves the private feeds read-only over HTTPS from the HTTP API, with the security headers and no origin request policy', () => {
    const feeds = behavior(PRIVATE_FEED_EDGE.pathPattern);
    const api = behavior('/api/*');
    expect(feeds.TargetOriginId).toBe(api.TargetOriginId);
    expect(feeds.AllowedMethods).toEqual(AllowedMethods.ALLOW_GET_HEAD.methods);
    expect(feeds.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(feeds.ResponseHeadersPolicyId).toEqual(api.ResponseHeadersPolicyId);
    // Only the cache key (the path and `format`) reaches the origin: no viewer address, no other header.
    expect(feeds.OriginRequestPolicyId).toBeUndefined();
  });

  it('keeps each feed a day per path and format, whatever else the request carries, even though the function says private', () => {
    const policyId = (behavior(PRIVATE_FEED_EDGE.pathPattern).CachePolicyId as { Ref: string }).Ref;
    const policy = resources[policyId]!;
    expect(policy.Type).toBe('AWS::CloudFront::CachePolicy');
    const config = policy.Properties!['CachePolicyConfig'];
    // minTTL > 0 is what makes CloudFront keep an answer sent with `Cache-Control: private`.
    expect(config).toMatchObject({ MinTTL: PRIVATE_FEED_EDGE.ttlSeconds, DefaultTTL: PRIVATE_FEED_EDGE.ttlSeconds, MaxTTL: PRIVATE_FEED_EDGE.ttlSeconds });
    expect(PRIVATE_FEED_EDGE.ttlSeconds).toBeGreaterThan(0);
    expect(config.ParametersInCacheKeyAndForwardedToOrigin).toEqual({
      QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['format'] },
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
    });
  });

  it('still caches nothing else of /api/*', () => {
    const api = behavior('/api/*');
    expect(api.CachePolicyId).toBe(CachePolicy.CACHING_DISABLED.cachePolicyId);
    expect(api.AllowedMethods).toEqual(AllowedMethods.ALLOW_ALL.methods);
  });

  it('tells publish, subscriptions and ses-events the distribution id, and no other function', () => {
    const withId = Object.entries(paperboyFunctions(s.stateless))
      .filter(([, fn]) => fn.Properties.Environment.Variables[ENV.distributionId] !== undefined)
      .map(([id, fn]) => [id.replace(/[0-9A-F]{8}$/, ''), fn.Properties.Environment.Variables[ENV.distributionId]]);
    expect(withId).toEqual([
      ['Publish', { Ref: distributionId }],
      ['Subscriptions', { Ref: distributionId }],
      ['SesEvents', { Ref: distributionId }],
    ]);
  });

  it('allows cloudfront:CreateInvalidation on this distribution to exactly those three functions', async () => {
    const invalidate = { action: 'cloudfront:CreateInvalidation', resource: deployed.distribution, context: {} };
    expect(deployed.distribution).toBe(`arn:aws:cloudfront::${ACCOUNT}:distribution/${distributionId}`);
    const allowed: string[] = [];
    for (const role of roles) if ((await evaluate(role, invalidate)).allowed) allowed.push(role.fn);
    expect(allowed.sort()).toEqual([...INVALIDATING].sort());
    // What a recorded CreateInvalidation call maps to is the same request.
    expect(requestsOf({ fn: 'publish', service: 'CloudFront', operation: 'CreateInvalidation' }, deployed)).toEqual([invalidate]);
  });

  it('grants the invalidating functions that one action on that one distribution, nothing of another', async () => {
    for (const role of roles.filter((r) => INVALIDATING.includes(r.fn))) {
      const cloudfront = role.statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('cloudfront:')));
      expect(cloudfront, role.fn).toEqual([{ Effect: 'Allow', Action: 'cloudfront:CreateInvalidation', Resource: [deployed.distribution] }]);
      const elsewhere = await evaluate(role, { action: 'cloudfront:CreateInvalidation', resource: `arn:aws:cloudfront::${ACCOUNT}:distribution/EOTHER`, context: {} });
      expect(elsewhere.allowed, role.fn).toBe(false);
    }
  });

  it('makes no dependency cycle: the distribution depends on the API, not on the functions that name it', () => {
    expect(findCycle(resources)).toBeUndefined();
    // The check is live: a distribution that waited for a function which names it is a cycle.
    const subscriptions = Object.keys(paperboyFunctions(s.stateless)).find((id) => id.startsWith('Subscriptions'))!;
    const withCycle = structuredClone(resources);
    withCycle[distributionId]!.DependsOn = [subscriptions];
    expect(findCycle(withCycle)).toEqual(expect.arrayContaining([distributionId, subscriptions]));
  });
});
