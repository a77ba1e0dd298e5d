// End-to-end tests of `yoi-tickets mcp` driven by the official MCP
// TypeScript SDK client over stdio (make mcp-test). YOI_BIN names the
// binary. Each test works in a fresh temporary git repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const BIN = process.env.YOI_BIN;
assert.ok(BIN, 'YOI_BIN is not set; run through make mcp-test');
const ENV = { ...process.env, YOI_TICKETS_AUTHOR: 'tester' };

function store() {
  const dir = mkdtempSync(join(tmpdir(), 'yoi-mcp-'));
  const git = (...a) => execFileSync('git', a, { cwd: dir, env: ENV });
  git('init', '-q');
  git('config', 'user.name', 'Tester');
  git('config', 'user.email', 'tester@example.com');
  cli(dir, 'init');
  return dir;
}

function cli(dir, ...args) {
  return execFileSync(BIN, args, { cwd: dir, env: ENV, encoding: 'utf8' });
}

async function connect(dir) {
  const transport = new StdioClientTransport({
    command: BIN, args: ['mcp'], cwd: dir, env: ENV, stderr: 'pipe',
  });
  const client = new Client({ name: 'yoi-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

// A tool call that must succeed; its structuredContent.
async function ok(client, name, args) {
  const r = await client.callTool({ name, arguments: args });
  assert.equal(r.isError, false, `${name}: ${r.content?.[0]?.text}`);
  return r.structuredContent ?? r.content[0].text;
}

test('connect and list tools, prompts, resources', async () => {
  const dir = store();
  const client = await connect(dir);
  try {
    assert.equal(client.getServerVersion().name, 'yoi-tickets');
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const n of ['list', 'show', 'create', 'edit', 'comment', 'state',
      'review', 'close', 'reopen', 'relation_add', 'relation_remove',
      'plan_add', 'route', 'deps', 'doctor', 'check', 'prompt', 'start',
      'finish', 'cleanup'])
      assert.ok(names.includes(n), `tool ${n}`);
    const state = tools.find((t) => t.name === 'state');
    assert.deepEqual(state.inputSchema.required, ['id', 'target']);
    assert.deepEqual(state.inputSchema.properties.target.enum,
      ['planning', 'ready', 'queued', 'inprogress', 'done']);
    const { prompts } = await client.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name),
      ['intake', 'orchestrator', 'coder', 'reviewer']);
    const { resources } = await client.listResources();
    assert.equal(resources[0].uri, 'yoi://route');
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate),
      ['yoi://tickets/{id}', 'yoi://tickets/{id}/thread']);
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a ticket from create to close through tools only', async () => {
  const dir = store();
  const client = await connect(dir);
  try {
    const c = await ok(client, 'create', {
      title: 'Walk me', body: '## Background\n\nFrom the SDK.\n',
    });
    assert.equal(c.state, 'planning');
    const id = c.id;
    await ok(client, 'comment', { id, kind: 'plan', text: 'The plan.' });
    await ok(client, 'state', { id, target: 'ready', summary: 'Ready.' });
    await ok(client, 'state', { id, target: 'queued' });
    const route = await ok(client, 'route', {});
    assert.equal(route.route[0].id, id);
    assert.equal(route.route[0].class, 'actionable');
    const s = await ok(client, 'state', { id, target: 'inprogress' });
    assert.deepEqual([s.from, s.to], ['queued', 'inprogress']);
    await ok(client, 'comment', { id, kind: 'report', text: 'Done it.' });
    await ok(client, 'state', { id, target: 'done' });
    const rv = await ok(client, 'review', { id, verdict: 'approve', text: 'Good.' });
    assert.equal(rv.status, 'approve');
    const cl = await ok(client, 'close', { id, resolution: 'Shipped.' });
    assert.equal(cl.state, 'closed');
    const show = await ok(client, 'show', { id });
    assert.equal(show.state, 'closed');
    const kinds = show.events.map((e) => e.kind);
    for (const k of ['create', 'plan', 'implementation_report', 'review', 'close'])
      assert.ok(kinds.includes(k), `event ${k} in ${kinds}`);
    const doc = await ok(client, 'doctor', {});
    assert.equal(doc.errors, 0);
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a refused transition is isError naming the blocker', async () => {
  const dir = store();
  const client = await connect(dir);
  try {
    const a = (await ok(client, 'create', { title: 'Blocker' })).id;
    const b = (await ok(client, 'create', { title: 'Blocked', depends_on: [a] })).id;
    await ok(client, 'state', { id: b, target: 'ready', summary: 'x' });
    const r = await client.callTool({ name: 'state', arguments: { id: b, target: 'queued' } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, new RegExp(`${a} via depends_on`));
    // The event, relation and tree tools answer with structured content.
    const c = await ok(client, 'comment', { id: b, kind: 'decision', text: 'go' });
    assert.deepEqual(c, { id: b, event: 'decision' });
    const d = await ok(client, 'deps', { id: b });
    assert.equal(d.tree.length, 2);
    assert.equal(d.tree[1].id, a);
    assert.equal(d.tree[1].via, 'depends_on');
    const rel = await ok(client, 'relation_add', { id: b, kind: 'related', target: a });
    assert.equal(rel.action, 'add');
    const e = await ok(client, 'edit', { id: b, title: 'Still blocked' });
    assert.equal(e.fields.title, 'Still blocked');
    const p = await ok(client, 'prompt', { role: 'coder', id: b });
    assert.equal(p.role, 'coder');
    assert.match(p.text, /Still blocked/);
    // A cycle is refused the same way.
    const cyc = await client.callTool({
      name: 'relation_add', arguments: { id: a, kind: 'depends_on', target: b },
    });
    assert.equal(cyc.isError, true);
    assert.match(cyc.content[0].text, /cycle/);
    // Against the schema: a protocol error, not a tool result.
    await assert.rejects(client.callTool({
      name: 'state', arguments: { id: b, target: 'bogus' },
    }), /-32602/);
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a role prompt with a ticket and resource reads', async () => {
  const dir = store();
  const client = await connect(dir);
  try {
    const id = (await ok(client, 'create', { title: 'Prompt me' })).id;
    const p = await client.getPrompt({ name: 'coder', arguments: { ticket: id } });
    const text = p.messages[0].content.text;
    assert.match(text, /Role: coder/);
    assert.match(text, /Prompt me/);
    const r = await client.readResource({ uri: `yoi://tickets/${id}` });
    assert.equal(r.contents[0].mimeType, 'text/markdown');
    assert.match(r.contents[0].text, /Prompt me/);
    assert.match(r.contents[0].text, /event: create/);
    const t = await client.readResource({ uri: `yoi://tickets/${id}/thread` });
    assert.doesNotMatch(t.contents[0].text, /Prompt me/);
    const route = await client.readResource({ uri: 'yoi://route' });
    assert.deepEqual(JSON.parse(route.contents[0].text), []);
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a CLI write during the session is seen by the next call', async () => {
  const dir = store();
  const client = await connect(dir);
  try {
    const id = (await ok(client, 'create', { title: 'Shared' })).id;
    const before = await ok(client, 'show', { id });
    // The server holds no lock: the CLI writes while the session is open.
    cli(dir, 'comment', id, '-m', 'from the command line');
    cli(dir, 'edit', id, '--title', 'Shared and renamed');
    const after = await ok(client, 'show', { id });
    assert.equal(after.event_count, before.event_count + 2);
    assert.equal(after.title, 'Shared and renamed');
    assert.ok(after.events.some((e) => e.body.includes('from the command line')));
    const list = await ok(client, 'list', {});
    assert.equal(list.tickets[0].title, 'Shared and renamed');
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// The token budget (README): bytes of the tools/list answer and of a
// typical route and show answer, as the client receives them.
test('token budget figures', async (t) => {
  const dir = store();
  const client = await connect(dir);
  try {
    const { tools } = await client.listTools();
    const listBytes = Buffer.byteLength(JSON.stringify({ tools }));
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const r = await ok(client, 'create', {
        title: `Ticket ${i}`, depends_on: ids.length ? [ids[ids.length - 1]] : [],
      });
      ids.push(r.id);
      await ok(client, 'state', { id: r.id, target: 'ready', summary: 'Ready.' });
    }
    await ok(client, 'comment', { id: ids[4], text: 'A comment of a few words.' });
    const route = await client.callTool({ name: 'route', arguments: {} });
    const show = await client.callTool({ name: 'show', arguments: { id: ids[4] } });
    const routeBytes = Buffer.byteLength(JSON.stringify(route));
    const showBytes = Buffer.byteLength(JSON.stringify(show));
    t.diagnostic(`tools/list: ${tools.length} tools, ${listBytes} bytes`);
    t.diagnostic(`route (5 ready tickets in a chain): ${routeBytes} bytes`);
    t.diagnostic(`show (4 events, 1 relation): ${showBytes} bytes`);
    console.log(`MCP budget: tools/list ${listBytes} B, route ${routeBytes} B, show ${showBytes} B`);
    assert.ok(listBytes < 12000, `tools/list ${listBytes} bytes`);
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
