// Named fixes applied when bundling specs/liveperson-users. Each decorator says why it exists.
export default function fixes() {
  return {
    id: 'liveperson-users',
    decorators: {
      oas3: {},
    },
  };
}
