import { canonicalResource } from './resource-indicator';

describe('canonicalResource', () => {
  it.each([
    ['http://localhost:3000/mcp', 'http://localhost:3000/mcp'],
    ['http://localhost:3000/mcp/', 'http://localhost:3000/mcp'],
    ['HTTP://LOCALHOST:3000/mcp', 'http://localhost:3000/mcp'],
    ['https://api.example.com:443/mcp', 'https://api.example.com/mcp'],
    ['https://api.example.com/', 'https://api.example.com'],
  ])('%s -> %s', (input, out) => expect(canonicalResource(input)).toBe(out));

  it.each(['not a url', 'ftp://x/y', 'https://x/y#frag', 'https://u:p@x/y', 'urn:x'])('rejects %s', (input) =>
    expect(canonicalResource(input)).toBeUndefined(),
  );
});
