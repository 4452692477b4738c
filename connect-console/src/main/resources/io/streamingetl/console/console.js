'use strict';
// The pipeline console. Every value from the pipeline is rendered as text (textContent), never
// as HTML; secrets (PASSWORD options) are never put on the page.

const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : {'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = {message: text}; }
  if (!response.ok) {
    throw new Error((data && (data.message || data.error)) || (response.status + ' ' + response.statusText));
  }
  return data;
}

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function row(cells, attrs) {
  const tr = el('tr', null, attrs);
  for (const c of cells) {
    if (c instanceof Node) { const td = el('td'); td.appendChild(c); tr.appendChild(td); }
    else tr.appendChild(el('td', c === null || c === undefined ? '' : c, typeof c === 'number' ? {class: 'num'} : {}));
  }
  return tr;
}

function fill(tableId, rows) {
  const body = $(tableId).querySelector('tbody');
  body.replaceChildren(...rows);
}

function message(id, text, ok) {
  const m = $(id);
  m.textContent = text || '';
  m.className = 'message' + (ok ? ' ok' : '');
}

const time = (ms) => ms ? new Date(Number(ms)).toLocaleTimeString() : '';
const num = (v) => v === null || v === undefined ? '' : Math.round(Number(v) * 10) / 10;

// ---------------------------------------------------------------- connectors

let connectors = {};

async function loadConnectors() {
  try {
    connectors = await api('GET', '/connectors?expand=status&expand=info');
    const rows = Object.keys(connectors).sort().map((name) => {
      const c = connectors[name];
      const state = c.status.connector.state;
      const tasks = el('div');
      for (const t of c.status.tasks) {
        const line = el('div', null, {'data-task': String(t.id)});
        line.appendChild(el('span', 'task ' + t.id + ' '));
        line.appendChild(el('span', t.state, {class: 'state state-' + t.state}));
        line.appendChild(el('span', ' on ' + t.worker_id));
        if (t.trace) {
          const d = el('details');
          d.appendChild(el('summary', 'error trace'));
          d.appendChild(el('pre', t.trace, {class: 'trace'}));
          line.appendChild(d);
        }
        tasks.appendChild(line);
      }
      const restart = el('button', 'Restart', {type: 'button'});
      restart.addEventListener('click', async () => {
        try {
          await api('POST', '/connectors/' + encodeURIComponent(name) + '/restart?includeTasks=true&onlyFailed=false');
          message('connectors-message', 'restart of ' + name + ' requested', true);
          setTimeout(loadConnectors, 1000);
        } catch (e) { message('connectors-message', name + ': ' + e.message); }
      });
      return row([name, c.status.type, el('span', state, {class: 'state state-' + state}), c.status.connector.worker_id,
        tasks, restart], {'data-connector': name});
    });
    fill('connectors', rows);
    updateSinkChoices();
    message('connectors-message', '');
  } catch (e) {
    message('connectors-message', 'connectors: ' + e.message);
  }
}

// ---------------------------------------------------------------- ClickHouse sink

const SINK_CLASS = 'io.streamingetl.clickhouse.ClickHouseSinkConnector';

function updateSinkChoices() {
  const select = $('sink-connector');
  const sinks = Object.keys(connectors).filter((n) => connectors[n].info.config['connector.class'] === SINK_CLASS).sort();
  const current = select.value;
  if (sinks.join() !== Array.from(select.options).map((o) => o.value).join()) {
    select.replaceChildren(...sinks.map((n) => el('option', n, {value: n})));
    if (sinks.includes(current)) select.value = current;
  }
}

async function loadSink() {
  const sink = $('sink-connector').value;
  if (!sink) return;
  const problems = [];
  try {
    const m = await api('GET', '/console/api/sink-metrics');
    fill('sink-tables', m.tables.filter((t) => t.connector === sink).sort((a, b) => a.table.localeCompare(b.table))
      .map((t) => row([t.table, num(t['rows-written-total']), num(t['rows-written-rate']), num(t['batches-total']),
        time(t['last-insert-ms']), num(t['errors-total'])], {'data-table': t.table})));
    fill('sink-tasks', m.tasks.filter((t) => t.connector === sink).map((t) => row([t.task, num(t['buffer-rows']),
      num(t['buffer-bytes']), num(t['records-received-total']), num(t['records-dlq-total'])])));
  } catch (e) { problems.push('metrics: ' + e.message); }
  try {
    const lag = await api('GET', '/console/api/lag?connector=' + encodeURIComponent(sink));
    fill('lag', lag.map((l) => row([l.topic, l.partition, l.committed, l.end, l.lag])));
  } catch (e) { problems.push('lag: ' + e.message); }
  try {
    const counts = await api('GET', '/console/api/clickhouse?connector=' + encodeURIComponent(sink));
    fill('counts', counts.map((c) => row([c.table, c.final === null ? '' : Number(c.final), Number(c.raw),
      c.newestVersion === null ? '' : c.newestVersion], {'data-table': c.table})));
  } catch (e) { problems.push('ClickHouse: ' + e.message); }
  message('sink-message', problems.join('; '));
}

// ---------------------------------------------------------------- events

async function loadTopics() {
  const topics = new Set();
  for (const name of Object.keys(connectors)) {
    try {
      const t = await api('GET', '/connectors/' + encodeURIComponent(name) + '/topics');
      (t[name] ? t[name].topics : []).forEach((x) => topics.add(x));
    } catch (e) { /* topic tracking may be off */ }
  }
  const select = $('events-topic');
  const current = select.value;
  const sorted = Array.from(topics).sort();
  if (sorted.join() !== Array.from(select.options).map((o) => o.value).join()) {
    select.replaceChildren(...sorted.map((t) => el('option', t, {value: t})));
    if (sorted.includes(current)) select.value = current;
  }
}

/** JSON indented; of JsonConverter's {schema, payload} envelope only the payload, the record itself. */
function pretty(text) {
  if (text === null) return 'null';
  try {
    const v = JSON.parse(text);
    const shown = v && typeof v === 'object' && 'schema' in v && 'payload' in v ? v.payload : v;
    return JSON.stringify(shown, null, 1);
  } catch (e) { return text; }
}

// The columns an update changed: those whose value differs between the envelope's before and after.
function changedColumns(envelope) {
  const changed = new Set();
  if (envelope && typeof envelope === 'object' && envelope.before && envelope.after) {
    for (const k of Object.keys(envelope.after)) {
      if (JSON.stringify(envelope.before[k]) !== JSON.stringify(envelope.after[k])) changed.add(k);
    }
  }
  return changed;
}

// The flat row as JSON, one column a line, the changed ones marked (text nodes only: values may hold markup).
function rowView(value, changed) {
  const pre = el('pre', null, {class: 'change-after'});
  if (!value || typeof value !== 'object') { pre.textContent = String(value); return pre; }
  const keys = Object.keys(value);
  pre.appendChild(document.createTextNode('{\n'));
  keys.forEach((k, i) => {
    const line = ' ' + JSON.stringify(k) + ': ' + JSON.stringify(value[k]) + (i < keys.length - 1 ? ',' : '');
    pre.appendChild(changed.has(k) ? el('mark', line, {class: 'changed', title: 'changed by this update'})
      : document.createTextNode(line));
    pre.appendChild(document.createTextNode('\n'));
  });
  pre.appendChild(document.createTextNode('}'));
  return pre;
}

async function loadEvents() {
  const topic = $('events-topic').value;
  if (!topic) return;
  try {
    const events = await api('GET', '/console/api/events?topic=' + encodeURIComponent(topic) + '&n='
      + encodeURIComponent($('events-n').value));
    fill('events', events.map((e) => row([e.partition, e.offset, new Date(e.timestamp).toLocaleTimeString(),
      el('pre', pretty(e.key)), el('pre', pretty(e.value), {class: 'event-value'})])));
    message('events-message', events.length ? '' : 'no records in ' + topic);
  } catch (e) { message('events-message', e.message); }
  try {
    const changes = await api('GET', '/console/api/changes?topic=' + encodeURIComponent(topic) + '&n='
      + encodeURIComponent($('events-n').value));
    fill('changes', changes.map((c) => {
      const changed = changedColumns(c.before);
      return row([new Date(c.time).toLocaleTimeString(),
        el('pre', JSON.stringify(c.before, null, 1), {class: 'change-before'}), rowView(c.after, changed)]);
    }));
    message('changes-message', changes.length ? '' : 'no changes of ' + topic + ' passed the enrich SMT in this worker');
  } catch (e) { message('changes-message', e.message); }
}

// ---------------------------------------------------------------- configuration form

let definitions = [];
let plugins = [];

async function loadPlugins() {
  plugins = await api('GET', '/connector-plugins?connectorsOnly=true');
  $('form-plugin').replaceChildren(...plugins.map((p) => el('option', p.class + ' (' + p.type + ')', {value: p.class})));
  $('form-plugin').value = plugins.some((p) => p.class === SINK_CLASS) ? SINK_CLASS : plugins[0].class;
  await loadDefinitions();
}

async function loadDefinitions() {
  const plugin = $('form-plugin').value;
  definitions = await api('GET', '/connector-plugins/' + encodeURIComponent(plugin) + '/config');
  // The worker's own options of every connector, when the plugin's ConfigDef leaves them out.
  const sink = (plugins.find((p) => p.class === plugin) || {}).type === 'sink';
  const base = [['tasks.max', 'INT', 'Tasks', 'Maximum number of tasks.'],
    ...(sink ? [['topics', 'LIST', 'Topics', 'Topics to consume, comma separated.'],
      ['topics.regex', 'STRING', 'Topics regex', 'Consume the topics whose names match.']] : [])];
  for (const [name, type, display, doc] of base.reverse()) {
    if (!definitions.some((d) => d.name === name)) {
      definitions.unshift({name, type, display_name: display, documentation: doc, group: 'Connector', required: false,
        default_value: null});
    }
  }
  const form = $('config-form');
  const groups = new Map();
  for (const d of definitions) {
    const group = d.group || 'Other';
    if (!groups.has(group)) {
      const fs = el('fieldset');
      fs.appendChild(el('legend', group));
      groups.set(group, fs);
    }
    const field = el('div', null, {class: 'field', 'data-field': d.name});
    const label = el('label', (d.display_name || d.name) + (d.required ? ' *' : ''), {for: 'field-' + d.name});
    label.appendChild(el('div', d.name, {class: 'doc'}));
    field.appendChild(label);
    let input;
    if (d.type === 'BOOLEAN') {
      input = el('select', null, {id: 'field-' + d.name, name: d.name});
      ['', 'true', 'false'].forEach((v) => input.appendChild(el('option', v === '' ? '(default ' + d.default_value + ')' : v, {value: v})));
    } else {
      input = el('input', null, {id: 'field-' + d.name, name: d.name,
        type: d.type === 'PASSWORD' ? 'password' : 'text',
        placeholder: d.type === 'PASSWORD' ? '(unchanged)'
          : (d.default_value === null || d.default_value === '' ? '' : 'default: ' + d.default_value)});
    }
    field.appendChild(input);
    field.appendChild(el('div', d.documentation, {class: 'doc'}));
    field.appendChild(el('div', '', {class: 'field-error', 'data-field': d.name}));
    groups.get(group).appendChild(field);
  }
  form.replaceChildren(...groups.values());
  const existing = Object.keys(connectors).filter((n) => connectors[n].info.config['connector.class'] === plugin).sort();
  $('form-existing').replaceChildren(...existing.map((n) => el('option', null, {value: n})));
}

/** Fills the form from a running connector; PASSWORD values stay empty (they are kept on apply). */
async function loadExisting() {
  const name = $('form-name').value.trim();
  try {
    const config = await api('GET', '/connectors/' + encodeURIComponent(name) + '/config');
    const plugin = config['connector.class'];
    if ($('form-plugin').value !== plugin) { $('form-plugin').value = plugin; await loadDefinitions(); }
    const types = new Map(definitions.map((d) => [d.name, d.type]));
    for (const input of $('config-form').querySelectorAll('input, select')) {
      input.value = types.get(input.name) === 'PASSWORD' ? '' : (config[input.name] === undefined ? '' : config[input.name]);
    }
    message('form-result', 'loaded ' + name, true);
  } catch (e) { message('form-result', e.message); }
}

/** The form as a config: only the fields given; for an existing connector, what the form does not show stays. */
async function formConfig() {
  const name = $('form-name').value.trim();
  let config = {};
  if (name && connectors[name]) {
    config = await api('GET', '/connectors/' + encodeURIComponent(name) + '/config');
  }
  const types = new Map(definitions.map((d) => [d.name, d.type]));
  for (const input of $('config-form').querySelectorAll('input, select')) {
    if (input.value !== '') config[input.name] = input.value;
    else if (types.get(input.name) !== 'PASSWORD') delete config[input.name];
  }
  config['connector.class'] = $('form-plugin').value;
  config.name = name;
  return config;
}

function showErrors(result) {
  let count = 0;
  for (const c of result.configs) {
    const box = $('config-form').querySelector('.field[data-field="' + CSS.escape(c.value.name) + '"]');
    if (!box) continue;
    const errors = c.value.errors || [];
    box.classList.toggle('invalid', errors.length > 0);
    box.querySelector('.field-error').textContent = errors.join('; ');
    count += errors.length;
  }
  return count;
}

async function validate() {
  try {
    const config = await formConfig();
    const result = await api('PUT', '/connector-plugins/' + encodeURIComponent(config['connector.class'])
      + '/config/validate', config);
    const errors = showErrors(result);
    message('form-result', errors ? errors + ' field error(s)' : 'valid', !errors);
    return errors === 0;
  } catch (e) { message('form-result', e.message); return false; }
}

async function apply() {
  const name = $('form-name').value.trim();
  if (!name) { message('form-result', 'a connector needs a name'); return; }
  if (!(await validate())) return;
  try {
    const config = await formConfig();
    delete config.name;
    await api('PUT', '/connectors/' + encodeURIComponent(name) + '/config', config);
    message('form-result', name + ' created or updated', true);
    setTimeout(loadConnectors, 500);
  } catch (e) { message('form-result', e.message); }
}

// ---------------------------------------------------------------- start

async function refresh() {
  await loadConnectors();
  await loadSink();
}

document.addEventListener('DOMContentLoaded', async () => {
  try {
    const info = await api('GET', '/');
    $('worker').textContent = 'Kafka Connect ' + info.version + ', cluster ' + info.kafka_cluster_id;
  } catch (e) { /* the header stays empty */ }
  $('sink-connector').addEventListener('change', loadSink);
  $('events-load').addEventListener('click', loadEvents);
  $('form-plugin').addEventListener('change', loadDefinitions);
  $('form-load').addEventListener('click', loadExisting);
  $('validate').addEventListener('click', validate);
  $('apply').addEventListener('click', apply);
  await refresh();
  await loadTopics();
  try { await loadPlugins(); } catch (e) { message('form-result', 'plugins: ' + e.message); }
  setInterval(() => { if ($('auto-refresh').checked) refresh(); }, 2000);
  setInterval(loadTopics, 10000);
});
