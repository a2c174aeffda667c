// Tools from other modules (the provider API), with the example module
// (examples/mod_mcp_example_tools.c) loaded: tools/list sorted and paged,
// the conformance fixtures' exact results, progress and log notifications,
// arguments checked against the inputSchema (tool errors), logging/setLevel,
// completion/complete, notifications/cancelled, and startup refused for a
// tool the registry does not accept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApache, buildExampleModule } from './lib/apache.mjs';
import { freePorts } from './lib/env.mjs';
import { rpc, initializeMessage } from './lib/http.mjs';
import { fileSuite } from './lib/suite.mjs';

const suite = fileSuite('055-tools');
const NUMBERED = 150;
const FIXTURES = [
  'test_audio_content', 'test_embedded_resource', 'test_error_handling', 'test_image_content',
  'test_multiple_content_types', 'test_simple_text', 'test_tool_with_logging', 'test_tool_with_progress',
];
let R;
let session = {};
let nextId = 100;

before(async () => {
  buildExampleModule();
  const [P] = await freePorts(1);
  R = `http://127.0.0.1:${P}/mcp`;
  const httpd = suite.started(await startApache({
    name: 'tools',
    ports: [P],
    exampleTools: true,
    body: `
MCPExampleNumberedTools ${NUMBERED}
<Location /mcp>
  SetHandler mcp
  Require all granted
</Location>
`,
  }));
  suite.addLogs(...httpd.logFiles());
  const res = await rpc(R, initializeMessage(1, '2025-11-25'));
  assert.equal(res.status, 200, res.text);
  const sid = res.headers['mcp-session-id'];
  session = { 'MCP-Protocol-Version': '2025-11-25', ...(sid ? { 'Mcp-Session-Id': sid } : {}) };
  const init = messages(res).at(-1);
  assert.deepEqual(init.result.capabilities, { tools: { listChanged: false }, logging: {}, completions: {} });
  assert.equal((await rpc(R, { jsonrpc: '2.0', method: 'notifications/initialized' }, { headers: session })).status, 202);
});

after(() => suite.stopAll());

// Every JSON-RPC message of a response: a JSON body, or the data of each
// event of an SSE body, in order.
function messages(res) {
  const type = (res.headers['content-type'] ?? '').split(';')[0].trim();
  if (type === 'text/event-stream') {
    return res.text.split(/\r?\n\r?\n/).map((event) => event.split(/\r?\n/)
      .filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n'))
      .filter(Boolean).map((data) => JSON.parse(data));
  }
  assert.equal(type, 'application/json', `Content-Type ${res.headers['content-type']}: ${res.text.slice(0, 200)}`);
  return [JSON.parse(res.text)];
}

// A request in the session; returns { res, msgs, reply } (reply: the response message).
async function request(method, params, headers = {}) {
  const id = nextId++;
  const res = await rpc(R, { jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }, { headers: { ...session, ...headers } });
  assert.equal(res.status, 200, res.text);
  const msgs = messages(res);
  const reply = msgs.at(-1);
  assert.equal(reply.id, id, res.text);
  return { res, msgs, reply };
}

const callTool = (name, args, extra = {}, headers = {}) => request('tools/call', { name, ...(args === undefined ? {} : { arguments: args }), ...extra }, headers);

async function allTools() {
  const pages = [];
  let cursor;
  do {
    const { reply } = await request('tools/list', cursor === undefined ? undefined : { cursor });
    assert.equal(reply.error, undefined, JSON.stringify(reply.error));
    pages.push(reply.result);
    cursor = reply.result.nextCursor;
  } while (cursor !== undefined && pages.length < 10);
  return pages;
}

test('tools/list: pages of 100 with an opaque nextCursor, every tool once, sorted by name', async () => {
  const pages = await allTools();
  const total = 2 + 10 + NUMBERED;
  assert.deepEqual(pages.map((p) => p.tools.length), [100, total - 100]);
  assert.equal(typeof pages[0].nextCursor, 'string');
  assert.equal(pages[1].nextCursor, undefined);
  const names = pages.flatMap((p) => p.tools.map((t) => t.name));
  assert.equal(new Set(names).size, total);
  assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  for (const name of ['add', 'multiply', 'example_echo', 'json_schema_2020_12_tool', ...FIXTURES]) {
    assert.ok(names.includes(name), `${name} is listed`);
  }
  assert.deepEqual(names.filter((n) => n.startsWith('test_')), FIXTURES);
  for (const tool of pages.flatMap((p) => p.tools)) {
    assert.equal(typeof tool.description, 'string', tool.name);
    assert.ok(tool.description.length > 0, tool.name);
    assert.equal(tool.inputSchema?.type, 'object', tool.name);
  }
});

test('tools/list: a schema reaches the client as the module wrote it ($schema, $defs, additionalProperties)', async () => {
  const tool = (await allTools()).flatMap((p) => p.tools).find((t) => t.name === 'json_schema_2020_12_tool');
  assert.equal(tool.inputSchema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.deepEqual(Object.keys(tool.inputSchema.$defs), ['address']);
  assert.equal(tool.inputSchema.additionalProperties, false);
  assert.deepEqual(tool.inputSchema.properties.address, { $ref: '#/$defs/address' });
});

test('tools/list: a cursor the server did not issue → -32602; null is the first page', async () => {
  const [first] = await allTools();
  for (const cursor of ['nope', '', `${first.nextCursor}x`, 42, {}]) {
    const { reply } = await request('tools/list', { cursor });
    assert.equal(reply.error?.code, -32602, JSON.stringify(cursor));
  }
  const { reply } = await request('tools/list', { cursor: null });
  assert.equal(reply.result.tools.length, 100);
  // a cursor can be used again: the same page
  const a = await request('tools/list', { cursor: first.nextCursor });
  const b = await request('tools/list', { cursor: first.nextCursor });
  assert.deepEqual(a.reply.result, b.reply.result);
});

const PNG_SIGNATURE = '89504e470d0a1a0a';
const FIXTURE_RESULTS = {
  test_simple_text: (r) => assert.deepEqual(r, { content: [{ type: 'text', text: 'This is a simple text response for testing.' }] }),
  test_image_content: (r) => {
    assert.equal(r.content.length, 1);
    assert.equal(r.content[0].type, 'image');
    assert.equal(r.content[0].mimeType, 'image/png');
    assert.equal(Buffer.from(r.content[0].data, 'base64').subarray(0, 8).toString('hex'), PNG_SIGNATURE);
  },
  test_audio_content: (r) => {
    assert.equal(r.content.length, 1);
    assert.equal(r.content[0].type, 'audio');
    assert.equal(r.content[0].mimeType, 'audio/wav');
    const wav = Buffer.from(r.content[0].data, 'base64');
    assert.equal(wav.subarray(0, 4).toString(), 'RIFF');
    assert.equal(wav.subarray(8, 12).toString(), 'WAVE');
  },
  test_embedded_resource: (r) => assert.deepEqual(r, {
    content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
  }),
  test_multiple_content_types: (r) => {
    assert.deepEqual(r.content.map((c) => c.type), ['text', 'image', 'resource']);
    assert.equal(r.content[0].text, 'Multiple content types test:');
    assert.equal(r.content[1].mimeType, 'image/png');
    assert.deepEqual(r.content[2].resource, { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' });
    assert.deepEqual(JSON.parse(r.content[2].resource.text), { test: 'data', value: 123 });
  },
  test_error_handling: (r) => assert.deepEqual(r, { content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }], isError: true }),
};

for (const [name, check] of Object.entries(FIXTURE_RESULTS)) {
  test(`tools/call ${name} (arguments {} and absent) → its fixture result`, async () => {
    for (const args of [{}, undefined]) {
      const { msgs, reply } = await callTool(name, args);
      assert.equal(msgs.length, 1, 'no notification');
      assert.equal(reply.error, undefined, JSON.stringify(reply.error));
      check(reply.result);
    }
  });
}

test('test_tool_with_progress with a progressToken → SSE: progress 0, 50, 100 of 100 for the token, then the result', async () => {
  const { res, msgs, reply } = await callTool('test_tool_with_progress', {}, { _meta: { progressToken: 'progress-055' } });
  assert.match(res.headers['content-type'], /^text\/event-stream/);
  const progress = msgs.filter((m) => m.method === 'notifications/progress');
  assert.deepEqual(progress.map((m) => [m.params.progressToken, m.params.progress, m.params.total]),
    [['progress-055', 0, 100], ['progress-055', 50, 100], ['progress-055', 100, 100]]);
  assert.equal(msgs.length, 4);
  assert.deepEqual(reply.result, { content: [{ type: 'text', text: 'progress-055' }] });
});

test('test_tool_with_progress with a numeric progressToken → the same token back', async () => {
  const { msgs, reply } = await callTool('test_tool_with_progress', {}, { _meta: { progressToken: 7 } });
  assert.deepEqual(msgs.filter((m) => m.method).map((m) => m.params.progressToken), [7, 7, 7]);
  assert.equal(reply.result.content[0].text, '7');
});

test('test_tool_with_progress without a token → no notification, a plain JSON result', async () => {
  const { res, msgs, reply } = await callTool('test_tool_with_progress', {});
  assert.match(res.headers['content-type'], /^application\/json/);
  assert.equal(msgs.length, 1);
  assert.equal(reply.result.isError, undefined);
  assert.match(reply.result.content[0].text, /no progressToken/);
});

test('test_tool_with_logging → SSE: three notifications/message at info, then the result', async () => {
  const { reply: set } = await request('logging/setLevel', { level: 'debug' });
  assert.deepEqual(set.result, {});
  const { res, msgs, reply } = await callTool('test_tool_with_logging', {});
  assert.match(res.headers['content-type'], /^text\/event-stream/);
  const logs = msgs.filter((m) => m.method === 'notifications/message');
  assert.deepEqual(logs.map((m) => [m.params.level, m.params.data]), [
    ['info', 'Tool execution started'], ['info', 'Tool processing data'], ['info', 'Tool execution completed'],
  ]);
  assert.deepEqual(reply.result, { content: [{ type: 'text', text: 'Tool with logging executed successfully' }] });
});

test('a client that accepts only JSON: the notifying tools still answer, without notifications', async () => {
  for (const name of ['test_tool_with_logging', 'test_tool_with_progress']) {
    const { res, msgs, reply } = await callTool(name, {}, { _meta: { progressToken: 'json-only' } }, { Accept: 'application/json' });
    assert.match(res.headers['content-type'], /^application\/json/, name);
    assert.equal(msgs.length, 1, name);
    assert.equal(reply.result.content[0].type, 'text', name);
    assert.notEqual(reply.result.isError, true, name);
  }
});

test('example_echo with valid arguments → the tool runs on them', async () => {
  const { reply } = await callTool('example_echo', { text: 'hi', times: 2, style: 'upper', tags: ['a', 'b'], note: null });
  assert.deepEqual(reply.result, { content: [{ type: 'text', text: 'HI HI #A #B' }] });
  const plain = await callTool('example_echo', { text: 'x', times: 3.0, note: 'n' });
  assert.equal(plain.reply.result.content[0].text, 'x x x');
});

for (const [label, name, args, text] of [
  ['a missing required argument', 'example_echo', {}, 'text: is required'],
  ['no arguments at all', 'example_echo', undefined, 'text: is required'],
  ['a number for a string', 'example_echo', { text: 1 }, 'text: expected string'],
  ['a fraction for an integer', 'example_echo', { text: 'a', times: 1.5 }, 'times: expected integer'],
  ['a value outside the enum', 'example_echo', { text: 'a', style: 'loud' }, 'style: expected one of "plain", "upper"'],
  ['an array item of the wrong type', 'example_echo', { text: 'a', tags: ['ok', 2] }, 'tags[1]: expected string'],
  ['a type array', 'example_echo', { text: 'a', note: 5 }, 'note: expected string or null'],
  ['an unexpected argument', 'example_echo', { text: 'a', loud: true }, 'loud: unexpected property'],
  ['an argument to a tool that takes none', 'test_simple_text', { x: 1 }, 'x: unexpected property'],
  ['a string for a number (add)', 'add', { a: 'x', b: 3 }, 'a: expected number'],
  ['a nested $ref (not checked) next to additionalProperties false', 'json_schema_2020_12_tool', { name: 'n', zip: 1 }, 'zip: unexpected property'],
  ['a rule of the tool itself', 'example_echo', { text: 'a', times: 11 }, 'times must be between 1 and 10'],
  ['an overflowing result', 'multiply', { x: 1e308, y: 10 }, 'the result is not a finite number'],
]) {
  test(`tools/call with ${label} → 200, a tool error "${text}"`, async () => {
    const { reply } = await callTool(name, args);
    assert.equal(reply.error, undefined, JSON.stringify(reply.error));
    assert.deepEqual(reply.result, { content: [{ type: 'text', text }], isError: true });
  });
}

test('tools/call with non-object arguments or an unknown tool → -32602 (protocol errors)', async () => {
  for (const params of [{ name: 'example_echo', arguments: ['a'] }, { name: 'no_such_tool', arguments: {} }, { arguments: {} }]) {
    const { reply } = await request('tools/call', params);
    assert.equal(reply.error?.code, -32602, JSON.stringify(params));
  }
});

test('a numbered tool (MCPExampleNumberedTools) answers with its number', async () => {
  const { reply } = await callTool(`example_numbered_${String(NUMBERED).padStart(5, '0')}`, {});
  assert.deepEqual(reply.result, { content: [{ type: 'text', text: String(NUMBERED) }] });
});

test('logging/setLevel: each RFC 5424 level → {}; anything else → -32602', async () => {
  for (const level of ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']) {
    const { reply } = await request('logging/setLevel', { level });
    assert.deepEqual(reply.result, {}, level);
  }
  for (const params of [{ level: 'verbose' }, { level: 'INFO' }, { level: 1 }, {}, undefined]) {
    const { reply } = await request('logging/setLevel', params);
    assert.equal(reply.error?.code, -32602, JSON.stringify(params));
  }
});

test('completion/complete → an empty completion; without ref or argument → -32602', async () => {
  const { reply } = await request('completion/complete', {
    ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'x' },
  });
  assert.deepEqual(reply.result, { completion: { values: [], hasMore: false, total: 0 } });
  for (const params of [{ argument: { name: 'a', value: '' } }, { ref: { type: 'ref/prompt', name: 'p' } }, {}, undefined]) {
    const { reply: bad } = await request('completion/complete', params);
    assert.equal(bad.error?.code, -32602, JSON.stringify(params));
  }
});

test('notifications/cancelled (known, unknown or no request) → 202 without a body; the session goes on', async () => {
  for (const params of [{ requestId: nextId - 1, reason: 'user' }, { requestId: 'never-sent' }, undefined]) {
    const res = await rpc(R, { jsonrpc: '2.0', method: 'notifications/cancelled', ...(params ? { params } : {}) }, { headers: session });
    assert.equal(res.status, 202, res.text);
    assert.equal(res.text, '');
  }
  const { reply } = await request('ping');
  assert.deepEqual(reply.result, {});
});

for (const [kind, message] of [
  ['schema', /MCP00702.*tool provider "example_invalid".*inputSchema: properties\.a: unknown type "strng"/],
  ['name', /MCP00701.*tool provider "example_invalid".*offers a tool named "example_misnamed"/],
  ['description', /MCP00702.*tool "example_invalid" lacks a description/],
]) {
  test(`a provider with an invalid tool (${kind}) → Apache refuses to start, saying why`, async () => {
    const [P] = await freePorts(1);
    await assert.rejects(startApache({
      name: `invalid-tool-${kind}`,
      ports: [P],
      exampleTools: true,
      startTimeoutMs: 5000,
      body: `MCPExampleInvalidTool ${kind}\n<Location /mcp>\n  SetHandler mcp\n  Require all granted\n</Location>\n`,
    }), message);
  });
}
