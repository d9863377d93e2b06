/**
 * Checks recorded AWS calls against the synthesized IAM roles of the functions.
 *
 * The embedded stand-ins enforce no IAM, so every call the handlers make while the tests run is
 * recorded (packages/aws/src/call-recorder.ts) and mapped here to the IAM request AWS would
 * authorise: action, resource ARN and condition keys. Each function's policies are read from both
 * synthesized templates, their intrinsic functions resolved to concrete ARNs in a fixed account,
 * and every request is evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate, which
 * also rejects unknown actions and resource types an action does not take).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { AwsCall } from '@paperboy/aws';
import type { PaperboyStacks } from '../lib/paperboy.js';
import type { AppFunction } from '../lib/app-function.js';
import { mailFromIdentities, type PaperboySettings } from '../lib/settings.js';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { checkApp } from './app.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

type Json = any; // CloudFormation template fragments
type Resources = Record<string, { Type: string; Properties?: Json }>;
interface TemplateJson {
  Resources: Resources;
  Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** One IAM request, as AWS authorises an SDK call. */
export interface IamRequest {
  action: string;
  resource: string;
  context: Record<string, string>;
}

export interface Role {
  /** The function's folder name under functions/ (what the call recorder names). */
  fn: string;
  statements: Statement[];
}

/** Every AWS call logged under a folder (one JSON line per call, one file per process). */
export function readCallLog(dir: string): AwsCall[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AwsCall),
    );
}

/**
 * Resolves CloudFormation values to strings in a fixed account and region. A resource's physical
 * name is its logical id, so `Ref` and `Fn::GetAtt ... Arn` give the ARNs AWS would, and the same
 * ARNs are built for the recorded calls (whose local names stand for these resources).
 */
export class TemplateResolver {
  private readonly templates: TemplateJson[];
  constructor(templates: TemplateJson[]) {
    this.templates = templates;
  }

  private find(logicalId: string): { type: string } {
    for (const t of this.templates) if (t.Resources[logicalId]) return { type: t.Resources[logicalId]!.Type };
    throw new Error(`no resource ${logicalId} in the synthesized templates`);
  }

  arnOf(logicalId: string): string {
    const { type } = this.find(logicalId);
    switch (type) {
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${logicalId}`;
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${logicalId.toLowerCase()}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${REGION}:${ACCOUNT}:${logicalId}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${logicalId}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${logicalId}:*`;
      case 'AWS::IAM::ManagedPolicy':
        return `arn:aws:iam::${ACCOUNT}:policy/${logicalId}`;
      case 'AWS::CloudFront::Distribution':
        // Global: no region in the ARN.
        return `arn:aws:cloudfront::${ACCOUNT}:distribution/${logicalId}`;
      default:
        throw new Error(`no ARN form for ${type} (${logicalId})`);
    }
  }

  private ref(logicalId: string): string {
    const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };
    if (pseudo[logicalId]) return pseudo[logicalId]!;
    const { type } = this.find(logicalId);
    switch (type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::Lambda::Function':
      case 'AWS::SES::ConfigurationSet':
      case 'AWS::CloudFront::Distribution': // the distribution id
        return logicalId;
      case 'AWS::S3::Bucket':
        return logicalId.toLowerCase();
      case 'AWS::SQS::Queue':
        return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${logicalId}`;
      default:
        // Secrets, topics, managed policies: Ref is the ARN.
        return this.arnOf(logicalId);
    }
  }

  resolve(value: Json): string {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      if ('Ref' in value) return this.ref(value.Ref);
      if ('Fn::GetAtt' in value) {
        const [id, attribute] = value['Fn::GetAtt'] as [string, string];
        if (attribute === 'Arn') return this.arnOf(id);
        throw new Error(`Fn::GetAtt ${id}.${attribute} is not resolvable here`);
      }
      if ('Fn::Join' in value) {
        const [sep, parts] = value['Fn::Join'] as [string, Json[]];
        return parts.map((p) => this.resolve(p)).join(sep);
      }
      if ('Fn::Sub' in value) {
        const [text, vars] = (Array.isArray(value['Fn::Sub']) ? value['Fn::Sub'] : [value['Fn::Sub'], {}]) as [string, Record<string, Json>];
        return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
          if (vars[name] !== undefined) return this.resolve(vars[name]);
          const [id, attr] = name.split('.');
          return attr ? this.resolve({ 'Fn::GetAtt': [id, attr] }) : this.ref(id!);
        });
      }
      if ('Fn::GetStackOutput' in value) {
        const { OutputName } = value['Fn::GetStackOutput'] as { OutputName: string };
        for (const t of this.templates) if (t.Outputs?.[OutputName]) return this.resolve(t.Outputs[OutputName]!.Value);
        throw new Error(`no output named ${OutputName}`);
      }
      if ('Fn::ImportValue' in value) {
        const name = this.resolve(value['Fn::ImportValue']);
        for (const t of this.templates) {
          for (const output of Object.values(t.Outputs ?? {})) {
            if (output.Export && this.resolve(output.Export.Name) === name) return this.resolve(output.Value);
          }
        }
        throw new Error(`no export named ${name}`);
      }
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  }

  /** A statement with its resources resolved to ARNs. */
  statement(raw: Json): Statement {
    return { ...raw, Resource: [raw.Resource].flat().map((r: Json) => this.resolve(r)) };
  }
}

/** The functions' roles, by folder name, with every statement of their inline and attached policies. */
export function rolesOf(stacks: PaperboyStacks): Role[] {
  const templates = [stacks.data, stacks.app].map(appTemplate);
  const resolver = new TemplateResolver(templates);
  const all = templates.flatMap((t) => Object.entries(t.Resources));
  return Object.values(stacks.app.functions).map((fn: AppFunction) => {
    const roleId = Stack.of(fn).getLogicalId(fn.role!.node.defaultChild as never);
    const statements: Json[] = [];
    for (const [, r] of all) {
      if (r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as Json[]).some((x) => x.Ref === roleId)) statements.push(...r.Properties.PolicyDocument.Statement);
    }
    const role = templates[1]!.Resources[roleId]!;
    for (const arn of (role.Properties.ManagedPolicyArns ?? []) as Json[]) {
      const resolved = resolver.resolve(arn);
      const policy = all.find(([id, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && resolver.arnOf(id) === resolved);
      if (!policy) throw new Error(`${fn.functionDir}: attached policy ${resolved} is not in the templates (an AWS managed policy?)`);
      statements.push(...policy[1].Properties.PolicyDocument.Statement);
    }
    return { fn: fn.functionDir, statements: statements.map((s) => resolver.statement(s)) };
  });
}

function appTemplate(stack: Stack): TemplateJson {
  return Template.fromStack(stack).toJSON() as TemplateJson;
}

/** What the deployed stack's names are for the resources the tests create under local names. */
export interface Deployed {
  table: string;
  bucket: string;
  configurationSet: string;
  /** The SSM parameter of the HMAC key (created at run time, so named by the data stack, not a resource). */
  hmacKeyParameter: string;
  publishFunction: string;
  sendFunction: string;
  signupFunction: string;
  /** The CloudFront distribution the functions invalidate private feeds in. */
  distribution: string;
  /** The sender identity SES authorises (the domain or the address, per deploy.sesIdentity). */
  senderIdentity: string;
  senderAddress: string;
}

export function deployedNames(stacks: PaperboyStacks, settings: PaperboySettings): Deployed {
  const templates = [stacks.data, stacks.app].map(appTemplate);
  const resolver = new TemplateResolver(templates);
  const idOf = (type: string, prefix = ''): string => {
    for (const t of templates) {
      const hit = Object.entries(t.Resources).find(([id, r]) => r.Type === type && id.startsWith(prefix));
      if (hit) return hit[0];
    }
    throw new Error(`no ${type} ${prefix}`);
  };
  const { address, domain } = mailFromIdentities(settings.owner.mail.from);
  return {
    table: resolver.arnOf(idOf('AWS::DynamoDB::Table')),
    bucket: resolver.arnOf(idOf('AWS::S3::Bucket', 'SiteBucket')),
    configurationSet: `arn:aws:ses:${REGION}:${ACCOUNT}:configuration-set/${idOf('AWS::SES::ConfigurationSet')}`,
    hmacKeyParameter: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${stacks.data.hmacKeyParameterName}`,
    publishFunction: resolver.arnOf(idOf('AWS::Lambda::Function', 'Publish')),
    sendFunction: resolver.arnOf(idOf('AWS::Lambda::Function', 'SendDigests')),
    signupFunction: resolver.arnOf(idOf('AWS::Lambda::Function', 'ProcessSignups')),
    distribution: resolver.arnOf(idOf('AWS::CloudFront::Distribution')),
    senderIdentity: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${settings.owner.deploy.sesIdentity === 'address' ? address : domain}`,
    senderAddress: address,
  };
}

/** S3 operations that AWS authorises as another action. */
const S3_ACTIONS: Record<string, string> = { HeadObject: 's3:GetObject', ListObjectsV2: 's3:ListBucket', HeadBucket: 's3:ListBucket', DeleteObjects: 's3:DeleteObject' };

/** The IAM requests AWS makes of one SDK call, in the deployed account. */
export function requestsOf(call: AwsCall, deployed: Deployed): IamRequest[] {
  switch (call.service) {
    case 'DynamoDB':
      // Every table the tests create stands for the one table of the stack.
      return (call.tables ?? []).map((t) => {
        const index = t.split('/index/')[1];
        return { action: `dynamodb:${call.operation}`, resource: index ? `${deployed.table}/index/${index}` : deployed.table, context: {} };
      });
    case 'S3': {
      const action = S3_ACTIONS[call.operation] ?? `s3:${call.operation}`;
      const bucketLevel = action === 's3:ListBucket';
      return [{ action, resource: bucketLevel ? deployed.bucket : `${deployed.bucket}/${call.key ?? ''}`, context: {} }];
    }
    case 'SESv2': {
      // SES authorises the sender's identity and the configuration set; in the sandbox also each
      // recipient's identity. The deployed function always sends as the owner's mail.from.
      const context = { 'ses:FromAddress': deployed.senderAddress };
      const resources = [deployed.senderIdentity, deployed.configurationSet, ...(call.to ?? []).map((to) => `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${to}`)];
      return resources.map((resource) => ({ action: `ses:${call.operation}`, resource, context }));
    }
    case 'Lambda': {
      // The function named by the call (a deployed name holds its construct id: ...-SendDigests...-abc).
      const target = call.target ?? '';
      const resource = /send-?digests/i.test(target) ? deployed.sendFunction : /signup/i.test(target) ? deployed.signupFunction : deployed.publishFunction;
      return [{ action: 'lambda:InvokeFunction', resource, context: {} }];
    }
    case 'SSM':
      // Every parameter the tests create stands for the one HMAC key parameter of the stack.
      return [{ action: `ssm:${call.operation}`, resource: deployed.hmacKeyParameter, context: {} }];
    case 'CloudFront':
      // Every distribution id the tests use stands for the one distribution of the stack (CreateInvalidation).
      return [{ action: `cloudfront:${call.operation}`, resource: deployed.distribution, context: {} }];
    default:
      throw new Error(`no IAM mapping for ${call.service}:${call.operation}`);
  }
}

export interface Verdict {
  request: IamRequest;
  allowed: boolean;
  detail?: string;
}

/** Evaluates one request against a role's statements, as AWS would for an identity policy. */
export async function evaluate(role: Role, request: IamRequest): Promise<Verdict> {
  const response = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/${role.fn}`,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: request.context,
      },
      identityPolicies: [{ name: role.fn, policy: { Version: '2012-10-17', Statement: role.statements as Json } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType === 'error') return { request, allowed: false, detail: JSON.stringify(response.errors) };
  return { request, allowed: response.overallResult === 'Allowed', detail: response.overallResult };
}

/** Does this statement grant this action on this resource (ignoring conditions)? */
export function grants(statement: Statement, action: string, resource: string): boolean {
  const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (
    statement.Effect === 'Allow' &&
    [statement.Action].flat().some((a) => glob(a).test(action)) &&
    [statement.Resource].flat().some((r) => glob(r).test(resource))
  );
}

/**
 * Synthesizes the stacks for these settings (bundling skipped) and evaluates every call made by a
 * function against its role: the denied ones, one line each. Used by the simulation.
 */
export async function deniedCalls(calls: AwsCall[], settings: PaperboySettings): Promise<string[]> {
  const { buildPaperboy } = await import('../lib/paperboy.js');
  const stacks = buildPaperboy(checkApp(), settings, { nag: false });
  const roles = rolesOf(stacks);
  const deployed = deployedNames(stacks, settings);
  const seen = new Set<string>();
  const denied: string[] = [];
  for (const call of calls) {
    if (!call.fn) continue;
    const role = roles.find((r) => r.fn === call.fn);
    for (const request of requestsOf(call, deployed)) {
      const key = `${call.fn} ${request.action} ${request.resource}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const verdict = role ? await evaluate(role, request) : { allowed: false, detail: 'no role' };
      if (!verdict.allowed) denied.push(`${call.fn}: ${request.action} on ${request.resource} (${verdict.detail})`);
    }
  }
  return denied;
}
