import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadWorkspace } from '@offboard/codegen/apis';
import { findTarget } from '@offboard/spec-diff';
import { repoRoot, tempDir } from '@offboard/test-utils';
import { describe, expect, it } from 'vitest';
import { loadSources } from './sources.js';

describe('sources.yaml', () => {
  it('lists every api of redocly.yaml: a URL for vendored specs, none for hand-written ones', async () => {
    const sources = await loadSources();
    const workspace = await loadWorkspace(path.join(repoRoot, 'redocly.yaml'));
    expect([...sources.keys()].sort()).toEqual(workspace.apis.map((api) => api.name).sort());
    for (const api of workspace.apis) {
      const { kind } = await findTarget(api);
      expect({ api: api.name, source: sources.get(api.name) === 'none' ? 'none' : 'url' }).toEqual({
        api: api.name,
        source: kind === 'vendor' ? 'url' : 'none',
      });
    }
  });

  it('refuses anything but an http(s) URL or none', async () => {
    const { dir, remove } = await tempDir('sources');
    try {
      const file = path.join(dir, 'sources.yaml');
      await writeFile(file, 'a: ftp://example.com/spec.yaml\n');
      await expect(loadSources(file)).rejects.toThrow('a must be an http(s) URL or none');
      await writeFile(file, 'a: https://example.com/spec.yaml\nb: none\n');
      expect(await loadSources(file)).toEqual(
        new Map<string, URL | 'none'>([
          ['a', new URL('https://example.com/spec.yaml')],
          ['b', 'none'],
        ]),
      );
    } finally {
      await remove();
    }
  });
});
