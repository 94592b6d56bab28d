// Named fixes applied when bundling specs/cloudflare-access. Each decorator says why it exists.
export default function fixes() {
  return {
    id: 'cloudflare-access',
    decorators: {
      oas3: {},
    },
  };
}
