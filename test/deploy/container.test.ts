import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { configKeys, loadConfig } from '../../src/config/config.js';
import { HEALTH_PATHS } from '../../src/api/health/paths.js';
import { NAMES, readRepoFile, readYaml, repoRoot } from './support/manifests.js';
import { WORKER_NODE_FLAGS } from '../../src/worker/worker-settings.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  user?: string;
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  stop_grace_period?: string;
}

// `docker compose config` needs a Docker engine; the file is parsed with merge keys as compose does.
const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
const services = compose.services;
const keys = new Set<string>(configKeys);
const appServices = ['api', 'worker'] as const;

/** Compose substitutes ${VAR:-default}; resolve the defaults the laptop path runs with. */
const substituted = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

describe('when docker-compose.yml is parsed', () => {
  it('then it runs MongoDB 7, Redis 7, the api and two workers', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'mongodb', 'redis', 'worker']);
    expect(services.mongodb?.image).toMatch(/^mongo:7(\.|$)/);
    expect(services.redis?.image).toMatch(/^redis:7(\.|$)/);
    expect(services.worker?.deploy?.replicas).toBe(2);
  });

  it('then Redis keeps an append-only file and never evicts keys', () => {
    const command = services.redis?.command ?? [];
    expect(command.join(' ')).toContain('--appendonly yes');
    expect(command.join(' ')).toContain('--maxmemory-policy noeviction');
  });

  it('then every service has a healthcheck and the app waits for healthy data stores', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, check: service.healthcheck?.test[0] }).toEqual({ name, check: 'CMD' });
    }
    for (const name of appServices) {
      expect(services[name]?.depends_on).toEqual({ mongodb: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
  });

  it('then the api and worker are one image, started with node directly, probed on their health paths', () => {
    expect(services.api?.image).toBe(services.worker?.image);
    expect(substituted(services.api?.image ?? '')).toBe(`${NAMES.image}:local`);
    expect(services.api?.command).toEqual(['node', 'dist/api/main.js']);
    expect(services.worker?.command).toEqual(['node', ...WORKER_NODE_FLAGS, 'dist/worker/main.js']);
    expect(services.api?.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:8080${HEALTH_PATHS.ready}`);
    expect(services.worker?.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:9464${HEALTH_PATHS.ready}`);
  });

  it.each(appServices)('then every %s environment key is a config key and the whole environment parses', (name) => {
    const env = Object.fromEntries(Object.entries(services[name]?.environment ?? {}).map(([k, v]) => [k, substituted(String(v))]));
    expect(Object.keys(env).filter((k) => !keys.has(k))).toEqual([]);
    const config = loadConfig(env);
    expect(config.REDIS_URL).toBe('redis://redis:6379');
    expect(config.MONGODB_URL).toBe('mongodb://mongodb:27017/');
  });

  it('then the app containers run like the pods: uid 1000, read-only root, tmpfs /tmp, no capabilities', () => {
    for (const name of appServices) {
      expect(services[name]).toMatchObject({ user: '1000:1000', read_only: true, tmpfs: ['/tmp'], cap_drop: ['ALL'] });
    }
    const grace = Number.parseInt(services.worker?.stop_grace_period ?? '10', 10);
    expect(grace).toBeGreaterThan(loadConfig({}).OPTIMIZATION_TIMEOUT);
  });
});

describe('when the Dockerfile is read', () => {
  const dockerfile = readRepoFile('Dockerfile');
  const instructions = dockerfile.split('\n').filter((l) => /^[A-Z]+\s/.test(l));

  it('then it builds on node:20-bookworm-slim in stages and ships production dependencies only', () => {
    expect(dockerfile).toContain('ARG NODE_IMAGE=node:20-bookworm-slim');
    expect(instructions.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toContain('COPY --from=build /app/dist ./dist');
  });

  it('then the final stage runs as uid 1000 and starts node directly on the api', () => {
    const finalStage = instructions.slice(instructions.map((l) => l.startsWith('FROM ')).lastIndexOf(true));
    expect(finalStage).toContain('USER 1000:1000');
    expect(finalStage.at(-1)).toBe('CMD ["node", "dist/api/main.js"]');
    expect(finalStage.some((l) => l.startsWith('ENTRYPOINT'))).toBe(false);
  });

  it('then the build context leaves out dependencies, build output and secrets', () => {
    const ignored = readRepoFile('.dockerignore').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.env', 'test']));
    expect(ignored).not.toContain('src');
  });
});

/**
 * Package names src/ loads at run time: static, dynamic and createRequire loads. Type-only
 * imports are erased by the compiler; `import.meta.resolve` is left out on purpose (the solver
 * pool resolves tsx only when running from the TypeScript sources).
 */
function runtimeImports(): Map<string, string> {
  const found = new Map<string, string>();
  const files = (readdirSync(join(repoRoot, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  const patterns = [/^\s*(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+['"]([^'"]+)['"]/gm, /^\s*import\s+['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]/g];
  for (const file of files) {
    const text = readFileSync(join(repoRoot, 'src', file), 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const spec = match[1] ?? '';
        if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0] ?? '')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
        found.set(name, file);
      }
    }
  }
  return found;
}

describe('when the image installs production dependencies only (npm ci --omit=dev)', () => {
  it('then every package src/ imports at run time is a production dependency', () => {
    const pkg = JSON.parse(readRepoFile('package.json')) as { dependencies: Record<string, string> };
    const imports = runtimeImports();
    expect(imports.size).toBeGreaterThan(5);
    const missing = [...imports].filter(([name]) => !(name in pkg.dependencies)).map(([name, file]) => `${name} (src/${file})`);
    expect(missing).toEqual([]);
  });
});
