/**
 * Validates the `Properties` of every resource in a synthesized template against the CloudFormation
 * resource provider schema of its type (test/infra/cfn-schemas/, from cfn-lint; see PROVENANCE.md
 * there), with ajv. The schemas are JSON Schema draft-07 plus a few keywords of their own.
 *
 * Intrinsic functions. A template may put `{ "Ref": ... }` or `{ "Fn::...": ... }` wherever a value
 * stands. Each schema is rewritten once so that every value position (each property, pattern
 * property, additional property and array item) accepts either its original subschema or a
 * well-formed intrinsic: an object with exactly one key, a known function name, and arguments of the
 * right shape. A literal value still meets the original subschema unchanged, so nothing a literal
 * gets wrong is hidden; an intrinsic is taken on trust only for what it resolves to at deploy time,
 * which no static check can know (cfn-lint reads the schemas the same way). Replacing intrinsics by
 * typed placeholders instead would need the expected type at each position, including inside
 * oneOf/anyOf branches, and a wrong guess there would silently pass or fail.
 *
 * Beyond draft-07, ajv is kept strict (an unknown keyword or format stops compilation, so a new
 * schema cannot be half understood) and is taught the schemas' extra keywords: `dependentRequired`
 * (ajv's own), `requiredXor`, `requiredOr`, `dependentExcluded`, `uniqueKeys`, `maxUniqueItems` and `prefixItems`
 * as cfn-lint defines them; `insertionOrder` and `relationshipRef` are annotations. Read-only
 * properties (`readOnlyProperties`) must not be set.
 *
 * Not from the registry: custom resources (`Custom::*`, `AWS::CloudFormation::CustomResource`) are
 * defined by their provider, so only what CloudFormation itself needs is checked, a `ServiceToken`;
 * `AWS::CDK::Metadata` has a stub schema that accepts any properties. A type with neither a schema
 * nor such a rule is an error, so a new type needs its schema copied in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { type ErrorObject, type KeywordDefinition, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import dependentRequired from 'ajv/dist/vocabularies/validation/dependentRequired.js';

export const SCHEMA_DIR = fileURLToPath(new URL('./cfn-schemas/', import.meta.url));

type Schema = Record<string, any>;
type Json = unknown;

/** `AWS::S3::Bucket` -> `aws-s3-bucket.json`, as the schema files are named. */
export const schemaFileOf = (type: string) => `${type.toLowerCase().replace(/::/g, '-')}.json`;

const anyArgs = {};
const list = (...items: Schema[]) => ({ type: 'array', items, minItems: items.length, maxItems: items.length, additionalItems: false });
const str = { type: 'string' };

/** A well-formed intrinsic function: exactly one key, a known function, arguments of the documented shape. */
const INTRINSIC: Schema = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    Ref: str,
    'Fn::GetAtt': { anyOf: [list(str, anyArgs), { type: 'string', pattern: '^[A-Za-z0-9]+\\..+$' }] },
    'Fn::Join': list(str, anyArgs),
    'Fn::Sub': { anyOf: [str, list(str, { type: 'object' })] },
    'Fn::Select': list(anyArgs, anyArgs),
    'Fn::Split': list(str, anyArgs),
    'Fn::If': list(str, anyArgs, anyArgs),
    'Fn::FindInMap': { type: 'array', minItems: 3, maxItems: 4 },
    'Fn::Cidr': { type: 'array', minItems: 3, maxItems: 3 },
    'Fn::GetStackOutput': {
      type: 'object',
      required: ['StackName', 'OutputName'],
      properties: { StackName: anyArgs, OutputName: anyArgs, Region: anyArgs, RoleArn: anyArgs },
      additionalProperties: false,
    },
    'Fn::ImportValue': anyArgs,
    'Fn::GetAZs': anyArgs,
    'Fn::Base64': anyArgs,
    'Fn::Length': anyArgs,
    'Fn::ToJsonString': anyArgs,
  },
};
const INTRINSIC_REF = '#/definitions/CfnIntrinsicFunction';

/** Top-level keys of a provider schema that describe the resource, not the shape of its Properties. */
const RESOURCE_METADATA = new Set([
  '$schema', '$comment', 'typeName', 'description', 'sourceUrl', 'documentationUrl', 'primaryIdentifier', 'additionalIdentifiers',
  'readOnlyProperties', 'writeOnlyProperties', 'createOnlyProperties', 'conditionalCreateOnlyProperties', 'deprecatedProperties',
  'nonPublicProperties', 'propertyTransform', 'tagging', 'taggable', 'handlers', 'replacementStrategy', 'resourceLink',
]);
/** Top-level keys that do constrain Properties. */
const PROPERTIES_SHAPE = new Set([
  'properties', 'patternProperties', 'additionalProperties', 'required', 'definitions', 'allOf', 'anyOf', 'oneOf', 'dependencies',
  'dependentRequired', 'requiredXor', 'requiredOr', 'dependentExcluded',
]);

/** Wrappers added around value positions: their own "must match a schema in anyOf" error is noise. */
const wrappers = new WeakSet<object>();

function acceptIntrinsic(sub: Json): Schema {
  const wrapped = { anyOf: [withIntrinsics(sub), { $ref: INTRINSIC_REF }] };
  wrappers.add(wrapped);
  return wrapped;
}

/** A copy of the subschema in which every value position also accepts an intrinsic function. */
function withIntrinsics(schema: Json): Json {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    if ((key === 'properties' || key === 'patternProperties') && value) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, acceptIntrinsic(v)]));
    else if (key === 'additionalProperties' && typeof value === 'object') out[key] = acceptIntrinsic(value);
    else if (key === 'items' || key === 'prefixItems') out[key] = Array.isArray(value) ? value.map(acceptIntrinsic) : acceptIntrinsic(value);
    else if (key === 'definitions') out[key] = Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, withIntrinsics(v)]));
    else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') out[key] = (value as Json[]).map(withIntrinsics);
    else if (key === 'not' || key === 'if' || key === 'then' || key === 'else') out[key] = withIntrinsics(value);
    else if (key === 'dependencies') out[key] = Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, Array.isArray(v) ? v : withIntrinsics(v)]));
    else out[key] = value;
  }
  return out;
}

/** cfn-lint's keywords, as cfn-lint defines them. */
const CFN_LINT_KEYWORDS: KeywordDefinition[] = [
  { keyword: ['insertionOrder', 'relationshipRef'] }, // annotations
  // Exactly one of the named properties.
  {
    keyword: 'requiredXor',
    type: 'object',
    errors: true,
    validate: function requiredXor(names: string[], data: Record<string, unknown>) {
      const present = names.filter((n) => n in data);
      if (present.length === 1) return true;
      (requiredXor as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: 'requiredXor', message: `must have exactly one of ${names.join(', ')} (has ${present.join(', ') || 'none'})`, params: {} }];
      return false;
    },
  },
  // At least one of the named properties (AWS::Events::Rule: EventPattern or ScheduleExpression).
  {
    keyword: 'requiredOr',
    type: 'object',
    errors: true,
    validate: function requiredOr(names: string[], data: Record<string, unknown>) {
      if (names.some((n) => n in data)) return true;
      (requiredOr as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: 'requiredOr', message: `must have at least one of ${names.join(', ')}`, params: {} }];
      return false;
    },
  },
  // A property present excludes the named others.
  {
    keyword: 'dependentExcluded',
    type: 'object',
    errors: true,
    validate: function dependentExcluded(rules: Record<string, string[]>, data: Record<string, unknown>) {
      const clashes = Object.entries(rules).flatMap(([name, excluded]) => (name in data ? excluded.filter((e) => e in data).map((e) => `${name} excludes ${e}`) : []));
      if (!clashes.length) return true;
      (dependentExcluded as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: 'dependentExcluded', message: `must not combine: ${clashes.join('; ')}`, params: {} }];
      return false;
    },
  },
  // Items (objects) differ in the named keys.
  {
    keyword: 'uniqueKeys',
    type: 'array',
    errors: true,
    validate: function uniqueKeys(keys: string[], data: unknown[]) {
      const seen = data.filter((d) => typeof d === 'object' && d !== null && keys.some((k) => k in d)).map((d) => JSON.stringify(keys.map((k) => (d as Record<string, unknown>)[k])));
      if (new Set(seen).size === seen.length) return true;
      (uniqueKeys as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: 'uniqueKeys', message: `items must differ in ${keys.join(', ')}`, params: {} }];
      return false;
    },
  },
  {
    keyword: 'maxUniqueItems',
    type: 'array',
    errors: true,
    validate: function maxUniqueItems(max: number, data: unknown[]) {
      if (new Set(data.map((d) => JSON.stringify(d))).size <= max) return true;
      (maxUniqueItems as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: 'maxUniqueItems', message: `must have at most ${max} distinct items`, params: {} }];
      return false;
    },
  },
  // The first items, one schema each (draft-07's tuple form of `items`, beside the schema's own `items`).
  { keyword: 'prefixItems', type: 'array', macro: (schemas: Schema[]) => ({ items: schemas, additionalItems: true }) },
];

/** Formats of the CloudFormation schemas: a literal ARN must be one of the named service; names are free-form. */
function addCfnFormats(ajv: Ajv): void {
  addFormats(ajv, ['uri', 'date-time']);
  ajv.addFormat('json', { type: 'string', validate: (s: string) => { try { JSON.parse(s); return true; } catch { return false; } } });
  const arn = (service: string) => new RegExp(`^arn:aws[a-z-]*:${service}:`);
  const formats: Record<string, RegExp | true> = {
    'AWS::ACM::Certificate.Arn': arn('acm'),
    'AWS::IAM::Role.Arn': arn('iam'),
    'AWS::KMS::Key.Arn': arn('kms'),
    'AWS::Lambda::Function.Arn': arn('lambda'),
    'AWS::SNS::Topic.Arn': arn('sns'),
    'AWS::SQS::Queue.Arn': arn('sqs'),
    'AWS::S3::Bucket.Name': /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'AWS::KMS::Alias.AliasName': /^alias\//,
    // A key id, key ARN, alias name or alias ARN: any of them.
    'AWS::KMS::Key.Id': true,
    'AWS::Logs::LogGroup.Name': true,
    'AWS::EC2::SecurityGroup.Id': /^sg-/,
    'AWS::EC2::SecurityGroup.Ids': /^sg-/,
    'AWS::EC2::Subnet.Id': /^subnet-/,
    'AWS::EC2::Subnet.Ids': /^subnet-/,
  };
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check === true ? true : { type: 'string', validate: check });
}

/**
 * The schemas' patterns are written for Python's `re` (cfn-lint's): `\\A` and `\\Z` anchor the whole
 * string. Rewritten to ECMAScript's `^` and `$`; a pattern that still does not compile stops the test.
 */
function cfnRegExp(pattern: string, flags: string): RegExp {
  const ecma = pattern.replace(/\\A/g, '^').replace(/\\Z/g, '$');
  try {
    return new RegExp(ecma, flags);
  } catch {
    return new RegExp(ecma, flags.replace('u', ''));
  }
}
cfnRegExp.code = 'new RegExp';

interface TypeCheck {
  validate: ValidateFunction;
  readOnly: string[];
}

export class CfnSchemaValidator {
  private readonly ajv: Ajv;
  private readonly checks = new Map<string, TypeCheck>();

  constructor() {
    // strictRequired off: a `required` in an anyOf branch names properties defined beside it, as JSON Schema allows.
    this.ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, verbose: true, code: { regExp: cfnRegExp } });
    this.ajv.addKeyword(dependentRequired);
    for (const keyword of CFN_LINT_KEYWORDS) this.ajv.addKeyword(keyword);
    addCfnFormats(this.ajv);
  }

  private checkFor(type: string): TypeCheck | string {
    const cached = this.checks.get(type);
    if (cached) return cached;
    const file = `${SCHEMA_DIR}${schemaFileOf(type)}`;
    if (!existsSync(file)) return `no schema for ${type}: copy ${schemaFileOf(type)} into test/infra/cfn-schemas/`;
    const provider = JSON.parse(readFileSync(file, 'utf8')) as Schema;
    if (provider['typeName'] !== type) return `${schemaFileOf(type)} describes ${String(provider['typeName'])}, not ${type}`;
    const unknown = Object.keys(provider).filter((k) => !RESOURCE_METADATA.has(k) && !PROPERTIES_SHAPE.has(k));
    if (unknown.length) return `${schemaFileOf(type)} has top-level keys this validator does not know: ${unknown.join(', ')}`;
    const shape = Object.fromEntries(Object.entries(provider).filter(([k]) => PROPERTIES_SHAPE.has(k)));
    const schema = withIntrinsics({ type: 'object', ...shape }) as Schema;
    schema['definitions'] = { ...schema['definitions'], CfnIntrinsicFunction: INTRINSIC };
    const check = { validate: this.ajv.compile(schema), readOnly: (provider['readOnlyProperties'] ?? []) as string[] };
    this.checks.set(type, check);
    return check;
  }

  /** One line per problem in a template's resources: where, what; empty when all is valid. */
  validateTemplate(stackName: string, template: { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> }): string[] {
    const problems: string[] = [];
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const where = `${stackName}/${logicalId} (${resource.Type})`;
      const properties = resource.Properties ?? {};
      if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') {
        // The provider defines the rest; CloudFormation needs the token of the provider to call.
        const token = properties['ServiceToken'];
        if (typeof token !== 'string' && !this.ajv.validate(INTRINSIC, token)) problems.push(`${where}: a custom resource needs a ServiceToken`);
        continue;
      }
      const check = this.checkFor(resource.Type);
      if (typeof check === 'string') {
        problems.push(`${where}: ${check}`);
        continue;
      }
      for (const pointer of check.readOnly) {
        if (isSet(properties, pointer.replace(/^\/properties\//, '').split('/'))) problems.push(`${where} ${pointer.replace(/^\/properties/, '')}: is read-only and must not be set`);
      }
      if (!check.validate(properties)) problems.push(...readable(check.validate.errors ?? []).map((e) => `${where} ${e}`));
    }
    return problems;
  }
}

/** Is the property at this schema pointer path (`*` for every array item) set? */
function isSet(value: unknown, path: string[]): boolean {
  if (!path.length) return value !== undefined;
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') return Array.isArray(value) && value.some((item) => isSet(item, rest));
  return typeof value === 'object' && value !== null && !Array.isArray(value) && head in value && isSet((value as Record<string, unknown>)[head], rest);
}

/** ajv's errors without the noise of the intrinsic alternative: the literal's own failures, with the allowed values. */
function readable(errors: ErrorObject[]): string[] {
  const own = errors.filter((e) => !e.schemaPath.startsWith(`${INTRINSIC_REF}/`) && !(e.keyword === 'anyOf' && wrappers.has(e.parentSchema as object)));
  const shown = own.length ? own : errors;
  return [
    ...new Set(
      shown.map((e) => {
        const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
        const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
        return `${e.instancePath || '/'}: ${e.message}${allowed}${extra}`;
      }),
    ),
  ];
}
