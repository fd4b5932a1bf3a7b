// Paywatch dashboard: plain JavaScript, no build step, no third-party code. Every value from the API is put
// into the page with textContent or SVG attributes, never parsed as HTML.
'use strict';

(function () {
  const REFRESH_MS = 5000;
  const NORM_DAYS = 30;
  const SVG = 'http://www.w3.org/2000/svg';
  const ALERTS_PAGE = 50;
  const state = { tenant: '', key: '', outbox: '', selected: null, timer: null,
    // clientId -> the name the clients list shows (the name, with the id when two clients share it).
    names: {},
    // The tenant's time zone (the clients list says it): alert dates without a zone of their own are dates in it.
    zone: null,
    // The alert panel: its filters, the cursor of the next page, and whether more pages than the first are shown
    // (then the 5-second refresh leaves the list alone rather than collapsing it to the first page).
    alerts: { nextCursor: null, expanded: false, loading: false, seq: 0, withdrawn: new Set() } };

  // --- helpers -------------------------------------------------------------------------------------------
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, String(v)));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function fmt(n, digits) {
    return n === null || n === undefined ? '–' : Number(n).toFixed(digits === undefined ? 1 : digits);
  }
  function pct(n) { return n === null || n === undefined ? '–' : Math.round(n * 100) + '%'; }
  // ISO 4217 minor-unit digits of the currencies whose amounts do not have 2 decimals: the digits of Java's
  // java.util.Currency, which the processor and the emails use (DashboardMoneyTest checks the two agree). Not
  // Intl's digits: those are CLDR display digits (0 for AFN, IQD, ...), which would misread minor units by 100x.
  // The X codes without a minor unit (metals, SDR, test codes) count whole units, as the emails show them.
  const MINOR_DIGITS = { ADP: 0, BEF: 0, BIF: 0, BYB: 0, BYR: 0, CLP: 0, DJF: 0, ESP: 0, GNF: 0, GRD: 0, ISK: 0,
    ITL: 0, JPY: 0, KMF: 0, KRW: 0, LUF: 0, MGF: 0, PTE: 0, PYG: 0, ROL: 0, RWF: 0, TPE: 0, TRL: 0, UGX: 0, UYI: 0,
    VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
    XAG: 0, XAU: 0, XBA: 0, XBB: 0, XBC: 0, XBD: 0, XDR: 0, XFO: 0, XFU: 0, XPD: 0, XPT: 0, XSU: 0, XTS: 0, XUA: 0,
    XXX: 0,
    BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
    CLF: 4, UYW: 4 };
  /** Minor-unit digits of a three-letter code, 2 unless listed above. */
  function minorDigits(currency) {
    const code = String(currency || '');
    return Object.prototype.hasOwnProperty.call(MINOR_DIGITS, code) ? MINOR_DIGITS[code] : 2;
  }
  /**
   * An amount in minor units (an integer, as the API sends it) as a decimal with the currency's own digits and
   * thousands separators: 250000 JPY -> "250,000 JPY", 1234567 KWD -> "1,234.567 KWD". String arithmetic on the
   * integer, never a division in floating point, so a large amount keeps its last digit.
   */
  function moneyText(m) {
    let raw;
    try { raw = BigInt(m.amountMinor).toString(); } catch (e) { return String(m.amountMinor) + ' ' + m.currency; }
    const digits = minorDigits(m.currency);
    const negative = raw.startsWith('-');
    const units = (negative ? raw.substring(1) : raw).padStart(digits + 1, '0');
    const whole = units.substring(0, units.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    const fraction = digits > 0 ? '.' + units.substring(units.length - digits) : '';
    return (negative ? '-' : '') + whole + fraction + ' ' + m.currency;
  }
  function money(list) {
    if (!list || list.length === 0) return '–';
    return list.map(moneyText).join(', ');
  }
  // For the page's tests: the exact text the page shows for an amount, and the digits it assumes for a currency.
  window.paywatchMoney = { text: moneyText, minorDigits: minorDigits };
  function day(iso) { return iso ? iso.substring(0, 10) : '–'; }
  /**
   * The calendar date of an instant in a time zone (the alert's own timezone fact, else the tenant's): an alert
   * raised at local midnight in Rome is 22:00 UTC the day before, and its date is the Rome one, as in the emails.
   */
  function dayIn(iso, zone) {
    if (!iso) return '–';
    if (!zone) return day(iso);
    try {
      const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric',
        month: '2-digit', day: '2-digit' }).formatToParts(new Date(iso)).map(p => [p.type, p.value]));
      return parts.year + '-' + parts.month + '-' + parts.day;
    } catch (e) {
      return day(iso);
    }
  }
  function setStatus(text, error) {
    const s = document.getElementById('status');
    s.textContent = text;
    s.className = error ? 'status error' : 'status';
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  async function api(path) {
    const response = await fetch('/v1/tenants/' + encodeURIComponent(state.tenant) + path, {
      headers: { 'Authorization': 'Bearer ' + state.key, 'Accept': 'application/json' },
      cache: 'no-store'
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const err = new Error(body.detail || ('HTTP ' + response.status));
      err.status = response.status;
      throw err;
    }
    return body;
  }

  // --- texts the freelancer reads -----------------------------------------------------------------------
  /** What an open invoice's days past due mean today: "12 days overdue", "Due today", "Due in 13 days". */
  function dueText(daysPastDue) {
    if (daysPastDue === null || daysPastDue === undefined) return '–';
    if (daysPastDue > 0) return daysPastDue + (daysPastDue === 1 ? ' day overdue' : ' days overdue');
    if (daysPastDue === 0) return 'Due today';
    return 'Due in ' + (-daysPastDue) + (daysPastDue === -1 ? ' day' : ' days');
  }
  /** Late share: of the invoices already paid, the share paid after their due date. */
  function lateShareText(p) {
    if (!p || !p.paidInvoices) return 'none paid yet';
    return pct(p.lateShare) + ' of ' + p.paidInvoices + ' paid';
  }
  function lateShareTip(p) {
    if (!p || !p.paidInvoices) return 'Paid late: no invoice has been paid yet, so there is no late share.';
    return 'Paid late: ' + pct(p.lateShare) + ' of the ' + p.paidInvoices
      + ' invoices already paid were paid after their due date (payment history).';
  }
  /** Overdue now: of the invoices still open, those past their due date today. */
  function overdueNowText(r) {
    if (!r || !r.openCount) return 'none open';
    return r.overdueCount + ' of ' + r.openCount + ' open';
  }
  function overdueNowTip(r) {
    const today = r && r.today ? ' today (' + r.today + ')' : ' today';
    if (!r || !r.openCount) return 'Overdue now: no open invoices.';
    return 'Overdue now: ' + r.overdueCount + ' of the ' + r.openCount
      + ' invoices still open are past their due date' + today + '.';
  }
  function displayName(c) { return c.displayName || state.names[c.clientId] || c.clientName || c.clientId; }

  // --- clients table -------------------------------------------------------------------------------------
  const CLIENT_COLUMNS = ['Client', 'Type', 'Score', 'Paid', 'Mean DTP', 'EWMA DTP', 'Paid late', 'Overdue now',
    'Outstanding', 'Reply h', 'Ghosting'];

  function cell(label, value, attrs) {
    const td = el('td', Object.assign({ 'data-label': label }, attrs || {}),
      value === undefined || value === null ? '–' : value);
    return td;
  }

  function renderClients(clients) {
    const tbody = document.querySelector('#clients-table tbody');
    clear(tbody);
    document.getElementById('clients-empty').classList.toggle('hidden', clients.length > 0);
    clients.forEach(c => {
      const p = c.payments || {}, r = c.receivables || {}, q = c.responsiveness || {}, k = c.classification || {};
      const tr = el('tr', { 'data-client': c.clientId });
      if (state.selected === c.clientId) tr.className = 'selected';
      tr.appendChild(cell(CLIENT_COLUMNS[0], displayName(c), { class: 'name', title: 'Client id: ' + c.clientId }));
      const type = el('td', { 'data-label': CLIENT_COLUMNS[1] });
      type.appendChild(el('span', { class: 'badge ' + (k.type || 'NEW') }, k.type || 'NEW'));
      tr.appendChild(type);
      tr.appendChild(cell(CLIENT_COLUMNS[2], k.score));
      tr.appendChild(cell(CLIENT_COLUMNS[3], p.paidInvoices));
      tr.appendChild(cell(CLIENT_COLUMNS[4], fmt(p.meanDaysToPay)));
      tr.appendChild(cell(CLIENT_COLUMNS[5], fmt(p.ewmaDaysToPay)));
      tr.appendChild(cell(CLIENT_COLUMNS[6], lateShareText(p), { class: 'late-share', title: lateShareTip(p) }));
      tr.appendChild(cell(CLIENT_COLUMNS[7], overdueNowText(r),
        { class: 'overdue-now' + (r.overdueCount > 0 ? ' alarm' : ''), title: overdueNowTip(r) }));
      tr.appendChild(cell(CLIENT_COLUMNS[8], money(r.outstanding)));
      tr.appendChild(cell(CLIENT_COLUMNS[9], fmt(q.medianReplyBusinessHours)));
      tr.appendChild(cell(CLIENT_COLUMNS[10], q.ghosting ? 'yes' : 'no'));
      tr.addEventListener('click', () => select(c.clientId));
      tbody.appendChild(tr);
    });
  }

  // --- the selected client is in the URL: ?client=<id> (or #/clients/<id>), so a detail view has a link ------
  function clientFromUrl() {
    const fromQuery = new URLSearchParams(window.location.search).get('client');
    if (fromQuery) return fromQuery;
    const m = /^#\/clients\/([^?&]+)/.exec(window.location.hash);
    return m ? decodeURIComponent(m[1]) : null;
  }

  function select(clientId) {
    state.selected = clientId;
    // The fragment (tenant and key) stays where it is: it never reaches a server, the query string does. A link
    // of the form #/clients/<id>?tenant=…&key=… keeps its form.
    const hash = window.location.hash;
    const url = /^#\/clients\//.test(hash)
      ? window.location.pathname + '#/clients/' + encodeURIComponent(clientId)
        + (hash.indexOf('?') >= 0 ? hash.substring(hash.indexOf('?')) : '')
      : window.location.pathname + '?client=' + encodeURIComponent(clientId) + hash;
    if (window.location.pathname + window.location.search + window.location.hash !== url) {
      history.pushState({ client: clientId }, '', url);
    }
    refresh();
  }

  // --- per-client charts ---------------------------------------------------------------------------------
  function dtpChart(profile) {
    const box = document.getElementById('dtp-chart');
    clear(box);
    const history = (profile.payments && profile.payments.history) || [];
    // Settlement dates are calendar dates in the tenant's zone, as in the API's figures (days to pay counts them).
    const zone = profile.timezone || state.zone;
    const W = 520, H = 220, L = 36, R = 10, T = 10, B = 26;
    const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Days to pay per settled invoice' });
    const maxY = Math.max(NORM_DAYS + 10, ...history.map(h => h.daysToPay)) * 1.1;
    const y = v => T + (H - T - B) * (1 - v / maxY);
    const x = i => L + (W - L - R) * (history.length <= 1 ? 0.5 : i / (history.length - 1));
    for (let v = 0; v <= maxY; v += 15) {
      s.appendChild(svg('line', { class: 'grid-line', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      s.appendChild(svg('text', { x: 4, y: y(v) + 4 }, v));
    }
    s.appendChild(svg('line', { class: 'axis', x1: L, x2: L, y1: T, y2: H - B }));
    s.appendChild(svg('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
    s.appendChild(svg('line', { class: 'norm', x1: L, x2: W - R, y1: y(NORM_DAYS), y2: y(NORM_DAYS) }));
    s.appendChild(svg('text', { x: W - R - 70, y: y(NORM_DAYS) - 4 }, NORM_DAYS + '-day norm'));
    if (history.length > 0) {
      // Running EWMA (alpha 0.3) drawn over the points, so the drift is visible at a glance.
      let e = history[0].daysToPay;
      const pts = history.map((h, i) => { e = i === 0 ? e : 0.3 * h.daysToPay + 0.7 * e; return x(i) + ',' + y(e); });
      s.appendChild(svg('polyline', { class: 'trend', points: pts.join(' ') }));
      history.forEach((h, i) => {
        const c = svg('circle', { class: h.daysLate > 0 ? 'dot late' : 'dot', cx: x(i), cy: y(h.daysToPay), r: 4 });
        c.appendChild(svg('title', {}, `${h.invoiceId}: ${h.daysToPay} days (settled ${dayIn(h.settledAt, zone)})`));
        s.appendChild(c);
      });
      s.appendChild(svg('text', { x: L, y: H - 8 }, dayIn(history[0].settledAt, zone)));
      s.appendChild(svg('text', { x: W - R - 64, y: H - 8 }, dayIn(history[history.length - 1].settledAt, zone)));
    } else {
      s.appendChild(svg('text', { x: L + 10, y: H / 2 }, 'No settled invoices yet'));
    }
    box.appendChild(s);
  }

  function agingChart(profile) {
    const box = document.getElementById('aging-chart');
    clear(box);
    const labels = ['current', '1-30', '31-60', '61-90', '90+'];
    const buckets = (profile.receivables && profile.receivables.aging) || [];
    const byLabel = Object.fromEntries(buckets.map(b => [b.label, b]));
    const W = 520, H = 180, L = 30, B = 40, T = 10;
    const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Aging buckets' });
    const max = Math.max(1, ...labels.map(l => (byLabel[l] ? byLabel[l].count : 0)));
    const bw = (W - L) / labels.length;
    labels.forEach((l, i) => {
      const b = byLabel[l] || { count: 0, outstanding: [] };
      const h = (H - T - B) * b.count / max;
      const rect = svg('rect', { class: l === 'current' ? 'bar' : 'bar overdue', x: L + i * bw + 8, y: H - B - h,
        width: bw - 16, height: Math.max(h, 1) });
      rect.appendChild(svg('title', {}, `${l}: ${b.count} invoice(s), ${money(b.outstanding)}`));
      s.appendChild(rect);
      s.appendChild(svg('text', { x: L + i * bw + bw / 2 - 14, y: H - B + 14 }, l));
      s.appendChild(svg('text', { x: L + i * bw + bw / 2 - 4, y: H - B - h - 4 }, b.count));
      s.appendChild(svg('text', { x: L + i * bw + 8, y: H - 8 }, money(b.outstanding)));
    });
    s.appendChild(svg('line', { class: 'axis', x1: L, x2: W, y1: H - B, y2: H - B }));
    box.appendChild(s);
  }

  function ghostChart(profile) {
    const box = document.getElementById('ghost-chart');
    clear(box);
    const episodes = (profile.responsiveness && profile.responsiveness.ghostingTimeline) || [];
    const zone = profile.timezone || state.zone;
    // Ends today (the server's clock), not at the client's last event: silence is the point of this chart.
    const asOf = profile.receivables && profile.receivables.asOf;
    const end = asOf ? Date.parse(asOf) : Date.now();
    const start = end - 365 * 86400000;
    const W = 520, H = 90, L = 10, R = 10;
    const x = t => L + (W - L - R) * Math.min(1, Math.max(0, (t - start) / (end - start)));
    const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Ghosting episodes' });
    s.appendChild(svg('line', { class: 'axis', x1: L, x2: W - R, y1: 50, y2: 50 }));
    for (let m = 0; m <= 12; m += 3) {
      const t = start + m * 30.4 * 86400000;
      s.appendChild(svg('line', { class: 'axis', x1: x(t), x2: x(t), y1: 46, y2: 54 }));
      s.appendChild(svg('text', { x: Math.min(x(t), W - 70), y: 70 }, new Date(t).toISOString().substring(0, 7)));
    }
    episodes.forEach(e => {
      const a = Date.parse(e.startedAt), b = e.endedAt ? Date.parse(e.endedAt) : end;
      const r = svg('rect', { class: e.endedAt ? 'episode' : 'episode ongoing', x: x(a), y: 30,
        width: Math.max(3, x(b) - x(a)), height: 16, rx: 3 });
      r.appendChild(svg('title', {}, `${dayIn(e.startedAt, zone)} → ${e.endedAt ? dayIn(e.endedAt, zone) : 'ongoing'}: ${e.reason}`));
      s.appendChild(r);
    });
    s.appendChild(svg('text', { x: L, y: 18 }, episodes.length === 0 ? 'No ghosting episodes'
      : episodes.length + ' episode(s); red = still silent'));
    box.appendChild(s);
  }

  function openInvoices(profile) {
    const tbody = document.querySelector('#open-table tbody');
    clear(tbody);
    const invoices = (profile.receivables && profile.receivables.invoices) || [];
    document.getElementById('open-empty').classList.toggle('hidden', invoices.length > 0);
    invoices.forEach(i => {
      const tr = el('tr', { 'data-invoice': i.invoiceId });
      tr.appendChild(cell('Invoice', i.invoiceId, { class: 'id' }));
      tr.appendChild(cell('Due', i.dueDate || dayIn(i.dueAt, profile.timezone || state.zone)));
      tr.appendChild(cell('Outstanding', money([i.outstanding])));
      tr.appendChild(cell('Status', dueText(i.daysPastDue),
        { class: 'due' + (i.daysPastDue > 0 ? ' alarm' : '') }));
      tr.appendChild(cell('P(late)', pct(i.lateProbability), { class: 'plate' }));
      tbody.appendChild(tr);
    });
  }

  function detailFigures(profile) {
    const box = document.getElementById('detail-figures');
    clear(box);
    const p = profile.payments || {}, r = profile.receivables || {};
    const late = el('span', { id: 'late-share', class: 'figure', title: lateShareTip(p) });
    late.appendChild(el('span', { class: 'muted' }, 'Paid late '));
    late.appendChild(el('strong', {}, lateShareText(p)));
    const overdue = el('span', { id: 'overdue-now', class: 'figure', title: overdueNowTip(r) });
    overdue.appendChild(el('span', { class: 'muted' }, 'Overdue now '));
    overdue.appendChild(el('strong', { class: r.overdueCount > 0 ? 'alarm' : '' }, overdueNowText(r)));
    box.appendChild(late);
    box.appendChild(overdue);
    if (r.oldestOpenAgeDays !== null && r.oldestOpenAgeDays !== undefined) {
      const oldest = el('span', { class: 'figure', title: 'Days since the oldest open invoice was issued' });
      oldest.appendChild(el('span', { class: 'muted' }, 'Oldest open '));
      oldest.appendChild(el('strong', {}, r.oldestOpenAgeDays + ' days'));
      box.appendChild(oldest);
    }
    box.appendChild(el('span', { class: 'figure muted', id: 'detail-asof' }, 'As of ' + (r.today || '–')
      + (profile.timezone ? ' (' + profile.timezone + ')' : '') + ' · history as of ' + dayIn(profile.asOf, profile.timezone || state.zone)));
    const asOf = r.today ? '(today, ' + r.today + ')' : '';
    document.getElementById('aging-asof').textContent = asOf;
    document.getElementById('open-asof').textContent = asOf;
  }

  function renderDetail(profile) {
    document.getElementById('detail-section').classList.remove('hidden');
    const k = profile.classification || {};
    document.getElementById('detail-title').textContent = displayName(profile)
      + ' · ' + (k.type || 'NEW') + ' · score ' + (k.score === undefined ? '–' : k.score);
    document.getElementById('detail-reasons').textContent = (k.reasons || []).join(' ');
    detailFigures(profile);
    dtpChart(profile);
    agingChart(profile);
    ghostChart(profile);
    openInvoices(profile);
  }

  function renderMissing(clientId) {
    document.getElementById('detail-section').classList.remove('hidden');
    document.getElementById('detail-title').textContent = 'No client "' + clientId + '" for this tenant';
    ['detail-figures', 'detail-reasons', 'dtp-chart', 'aging-chart', 'ghost-chart'].forEach(id =>
      clear(document.getElementById(id)));
    clear(document.querySelector('#open-table tbody'));
  }

  // --- alerts and emails ---------------------------------------------------------------------------------
  function alertQuery(cursor) {
    const params = new URLSearchParams();
    params.set('limit', String(ALERTS_PAGE));
    [['type', 'alert-type'], ['severity', 'alert-severity'], ['clientId', 'alert-client']].forEach(([name, id]) => {
      const value = document.getElementById(id).value;
      if (value) params.set(name, value);
    });
    if (cursor) params.set('cursor', cursor);
    return '/alerts?' + params.toString();
  }

  function alertItem(a) {
    const li = el('li', { 'data-alert': a.alertId, 'data-type': a.type, 'data-client': a.clientId,
      'data-invoices': (a.invoiceIds || []).join(',') });
    li.appendChild(el('span', { class: 'sev ' + a.severity }, a.severity));
    li.appendChild(el('strong', {}, a.type + ' '));
    li.appendChild(el('span', { class: 'client', title: 'Client id: ' + a.clientId },
      state.names[a.clientId] || a.clientName || a.clientId));
    if (state.alerts.withdrawn.has(a.alertId)) {
      li.className = 'withdrawn';
      li.appendChild(el('span', { class: 'withdrawn-tag', title: 'A later payment or void proved this alert wrong '
        + '(see the OVERDUE_CORRECTED alert of this invoice)' }, 'withdrawn'));
    }
    li.appendChild(el('div', {}, a.summary));
    li.appendChild(el('div', { class: 'meta' }, dayIn(a.occurredAt, (a.facts && a.facts.timezone) || state.zone)
      + (a.invoiceIds && a.invoiceIds.length
      ? ' · ' + a.invoiceIds.join(', ') : '')));
    return li;
  }

  /** Remembers the INVOICE_OVERDUE alerts an OVERDUE_CORRECTED withdrew, so the list does not show them as news. */
  function noteWithdrawn(alerts) {
    alerts.forEach(a => {
      const ids = a.type === 'OVERDUE_CORRECTED' && a.facts ? a.facts.withdrawnAlertIds : null;
      if (ids) String(ids).split(',').forEach(id => { if (id.trim()) state.alerts.withdrawn.add(id.trim()); });
    });
  }

  function renderAlerts(page, append) {
    noteWithdrawn(page.alerts);
    const ul = document.getElementById('alerts');
    if (!append) clear(ul);
    page.alerts.forEach(a => ul.appendChild(alertItem(a)));
    if (ul.children.length === 0) ul.appendChild(el('li', { class: 'muted' }, 'No alerts match.'));
    state.alerts.nextCursor = page.nextCursor || null;
    document.getElementById('alerts-more').classList.toggle('hidden', !state.alerts.nextCursor);
  }

  /** The first page with the current filters (on every refresh, unless more pages are shown). */
  async function refreshAlerts(force) {
    if (state.alerts.expanded && !force) return;
    state.alerts.expanded = false;
    // Two quick filter changes send two requests whose answers may come back in either order: only the answer to
    // the latest request may be shown, or the list would not match the filters on screen.
    const seq = ++state.alerts.seq;
    const page = await api(alertQuery(null));
    // The corrections, whatever the filters: an overdue alert shown alone must still say it was withdrawn.
    const corrections = await api('/alerts?type=OVERDUE_CORRECTED&limit=200').catch(() => ({ alerts: [] }));
    noteWithdrawn(corrections.alerts || []);
    if (seq === state.alerts.seq) renderAlerts(page, false);
  }

  async function loadMoreAlerts() {
    if (!state.alerts.nextCursor || state.alerts.loading) return;
    state.alerts.loading = true;
    try {
      const seq = state.alerts.seq;
      const page = await api(alertQuery(state.alerts.nextCursor));
      if (seq !== state.alerts.seq) return; // the filters changed meanwhile: this page belongs to the old list
      state.alerts.expanded = true;
      renderAlerts(page, true);
    } catch (e) {
      setStatus('Cannot load more alerts: ' + e.message, true);
    } finally {
      state.alerts.loading = false;
    }
  }

  /** Keeps the client filter's options in step with the clients table, keeping the current choice. */
  function renderClientFilter(clients) {
    const select = document.getElementById('alert-client');
    const chosen = select.value;
    const wanted = clients.map(c => c.clientId);
    const shown = Array.from(select.options).slice(1).map(o => o.value);
    const labels = Array.from(select.options).slice(1).map(o => o.textContent);
    if (wanted.join('\u0000') === shown.join('\u0000')
      && clients.map(displayName).join('\u0000') === labels.join('\u0000')) return;
    while (select.options.length > 1) select.remove(1);
    clients.forEach(c => {
      const option = el('option', { value: c.clientId }, displayName(c));
      select.appendChild(option);
    });
    select.value = wanted.includes(chosen) ? chosen : '';
  }

  async function refreshEmails() {
    const ul = document.getElementById('emails');
    const note = document.getElementById('emails-note');
    if (!state.outbox) {
      note.textContent = 'No outbox configured. The local launcher passes one in the link it prints; '
        + 'with docker-compose, mail is in Mailpit (http://localhost:8025).';
      return;
    }
    let mails;
    try {
      const r = await fetch(state.outbox, { cache: 'no-store' });
      mails = await r.json();
    } catch (e) {
      note.textContent = 'Outbox not reachable at ' + state.outbox;
      return;
    }
    note.textContent = mails.length + ' email(s) captured by the local SMTP server.';
    const open = new Set(Array.from(ul.querySelectorAll('li.open')).map(li => li.getAttribute('data-file')));
    clear(ul);
    mails.forEach(m => {
      const li = el('li', { class: 'mail' + (open.has(m.file) ? ' open' : ''), 'data-file': m.file });
      li.appendChild(el('strong', {}, m.subject || '(no subject)'));
      li.appendChild(el('div', { class: 'meta' }, (m.to || []).join(', ') + ' · ' + (m.date || '')));
      const pre = el('pre', { class: open.has(m.file) ? '' : 'hidden' }, m.text || '');
      li.appendChild(pre);
      li.addEventListener('click', () => { li.classList.toggle('open'); pre.classList.toggle('hidden'); });
      ul.appendChild(li);
    });
  }

  // --- refresh loop --------------------------------------------------------------------------------------
  async function refresh() {
    if (!state.tenant || !state.key) return;
    try {
      const list = await api('/clients');
      state.names = Object.fromEntries(list.clients.map(c => [c.clientId, displayName(c)]));
      state.zone = list.timezone || null;
      if (!state.selected && list.clients.length > 0) {
        // Start with the client that needs attention most: the lowest score.
        state.selected = list.clients.slice().sort((a, b) =>
          ((a.classification || {}).score || 0) - ((b.classification || {}).score || 0))[0].clientId;
      }
      renderClients(list.clients);
      if (state.selected && list.clients.some(c => c.clientId === state.selected)) {
        renderDetail(await api('/clients/' + encodeURIComponent(state.selected)));
      } else if (state.selected) {
        renderMissing(state.selected);
      }
      renderClientFilter(list.clients);
      await refreshAlerts(false);
      setStatus('Tenant ' + state.tenant + ': ' + list.clients.length + ' client(s)'
        + (list.partial ? ' (some instances did not answer)' : '') + ' · today ' + (list.today || '–')
        + ' · updated ' + new Date().toLocaleTimeString());
    } catch (e) {
      setStatus(e.status === 401 || e.status === 403 ? 'Not allowed: ' + e.message : 'Cannot load: ' + e.message, true);
    }
    await refreshEmails();
  }

  function start() {
    if (state.timer) clearInterval(state.timer);
    state.selected = clientFromUrl();
    state.alerts.expanded = false;
    refresh();
    state.timer = setInterval(refresh, REFRESH_MS);
  }

  document.addEventListener('DOMContentLoaded', () => {
    // The launcher's link carries tenant, key and outbox in the fragment, which the browser never sends.
    const hash = window.location.hash.substring(1);
    // #tenant=…&key=…, or #/clients/<id>?tenant=…&key=… (a detail link that also carries the key).
    const params = new URLSearchParams(hash.startsWith('/') ? hash.substring(hash.indexOf('?') + 1 || hash.length) : hash);
    state.tenant = params.get('tenant') || '';
    state.key = params.get('key') || '';
    state.outbox = params.get('outbox') || '';
    document.getElementById('tenant').value = state.tenant;
    document.getElementById('apikey').value = state.key;
    document.getElementById('login').addEventListener('submit', ev => {
      ev.preventDefault();
      state.tenant = document.getElementById('tenant').value.trim();
      state.key = document.getElementById('apikey').value.trim();
      start();
    });
    ['alert-type', 'alert-severity', 'alert-client'].forEach(id =>
      document.getElementById(id).addEventListener('change', () => refreshAlerts(true).catch(e =>
        setStatus('Cannot load alerts: ' + e.message, true))));
    document.getElementById('alerts-more').addEventListener('click', loadMoreAlerts);
    window.addEventListener('popstate', () => { state.selected = clientFromUrl(); refresh(); });
    if (state.tenant && state.key) start();
    else refreshEmails();
  });
})();
