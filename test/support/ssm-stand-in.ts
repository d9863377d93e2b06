/**
 * A stand-in for the two SSM Parameter Store operations paperboy makes (GetParameter, PutParameter), over
 * SSM's real wire protocol (JSON 1.1: POST with `X-Amz-Target: AmazonSSM.<Operation>`), so the real SDK
 * client and the real adapter (SsmHmacKey) run against it, and their calls are recorded for the IAM check.
 * Hand-written because no maintained SSM emulator installs from npm (moto and LocalStack need Python or
 * Docker, neither of which this project may assume); it is test support only, about 60 lines.
 * It keeps SSM's semantics that matter here: ParameterNotFound, ParameterAlreadyExists without Overwrite,
 * and SecureString values returned only WithDecryption.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Parameter {
  Name: string;
  Type: string;
  Value: string;
  Version: number;
}

export interface SsmStandIn {
  endpoint: string;
  parameters: Map<string, Parameter>;
  /** Operations served, in order (e.g. "GetParameter"). */
  operations: string[];
  stop(): Promise<void>;
}

export async function startSsmStandIn(): Promise<SsmStandIn> {
  const parameters = new Map<string, Parameter>();
  const operations: string[] = [];
  const fail = (res: import('node:http').ServerResponse, type: string, message: string) => {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ __type: type, message }));
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
      operations.push(operation);
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const name = String(input['Name'] ?? '');
      const ok = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      if (operation === 'GetParameter') {
        const p = parameters.get(name);
        if (!p) return fail(res, 'ParameterNotFound', `Parameter ${name} not found.`);
        const value = p.Type === 'SecureString' && input['WithDecryption'] !== true ? 'AQICAHj...encrypted' : p.Value;
        return ok({ Parameter: { ...p, Value: value, ARN: `arn:aws:ssm:us-east-1:000000000000:parameter${name}` } });
      }
      if (operation === 'PutParameter') {
        const existing = parameters.get(name);
        if (existing && input['Overwrite'] !== true) return fail(res, 'ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
        const version = (existing?.Version ?? 0) + 1;
        parameters.set(name, { Name: name, Type: String(input['Type'] ?? 'String'), Value: String(input['Value'] ?? ''), Version: version });
        return ok({ Version: version, Tier: 'Standard' });
      }
      return fail(res, 'InvalidAction', `${operation} is not served by the SSM stand-in`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    parameters,
    operations,
    stop: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
