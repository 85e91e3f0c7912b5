// Ballast dashboard: plain browser JavaScript, no libraries, no network beyond this service.
// Listens to /api/stream (server-sent events: `init`, then one `update` per tick) and renders every vault:
// numbers formatted from the raw on-chain integers (BigInt, half-up rounding), a hand-drawn SVG chart of
// leverage against its band, the rebalance history and the queue counts.
'use strict';

(function () {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const CHART_WINDOW_MS = 10 * 60 * 1000;
  const WAD_DECIMALS = 18;

  const state = {
    vaults: [],
    queues: [],
    history: {}, // vault -> entries, newest first
    samples: {}, // module -> [{t, block, leverage}]
    markers: {}, // module -> [{t, kind, preLeverage, postLeverage, txHash}]
    at: 0,
    error: null,
    tickMs: 1500,
    connected: false,
  };

  // ---------- formatting ----------

  /** A decimal integer string with `decimals` implied decimals, rounded half-up to `places`, grouped by thousands. */
  function formatUnits(raw, decimals, places) {
    let v = BigInt(raw);
    const negative = v < 0n;
    if (negative) v = -v;
    let scaled;
    if (decimals >= places) {
      const div = 10n ** BigInt(decimals - places);
      scaled = (v + div / 2n) / div;
    } else {
      scaled = v * 10n ** BigInt(places - decimals);
    }
    const unit = 10n ** BigInt(places);
    const whole = (scaled / unit).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    const fraction = places > 0 ? '.' + (scaled % unit).toString().padStart(places, '0') : '';
    return (negative && scaled !== 0n ? '−' : '') + whole + fraction;
  }

  function signed(raw, decimals, places) {
    const text = formatUnits(raw, decimals, places);
    return BigInt(raw) > 0n && /[1-9]/.test(text) ? '+' + text : text;
  }

  const asset = (vault, raw) => formatUnits(raw, vault.assetToken.decimals, 4);
  const leverageText = (wad) => (wad === null ? '∞' : formatUnits(wad, WAD_DECIMALS, 3));

  /** Morpho's oracle unit (loan base units per collateral base unit × 1e36) as loan tokens per collateral token. */
  function oraclePriceText(vault, module) {
    const exponent = 36 + module.loan.decimals - vault.assetToken.decimals;
    if (exponent < 0) return formatUnits(BigInt(module.oracle.price) * 10n ** BigInt(-exponent), 0, 2);
    return formatUnits(module.oracle.price, exponent, 2);
  }

  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 90) return s + ' s';
    if (s < 5400) return Math.floor(s / 60) + ' min' + (s % 60 ? ' ' + (s % 60) + ' s' : '');
    if (s < 172800) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' days';
  }

  const pad2 = (n) => String(n).padStart(2, '0');
  function clock(ms) {
    const d = new Date(ms);
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
  }
  function chainTime(seconds) {
    const d = new Date(seconds * 1000);
    return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate()) + ' ' + pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds()) + ' UTC';
  }
  const shortHex = (hex) => hex.slice(0, 8) + '…' + hex.slice(-6);
  const tinyHex = (hex) => hex.slice(0, 6) + '…' + hex.slice(-4);

  // ---------- DOM helpers ----------

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const child of children || []) node.append(child);
    return node;
  }
  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }
  const field = (root, name) => root.querySelector('[data-field="' + name + '"]');

  // ---------- rendering ----------

  function renderConnection() {
    const conn = document.getElementById('conn');
    const text = document.getElementById('conn-text');
    let s;
    let label;
    if (!state.connected) {
      s = 'down';
      label = 'Reconnecting to the service…';
    } else if (state.error) {
      s = 'error';
      label = 'Live, but the last read failed';
    } else {
      s = 'live';
      const block = state.vaults[0] ? ' · block ' + state.vaults[0].blockNumber : '';
      label = 'Live' + block + ' · read at ' + clock(state.at);
    }
    conn.dataset.state = s;
    text.textContent = label;
    const banner = document.getElementById('service-banner');
    banner.replaceChildren();
    if (!state.connected) banner.append(bannerNode('warn', 'Connection lost', 'The numbers below stop updating until the service answers again; the page reconnects by itself.'));
    else if (state.error) banner.append(bannerNode('danger', 'The service cannot read the chain or Redis', state.error + ' — the numbers below are from the last good read.'));
  }

  function bannerNode(kind, title, body, key) {
    return el('div', { class: 'banner banner-' + kind, role: kind === 'danger' || kind === 'warn' ? 'alert' : 'status', 'data-banner': key || kind }, [
      el('strong', { text: title }),
      el('span', { text: ' ' + body }),
    ]);
  }

  function vaultBanners(vault) {
    const out = [];
    if (vault.error) out.push(bannerNode('danger', 'Unreadable.', 'The service could not read this vault: ' + vault.error, 'unreadable'));
    if (vault.shutdown) out.push(bannerNode('danger', 'Shut down.', 'The owner shut this vault down: positions unwind to idle; withdrawals and redemptions stay open.', 'shutdown'));
    else if (vault.paused) {
      out.push(bannerNode('warn', 'Paused by the guardian.', 'Deposits and lever-up are stopped. Withdrawals, redemptions and delevers still work. Only the owner can unpause.', 'paused'));
    }
    for (const m of vault.modules) {
      if (!m.oracle.healthy) {
        const prefix = vault.modules.length > 1 ? 'Module ' + shortHex(m.address) + ': ' : '';
        out.push(bannerNode('danger', 'Oracle unhealthy.', prefix + oracleProblem(m) + ' Only risk-reducing actions run, priced conservatively.', 'oracle-stale'));
      }
    }
    return out;
  }

  function oracleProblem(m) {
    if (m.oracle.ageSeconds > m.maxOracleStaleness) {
      return 'The price feed is stale: last update ' + duration(m.oracle.ageSeconds) + ' ago, limit ' + duration(m.maxOracleStaleness) + '.';
    }
    return 'The price feed (updated ' + duration(m.oracle.ageSeconds) + ' ago) and the pool\u2019s TWAP disagree by more than the allowed deviation, as happens for a few minutes after a sharp move.';
  }

  const STATUS_TEXT = { active: 'Active', paused: 'Paused', shutdown: 'Shut down', 'oracle-stale': 'Oracle stale', unreadable: 'Unreadable' };

  function ensureVault(vault) {
    const main = document.getElementById('vaults');
    let section = main.querySelector('[data-vault="' + vault.address + '"]');
    if (!section) {
      document.getElementById('placeholder')?.remove();
      section = document.getElementById('vault-template').content.firstElementChild.cloneNode(true);
      section.dataset.vault = vault.address;
      section.setAttribute('aria-label', 'Vault ' + (vault.name || vault.address));
      main.append(section);
      if (main.querySelectorAll('[data-vault]').length === 1) field(section, 'side').append(document.getElementById('queues'));
    }
    return section;
  }

  /** A module's nodes: its three tiles (in the vault's tile row) and its chart + details (below). */
  function ensureModule(section, module) {
    let nodes = [...section.querySelectorAll('[data-module="' + module.address + '"]')];
    if (!nodes.length) {
      const tiles = [...document.getElementById('module-tiles-template').content.children].map((n) => n.cloneNode(true));
      const body = document.getElementById('module-template').content.firstElementChild.cloneNode(true);
      for (const n of [...tiles, body]) n.dataset.module = module.address;
      field(section, 'vault-tiles').append(...tiles);
      field(section, 'modules').append(body);
      nodes = [...tiles, body];
    }
    return nodes;
  }

  function renderVault(vault) {
    const section = ensureVault(vault);
    section.dataset.block = vault.blockNumber;
    section.dataset.status = vault.status;
    const set = (name, text) => {
      for (const node of section.querySelectorAll('[data-field="' + name + '"]')) if (!node.closest('[data-module]') && node.textContent !== text) node.textContent = text;
    };
    set('name', vault.name || 'Vault');
    set('symbol', vault.symbol);
    set('address', vault.address);
    set('block', vault.blockNumber);
    set('chain-time', vault.timestamp ? chainTime(vault.timestamp) : '');
    const pill = field(section, 'status');
    pill.textContent = STATUS_TEXT[vault.status] || vault.status;
    pill.dataset.status = vault.status;
    set('asset-symbol', vault.assetToken.symbol);
    set('share-price', asset(vault, vault.sharePrice));
    set('nav', asset(vault, vault.totalAssets));
    set('idle', asset(vault, vault.idle) + ' ' + vault.assetToken.symbol);
    set('supply', formatUnits(vault.totalSupply, vault.shareDecimals, 2));

    const banners = field(section, 'banners');
    const next = vaultBanners(vault);
    const key = next.map((b) => b.textContent).join('|');
    if (banners.dataset.key !== key) {
      banners.dataset.key = key;
      banners.replaceChildren(...next);
    }

    for (const module of vault.modules) renderModule(vault, ensureModule(section, module), module, vault.modules.length);
    renderHistory(vault, section);
  }

  function renderModule(vault, nodes, m, count) {
    const find = (name) => {
      for (const n of nodes) {
        if (n.dataset.field === name) return n;
        const hit = field(n, name);
        if (hit) return hit;
      }
      return null;
    };
    const set = (name, text) => {
      const target = find(name);
      if (target && target.textContent !== text) target.textContent = text;
    };
    set('module-label', count > 1 ? shortHex(m.address) : '');
    const sym = vault.assetToken.symbol;
    const band = m.band;
    set('leverage', leverageText(m.leverageWad));
    const lev = m.leverage;
    const where = lev === null ? 'no equity' : lev < band.min ? 'below the band: the keeper levers up' : lev > band.max ? (lev >= band.ripcord ? 'past the ripcord' : 'above the band: the keeper delevers') : 'inside the band';
    set('band-text', 'band ' + band.min.toFixed(3) + '–' + band.max.toFixed(3) + ', target ' + band.target.toFixed(3) + ' · ' + where);
    find('leverage-tile').dataset.tone = lev === null || lev >= band.ripcord ? 'danger' : m.inBand ? 'ok' : 'warn';

    set('health-factor', m.healthFactorWad === null ? '∞' : formatUnits(m.healthFactorWad, WAD_DECIMALS, 2));
    set('hf-text', m.healthFactorWad === null ? 'no debt' : 'liquidatable below 1.00 · LLTV ' + formatUnits(m.lltv, 16, 1) + '%');
    const hf = m.healthFactor;
    find('hf-tile').dataset.tone = hf === null || hf >= 1.25 ? 'ok' : hf >= 1.05 ? 'warn' : 'danger';

    set('oracle-price', oraclePriceText(vault, m));
    set('oracle-unit', m.loan.symbol + '/' + sym);
    const health = m.oracle.healthy ? 'healthy' : m.oracle.ageSeconds > m.maxOracleStaleness ? 'STALE' : 'UNHEALTHY: feed ≠ TWAP';
    set('oracle-age', health + ' · updated ' + duration(m.oracle.ageSeconds) + ' ago (limit ' + duration(m.maxOracleStaleness) + ')');
    find('oracle-tile').dataset.tone = m.oracle.healthy ? 'ok' : 'danger';

    set('collateral', asset(vault, m.collateral) + ' ' + sym);
    set('debt', formatUnits(m.debt, m.loan.decimals, 2) + ' ' + m.loan.symbol);
    set('equity', asset(vault, m.equity) + ' ' + sym);
    set('band', band.min.toFixed(3) + '× – ' + band.max.toFixed(3) + '×, target ' + band.target.toFixed(3) + '×');
    set('ripcord', band.ripcord.toFixed(3) + '× (anyone may delever)');
    set('last-rebalance', m.lastRebalance ? chainTime(m.lastRebalance) : 'never');
    const sinceLast = vault.timestamp - m.lastRebalance;
    set('cooldown', duration(m.cooldownSeconds) + (m.lastRebalance && sinceLast < m.cooldownSeconds ? ' · next in ' + duration(m.cooldownSeconds - sinceLast) : ' · ready'));
    set('decision', decisionText(m.decision));
    set('module-address', m.address);
    drawChart(find('chart'), m, state.samples[m.address] || [], state.markers[m.address] || []);
  }

  function decisionText(d) {
    if (!d) return 'no evaluation yet';
    const target = Number(d.effectiveTargetLeverage) / 1e18;
    const vol = d.annualisedVolatility === null ? '' : ', volatility ' + (Number(d.annualisedVolatility) / 1e16).toFixed(0) + '%/yr';
    const what = d.kind === 'none' ? 'hold' : d.kind;
    return what + ' (' + d.reason + ') · target ' + target.toFixed(3) + '×' + vol + ' · block ' + d.blockNumber;
  }

  const KIND_TEXT = { ripcord: 'Ripcord', 'dead-mans-switch': "Dead-man's switch", guardian: 'Guardian delever', delever: 'Delever' };

  /** The server's key of a history entry (`DashboardFeedService.newHistory`). */
  function historyKey(e) {
    return e.txHash + ':' + e.kind + ':' + e.module;
  }

  function renderHistory(vault, section) {
    const body = field(section, 'history');
    const entries = state.history[vault.address] || [];
    const key = entries.length + ':' + (entries[0] ? entries[0].txHash : '');
    if (body.dataset.key === key) return;
    body.dataset.key = key;
    if (!entries.length) {
      body.replaceChildren(el('tr', {}, [el('td', { colspan: '5', class: 'empty', text: 'No rebalance yet in the last 50,000 blocks.' })]));
      return;
    }
    const sym = vault.assetToken.symbol;
    body.replaceChildren(
      ...entries.slice(0, 8).map((e) => {
        const up = BigInt(e.postLeverage) > BigInt(e.preLeverage);
        const action = e.kind === 'rebalance' ? (up ? 'Lever up' : 'Delever') : KIND_TEXT[e.kind] || e.kind;
        const navDelta = BigInt(e.postNav) - BigInt(e.preNav);
        const bps = BigInt(e.preNav) === 0n ? '' : (Number((navDelta * 1000000n) / BigInt(e.preNav)) / 100).toFixed(2).replace('-', '−') + ' bps of NAV';
        return el('tr', { 'data-tx': e.txHash }, [
          el('td', {}, [el('span', { text: chainTime(e.timestamp) }), el('br'), el('span', { class: 'hint', text: 'block ' + e.blockNumber })]),
          el('td', {}, [el('span', { class: 'tag tag-' + (up ? 'up' : 'down'), text: action }), el('br'), el('span', { class: 'hint', title: e.caller, text: 'by ' + tinyHex(e.caller) })]),
          el('td', { class: 'num', 'data-field': 'history-leverage', text: leverageText(e.preLeverage) + '× → ' + leverageText(e.postLeverage) + '×' }),
          el('td', { class: 'num' }, [
            el('span', { 'data-field': 'history-nav', text: signed(navDelta.toString(), vault.assetToken.decimals, 4) + ' ' + sym }),
            el('br'),
            el('span', { class: 'hint', text: bps.trim() }),
          ]),
          el('td', { class: 'mono' }, [el('code', { 'data-field': 'tx-hash', title: e.txHash, text: e.txHash })]),
        ]);
      }),
    );
  }

  function renderQueues() {
    const body = document.getElementById('queue-rows');
    if (!state.queues.length) return;
    body.replaceChildren(
      ...state.queues.map((q) => {
        const name = q.name.startsWith('execute-') ? 'execute ' + tinyHex(q.name.slice(8)) : q.name;
        return el('tr', { 'data-queue': q.name }, [
          el('th', { scope: 'row', title: q.name, text: name }),
          ...['waiting', 'active', 'completed', 'failed'].map((k) =>
            el('td', { class: 'num' + (k === 'failed' && q[k] > 0 ? ' bad' : '') + (k === 'active' && q[k] > 0 ? ' busy' : ''), 'data-count': k, text: String(q[k]) }),
          ),
        ]);
      }),
    );
  }

  // ---------- chart ----------

  function drawChart(node, m, samples, markers) {
    const width = Math.max(320, Math.round(node.getBoundingClientRect().width || 720));
    const height = 250;
    const pad = { left: 46, right: 96, top: 14, bottom: 28 };
    const now = state.at || Date.now();
    // The last ten minutes, or since the first sample: the line always reaches the right edge.
    const t0 = Math.max(now - CHART_WINDOW_MS, samples.length ? samples[0].t : now - 60000);
    const t1 = Math.max(now, t0 + 20000);
    const shown = samples.filter((s) => s.t >= t0);
    const values = shown.map((s) => s.leverage).filter((v) => v !== null);
    const band = m.band;
    let lo = Math.min(band.min, ...values);
    let hi = Math.max(band.ripcord, ...values);
    const margin = (hi - lo) * 0.12 || 0.1;
    lo = Math.max(0, lo - margin);
    hi = hi + margin;
    const x = (t) => pad.left + ((t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
    const y = (v) => pad.top + (1 - (v - lo) / (hi - lo)) * (height - pad.top - pad.bottom);
    const right = width - pad.right;

    const parts = [];
    parts.push(svg('rect', { class: 'band', x: pad.left, y: y(band.max), width: right - pad.left, height: Math.max(1, y(band.min) - y(band.max)) }));
    // y grid
    const step = niceStep((hi - lo) / 5);
    for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) {
      parts.push(svg('line', { class: 'grid', x1: pad.left, x2: right, y1: y(v), y2: y(v) }));
      parts.push(svg('text', { class: 'axis', x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, v.toFixed(step < 0.1 ? 2 : 1) + '×'));
    }
    // x ticks: clock times
    const xTicks = 5;
    for (let i = 0; i <= xTicks; i++) {
      const t = t0 + ((t1 - t0) * i) / xTicks;
      parts.push(svg('text', { class: 'axis', x: x(t), y: height - 8, 'text-anchor': i === 0 ? 'start' : i === xTicks ? 'end' : 'middle' }, clock(t)));
    }
    const lines = [
      ['ripcord', band.ripcord, 'rip', 'ripcord '],
      ['max', band.max, 'edge', 'max '],
      ['target', band.target, 'target', 'target '],
      ['min', band.min, 'edge', 'min '],
    ];
    let lastLabelY = -Infinity;
    for (const [, v, cls, label] of lines) {
      parts.push(svg('line', { class: 'limit limit-' + cls, x1: pad.left, x2: right, y1: y(v), y2: y(v) }));
      const ly = Math.max(y(v) + 4, lastLabelY + 12);
      lastLabelY = ly;
      parts.push(svg('text', { class: 'limit-label limit-label-' + cls, x: right + 6, y: ly }, label + v.toFixed(2) + '×'));
    }
    for (const mk of markers) {
      if (mk.t < t0) continue;
      const mx = x(mk.t);
      const g = svg('g', { class: 'marker' });
      g.append(svg('title', {}, mk.kind + ' ' + leverageText(mk.preLeverage) + '× → ' + leverageText(mk.postLeverage) + '× · ' + mk.txHash));
      g.append(svg('line', { x1: mx, x2: mx, y1: pad.top, y2: height - pad.bottom }));
      g.append(svg('path', { d: 'M' + (mx - 5) + ' ' + pad.top + ' h10 l-5 7 z' }));
      parts.push(g);
    }
    // leverage line (gaps where equity was not positive)
    let d = '';
    let pen = false;
    for (const s of shown) {
      if (s.leverage === null) {
        pen = false;
        continue;
      }
      d += (pen ? 'L' : 'M') + x(s.t).toFixed(1) + ' ' + y(s.leverage).toFixed(1);
      pen = true;
    }
    if (d) parts.push(svg('path', { class: 'lev', d }));
    const last = shown[shown.length - 1];
    if (last && last.leverage !== null) {
      parts.push(svg('circle', { class: 'lev-dot', cx: x(last.t), cy: y(last.leverage), r: 4 }));
    }
    if (!shown.length) parts.push(svg('text', { class: 'axis', x: (pad.left + right) / 2, y: height / 2, 'text-anchor': 'middle' }, 'collecting samples…'));

    node.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    node.setAttribute('height', String(height));
    const now_ = last && last.leverage !== null ? last.leverage.toFixed(3) + '×' : 'unknown';
    node.setAttribute('aria-label', 'Leverage over the last ' + Math.round((t1 - t0) / 60000) + ' minutes: now ' + now_ + '; band ' + band.min + '× to ' + band.max + '×, target ' + band.target + '×, ripcord ' + band.ripcord + '×; ' + markers.filter((mk) => mk.t >= t0).length + ' rebalance(s) marked.');
    node.replaceChildren(...parts);
  }

  function niceStep(raw) {
    const power = 10 ** Math.floor(Math.log10(raw));
    for (const f of [1, 2, 2.5, 5, 10]) if (f * power >= raw) return f * power;
    return 10 * power;
  }

  // ---------- data ----------

  function render() {
    renderConnection();
    for (const vault of state.vaults) renderVault(vault);
    renderQueues();
    document.getElementById('tick').textContent = (state.tickMs / 1000).toString();
  }

  function apply(update, reset) {
    state.at = update.at;
    state.error = update.error;
    state.vaults = update.vaults;
    state.queues = update.queues;
    if (reset) {
      state.history = update.history;
      state.samples = update.samples;
      state.markers = update.markers;
      if (update.tickMs) state.tickMs = update.tickMs;
    } else {
      for (const [vault, entries] of Object.entries(update.history)) {
        // A page that connects while the server is between finding an event and sending its update gets the event
        // twice (in the init payload and in the update): keep one row per event.
        const known = state.history[vault] || [];
        const seen = new Set(known.map(historyKey));
        state.history[vault] = entries.filter((e) => !seen.has(historyKey(e))).concat(known).slice(0, 50);
      }
      for (const [module, list] of Object.entries(update.samples)) {
        const series = (state.samples[module] = (state.samples[module] || []).concat(list));
        if (series.length > 1600) series.splice(0, series.length - 1600);
      }
      for (const [module, list] of Object.entries(update.markers)) state.markers[module] = (state.markers[module] || []).concat(list).slice(-50);
    }
    render();
  }

  function connect() {
    const source = new EventSource('/api/stream');
    source.addEventListener('init', (e) => {
      state.connected = true;
      apply(JSON.parse(e.data), true);
    });
    source.addEventListener('update', (e) => {
      state.connected = true;
      apply(JSON.parse(e.data), false);
    });
    source.addEventListener('error', () => {
      state.connected = false;
      renderConnection();
    });
  }

  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(render, 150);
  });

  connect();
})();
