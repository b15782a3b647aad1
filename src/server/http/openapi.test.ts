import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('/api/openapi.json (issue 16)', () => {
  it('is a valid OpenAPI document under an outside validator', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = JSON.parse(res.body) as { components?: { schemas?: Record<string, unknown> } };
    // validate() dereferences every $ref and checks the document against the OpenAPI 3 schema
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('emits the recursive explanation tree as a named component that refers to itself', async () => {
    const doc = JSON.parse((await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).body) as {
      components: { schemas: Record<string, unknown> };
    };
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/#\/components\/schemas\/schema\d/);
    const node = doc.components.schemas.ExplanationNode;
    expect(node).toBeDefined();
    expect(JSON.stringify(node)).toContain('#/components/schemas/ExplanationNode');
  });
});
