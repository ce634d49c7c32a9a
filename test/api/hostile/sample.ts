import { z, type ZodType } from 'zod';

export { seededRandom } from '../../support/seeded-random.js';

export function hex24(random: () => number): string {
  let out = '';
  for (let i = 0; i < 24; i += 1) out += Math.floor(random() * 16).toString(16);
  return out;
}

type JsonSchema = Record<string, unknown>;

/**
 * A plausible valid value for a route's zod schema, built from its JSON Schema (input side),
 * so routes added later are swept without anyone writing their samples by hand.
 */
export function sampleFor(schema: ZodType, random: () => number): unknown {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  return sample(json, defs, random, 0);
}

function sample(node: JsonSchema, defs: Record<string, JsonSchema>, random: () => number, depth: number): unknown {
  if (depth > 8) return null;
  if (typeof node.$ref === 'string') return sample(defs[node.$ref.replace('#/$defs/', '')] ?? {}, defs, random, depth + 1);
  if ('example' in node) return node.example;
  if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0];
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum)) return node.enum[0];
  const options = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  if (options?.length) return sample(options[0]!, defs, random, depth + 1);
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, JsonSchema>)) {
        out[key] = sample(child, defs, random, depth + 1);
      }
      return out;
    }
    case 'array':
      return node.items && Object.keys(node.items as object).length > 0 ? [sample(node.items as JsonSchema, defs, random, depth + 1)] : [];
    case 'string':
      return sampleString(node, random);
    case 'integer':
    case 'number':
      return typeof node.minimum === 'number' ? node.minimum : 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

function sampleString(node: JsonSchema, random: () => number): string {
  const pattern = typeof node.pattern === 'string' ? node.pattern : '';
  if (pattern.includes('{24}')) return hex24(random);
  if (pattern.includes('\\d')) return '1';
  if (node.format === 'date-time') return new Date(0).toISOString();
  return 'sweep';
}
