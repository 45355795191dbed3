// Keeta dashboard enhancements. The server-rendered page is complete without this file;
// it adds (1) uPlot sparklines with a hover tooltip, drawn from the JSON the server embeds
// once in #kpi-data, (2) filter pickers that narrow each other through
// /api/v1/filters while keeping the selections that are still valid, and (3) live
// updates: a WebSocket to /api/v1/live pushes the dashboard whenever the data changes and
// the cards, sparklines, row count and load notes are updated in place, and (4) a large
// chart of a KPI when its card is clicked: axes, hover values, the previous period
// overlaid and the target line. Applying a filter
// is still a plain GET form submission, so every view stays a shareable URL.
(function () {
  'use strict';

  // ---- value formatting: mirrors FormatKpiValue (src/core/kpi_registry.cc) -------------

  const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const countFormat1 = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: 1, maximumFractionDigits: 1,
  });

  // Counts: grouped, whole unless fractional (then one decimal); means: one decimal;
  // percents: one decimal and '%'. No value: an em dash.
  function formatNumber(kpi, value) {
    if (value === null || value === undefined || !Number.isFinite(value)) return '—';
    let text;
    if (kpi.format === 'count') {
      text = (Number.isInteger(value) ? countFormat : countFormat1).format(value);
    } else {
      text = value.toFixed(1);
    }
    if (text === '-0' || text === '-0.0') text = text.slice(1);
    return kpi.format === 'percent1' ? text + '%' : text;
  }

  // "1,204 chats", "12.5 sec", "87.3%" — the card's text for one value.
  function formatWithUnit(kpi, value) {
    const text = formatNumber(kpi, value);
    if (text === '—' || !kpi.unit || text.endsWith(kpi.unit)) return text;
    return text + ' ' + kpi.unit;
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  // ---- sparklines ----------------------------------------------------------------------

  function readKpiData() {
    const el = document.getElementById('kpi-data');
    if (!el) return null;
    try {
      return JSON.parse(el.textContent);
    } catch (e) {
      return null;
    }
  }

  function isoDayToSeconds(iso) {
    return Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 1000;
  }

  // The first day of the bucket after `iso` (a day, a week's Monday, a month's 1st).
  function nextBucket(iso, granularity) {
    const d = new Date(isoDayToSeconds(iso) * 1000);
    if (granularity === 'month') d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCDate(d.getUTCDate() + (granularity === 'week' ? 7 : 1));
    return d.toISOString().slice(0, 10);
  }

  // Trend points hold only buckets with data. A chart that drew them as they are would join
  // the line over missing days, so a point with no data is put after each point whose next
  // bucket is missing: {days, at}, where at[i] is where trend point i landed.
  function spreadDays(days, granularity) {
    const out = [];
    const at = [];
    days.forEach((day, i) => {
      at.push(out.length);
      out.push(day);
      if (i + 1 < days.length) {
        const next = nextBucket(day, granularity);
        if (next < days[i + 1]) out.push(next);
      }
    });
    return { days: out, at };
  }

  function spreadValues(spread, values) {
    const out = new Array(spread.days.length).fill(null);
    values.forEach((v, i) => { out[spread.at[i]] = v; });
    return out;
  }

  const sparks = [];  // {box, plot, tip}
  const GRANULARITY_WORD = { day: 'Daily', week: 'Weekly', month: 'Monthly' };
  const OP_TEXT = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

  // A dashed horizontal line at the KPI's target, when it has one inside the drawn range.
  function drawTargetLine(u, target) {
    if (!target) return;
    const y = u.valToPos(target.value, 'y', true);
    if (!Number.isFinite(y) || y < u.bbox.top - 1 || y > u.bbox.top + u.bbox.height + 1) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = cssVar('--target');
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.setLineDash([6 * devicePixelRatio, 5 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
    ctx.restore();
  }

  // Keeps the target inside the y range, so its line is always drawn.
  function rangeWithTarget(target) {
    return (u, min, max) => {
      if (min === null || max === null) return [min, max];
      if (target) {
        min = Math.min(min, target.value);
        max = Math.max(max, target.value);
      }
      const pad = (max - min) * 0.08 || Math.abs(max) * 0.05 || 1;
      return [min - pad, max + pad];
    };
  }

  function positionTip(spark, u, idx, xs) {
    const { box, tip } = spark;
    const x = u.over.offsetLeft + u.valToPos(xs[idx], 'x');
    const width = tip.offsetWidth;
    const left = Math.max(0, Math.min(box.clientWidth - width, x - width / 2));
    tip.style.transform = 'translateX(' + Math.round(left) + 'px)';
  }

  // A vertical fade under the line, from `top` to `bottom` colour.
  function fillGradient(top, bottom) {
    return (u) => {
      const gradient = u.ctx.createLinearGradient(0, u.bbox.top, 0, u.bbox.top + u.bbox.height);
      gradient.addColorStop(0, top);
      gradient.addColorStop(1, bottom);
      return gradient;
    };
  }

  // `values`, `days` and `xs` are spread (spreadDays): a missing bucket is a null.
  function buildSpark(box, kpi, values, days, xs) {
    const tip = document.createElement('div');
    tip.className = 'spark-tip';
    tip.hidden = true;
    const tipDay = document.createElement('time');
    const tipValue = document.createElement('strong');
    tip.append(tipDay, tipValue);

    const spark = { box, tip, plot: null, kpi };
    const stroke = cssVar('--spark-stroke');
    // A value with no neighbours draws no line: mark it with a dot instead.
    const isolated = [];
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== null && (i === 0 || values[i - 1] === null) &&
          (i === values.length - 1 || values[i + 1] === null)) isolated.push(i);
    }
    const opts = {
      width: Math.max(box.clientWidth, 40),
      height: Math.max(box.clientHeight, 20),
      padding: [6, 4, 4, 4],
      legend: { show: false },
      select: { show: false },
      cursor: {
        x: true,
        y: false,
        drag: { x: false, y: false, setScale: false },
        points: { size: 7, width: 2, stroke: stroke, fill: cssVar('--surface') },
      },
      scales: { x: { time: false }, y: { range: rangeWithTarget(kpi.target) } },
      axes: [{ show: false }, { show: false }],
      series: [
        {},
        {
          stroke: stroke,
          fill: fillGradient(cssVar('--spark-fill'), cssVar('--spark-fill-end')),
          width: 1.25,
          spanGaps: false,
          points: { show: true, size: 4, width: 1, fill: stroke, filter: () => isolated },
        },
      ],
      hooks: {
        draw: [(u) => drawTargetLine(u, kpi.target)],
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            if (idx === null || idx === undefined || u.cursor.left < 0) {
              tip.hidden = true;
              return;
            }
            tipDay.textContent = days[idx];
            tipDay.dateTime = days[idx];
            tipValue.textContent = values[idx] === null ? 'no data' : formatWithUnit(kpi, values[idx]);
            tip.hidden = false;
            positionTip(spark, u, idx, xs);
          },
        ],
      },
    };
    box.textContent = '';
    // How many breaks the line has for buckets without data (read by the browser tests).
    box.dataset.gaps = String(days.length - shown.days.length);
    spark.plot = new window.uPlot(opts, [xs, values], box);
    box.append(tip);
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', GRANULARITY_WORD[shown.granularity] + ' ' + kpi.label + ', ' +
      days[0] + ' to ' + days[days.length - 1]);
    spark.plot.over.addEventListener('mouseleave', () => { tip.hidden = true; });
    return spark;
  }

  // The days and KPI formats of the dashboard on screen (live updates replace them).
  const shown = { days: [], spread: { days: [], at: [] }, xs: [], formats: new Map(), granularity: 'day',
    targets: new Map(), page: null };

  // (Re)draws every sparkline from {days, kpis: [{id, label, unit, values}]}. A redraw
  // builds the new chart before removing the old one, in the same frame: no flicker.
  function renderSparklines(data) {
    shown.days = data.days;
    shown.spread = spreadDays(data.days, shown.granularity);
    shown.xs = shown.spread.days.map(isoDayToSeconds);
    const byId = new Map(data.kpis.map((k) => [k.id, k]));
    let drawn = 0;
    for (const box of document.querySelectorAll('.spark[data-kpi]')) {
      const kpi = byId.get(box.dataset.kpi);
      const at = sparks.findIndex((s) => s.box === box);
      const signature = kpi ? shown.days.length + '|' + shown.days[0] + '|' + kpi.values.join(',') : '';
      if (at >= 0 && sparks[at].signature === signature) {
        drawn++;
        continue;  // unchanged: keep the chart (and any tooltip the reader is looking at)
      }
      if (at >= 0) {
        sparks[at].plot.destroy();
        sparks.splice(at, 1);
      }
      if (!kpi || !kpi.available || kpi.values.length !== shown.days.length || shown.days.length === 0) {
        // No chart: say why, as the server does.
        if (!box.querySelector('.spark-note') && at >= 0) {
          const note = document.createElement('p');
          note.className = 'spark-note';
          note.textContent = kpi && kpi.available ? 'No daily data' : 'Not in this data file';
          box.replaceChildren(note);
        }
        continue;
      }
      kpi.format = shown.formats.get(kpi.id) || kpi.format;
      kpi.target = shown.targets.get(kpi.id) || null;
      const spark = buildSpark(box, kpi, spreadValues(shown.spread, kpi.values), shown.spread.days, shown.xs);
      spark.signature = signature;
      sparks.push(spark);
      resizeObserver?.observe(box);
      drawn++;
    }
    document.documentElement.dataset.sparklines = String(drawn);
  }

  const resizeObserver = 'ResizeObserver' in window ? new ResizeObserver((entries) => {
    for (const entry of entries) {
      const spark = sparks.find((s) => s.box === entry.target);
      if (!spark) continue;
      const width = Math.max(Math.floor(entry.contentRect.width), 40);
      const height = Math.max(Math.floor(entry.contentRect.height), 20);
      if (width !== spark.plot.width || height !== spark.plot.height) {
        spark.plot.setSize({ width, height });
      }
    }
  }) : null;

  function drawSparklines() {
    const data = readKpiData();
    if (!data) {
      document.documentElement.dataset.sparklines = '0';
      return;
    }
    // The formats first, even with nothing to draw yet: live updates format cards by them.
    shown.page = data;
    shown.granularity = data.granularity || 'day';
    for (const kpi of data.kpis) {
      shown.formats.set(kpi.id, kpi.format);
      shown.targets.set(kpi.id, kpi.target || null);
      kpi.available = !document.querySelector(`.card[data-kpi="${kpi.id}"][data-unavailable]`);
    }
    if (typeof window.uPlot !== 'function' || data.days.length === 0) {
      document.documentElement.dataset.sparklines = '0';
      return;
    }
    renderSparklines(data);

    // Colours come from CSS variables: redraw when the colour scheme flips.
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', () => {
      for (let i = 0; i < sparks.length; i++) {
        const old = sparks[i];
        old.plot.destroy();
        sparks[i] = buildSpark(old.box, old.kpi, spreadValues(shown.spread, old.kpi.values),
          shown.spread.days, shown.xs);
        sparks[i].signature = old.signature;
      }
    });
  }

  // ---- live updates ----------------------------------------------------------------------

  // `2026-01-05T10:00:00Z` -> `2026-01-05 10:00 UTC`, as the server writes it.
  function readableTime(iso) {
    return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(iso)
      ? iso.slice(0, 10) + ' ' + iso.slice(11, 16) + ' UTC' : iso;
  }

  function setTime(el, iso) {
    if (!el || el.dateTime === iso) return;
    el.dateTime = iso;
    el.textContent = readableTime(iso);
  }

  // Marks an element whose number changed, for a short highlight (CSS).
  function flash(el) {
    el.classList.remove('is-updated');
    void el.offsetWidth;  // restart the animation
    el.classList.add('is-updated');
  }

  // The card's one line on why it has no value (the server's card-reason), kept in step.
  function updateReason(card, reason) {
    let line = card.querySelector('.card-reason');
    if (!reason) {
      line?.remove();
      return;
    }
    if (!line) {
      line = document.createElement('p');
      line.className = 'card-reason';
      card.querySelector('.card-value').after(line);
    }
    if (line.textContent !== reason) line.textContent = reason;
  }

  function updateCard(card, kpi) {
    updateReason(card, kpi.no_value_reason || null);
    const format = shown.formats.get(kpi.id) || 'decimal1';
    const dataValue = kpi.value === null ? '' : String(kpi.value);
    if (card.dataset.value === dataValue) return;
    card.dataset.value = dataValue;
    const text = formatNumber({ format }, kpi.value);
    const holder = card.querySelector('.card-value');
    holder.querySelector('.value').textContent = text;
    const showUnit = kpi.value !== null && kpi.unit !== '' && !text.endsWith(kpi.unit);
    const unit = holder.querySelector('.unit');
    if (showUnit && !unit) {
      const span = document.createElement('span');
      span.className = 'unit';
      span.textContent = kpi.unit;
      holder.append(' ', span);
    } else if (!showUnit && unit) {
      holder.replaceChildren(holder.querySelector('.value'));
    }
    flash(card);
  }

  // How many trend points the view has, in the trend's own unit: day, week or month.
  function updateSummary(rows, dayCount, granularity = 'day') {
    const strong = document.querySelector('.summary-rows [data-rows]');
    if (!strong) return;
    if (strong.dataset.rows !== String(rows)) flash(strong);
    strong.dataset.rows = String(rows);
    strong.textContent = countFormat.format(rows);
    let rest = ' ' + (rows === 1 ? 'row' : 'rows');
    if (dayCount > 0) rest += ' · ' + countFormat.format(dayCount) + ' ' + granularity + (dayCount === 1 ? '' : 's');
    strong.parentElement.replaceChildren(strong, rest);

    const summary = strong.closest('.summary');
    let empty = summary.querySelector('.empty-state');
    if (rows === 0 && !empty) {
      empty = document.createElement('p');
      empty.className = 'empty-state';
      empty.setAttribute('role', 'status');
      const reset = document.createElement('a');
      reset.href = '/overall';
      reset.textContent = 'reset them all';
      empty.append('No rows match these filters. Remove a filter above or ', reset, '.');
      summary.append(empty);
    } else if (rows !== 0 && empty) {
      empty.remove();
    }
  }

  // `open`: a card has no value because of the data, so the notes open by themselves.
  function updateNotes(warnings, open) {
    let notice = document.querySelector('details.notice');
    if (warnings.length === 0) {
      notice?.remove();
      return;
    }
    if (!notice) {
      notice = document.createElement('details');
      notice.className = 'notice';
      document.getElementById('kpis').after(notice);
    }
    const summary = document.createElement('summary');
    summary.textContent = countFormat.format(warnings.length) +
      (warnings.length === 1 ? ' note' : ' notes') + ' about the data file';
    const list = document.createElement('ul');
    for (const warning of warnings) {
      const item = document.createElement('li');
      item.textContent = warning;
      list.append(item);
    }
    notice.replaceChildren(summary, list);
    if (open) notice.open = true;
  }

  function updateDataInfo(data) {
    for (const el of document.querySelectorAll('.topbar-meta > time, .footer time')) setTime(el, data.loaded_at);
    const rows = document.querySelector('.footer strong');
    if (rows) rows.textContent = countFormat.format(data.rows_loaded);
  }

  // The "data may be out of date" banner, as the server renders it after a failed reload.
  function showReloadError(message, loadedAt) {
    let banner = document.querySelector('.banner-warn');
    if (!banner) {
      banner = document.createElement('div');
      banner.className = 'banner banner-warn';
      banner.setAttribute('role', 'status');
      document.querySelector('main.page').prepend(banner);
    }
    const strong = document.createElement('strong');
    strong.textContent = 'Data may be out of date.';
    const time = document.createElement('time');
    setTime(time, loadedAt);
    const detail = document.createElement('span');
    detail.className = 'banner-detail';
    detail.textContent = message;
    banner.replaceChildren(strong, ' Showing data loaded at ', time, '; reload failed: ', detail);
  }

  function applyDashboard(dashboard) {
    const kpis = dashboard.kpis;
    const days = (kpis.find((k) => k.trend.length > 0) || { trend: [] }).trend.map((p) => p[0]);
    for (const kpi of kpis) {
      const card = document.querySelector(`.card[data-kpi="${kpi.id}"]`);
      // A card weighted by chats is only replaced by a value computed the same way.
      const weighted = card && !!card.querySelector('.card-note');
      if (card && weighted === !!kpi.weighted) updateCard(card, kpi);
    }
    // Trends are replaced only by trends of the same granularity as the page's.
    if (typeof window.uPlot === 'function' && (dashboard.granularity || 'day') === shown.granularity) {
      renderSparklines({
        days,
        kpis: kpis.map((k) => ({
          id: k.id, label: k.label, unit: k.unit, format: shown.formats.get(k.id) || 'decimal1',
          available: !document.querySelector(`.card[data-kpi="${k.id}"][data-unavailable]`),
          values: k.trend.map((p) => p[1]),
        })),
      });
    }
    updateSummary(dashboard.rows, days.length, dashboard.granularity);
    updateNotes(dashboard.data.warnings, kpis.some((k) => k.no_value_reason));
    // A name the data now has, or dates fixed elsewhere: the hint has nothing left to say.
    if (Array.isArray(dashboard.warnings) && dashboard.warnings.length === 0) {
      document.querySelector('.alert-hint')?.remove();
    }
    updateDataInfo(dashboard.data);
    document.querySelector('.banner-warn')?.remove();
  }

  // The small live / reconnecting / offline indicator in the top bar.
  function makeIndicator() {
    const box = document.createElement('p');
    box.className = 'live-status';
    box.setAttribute('role', 'status');
    const dot = document.createElement('span');
    dot.className = 'live-dot';
    dot.setAttribute('aria-hidden', 'true');
    const text = document.createElement('span');
    text.className = 'live-text';
    box.append(dot, text);
    document.querySelector('.topbar-meta')?.before(box);
    let updated = null;
    const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const LABEL = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline' };
    return {
      set(state) {
        box.dataset.state = state;
        document.documentElement.dataset.live = state;
        text.textContent = LABEL[state] + (updated ? ' · updated ' + clock.format(updated) : '');
        box.title = state === 'live' ? 'Numbers update by themselves as the data changes'
          : state === 'offline' ? 'Not connected: the numbers shown may be out of date'
            : 'Connection lost; trying again';
      },
      touch() {
        updated = new Date();
      },
    };
  }

  const RETRY_FIRST_MS = 1000;
  const RETRY_MAX_MS = 30000;
  const OFFLINE_AFTER = 4;  // failed attempts in a row before saying "offline"

  function initLive() {
    const form = document.getElementById('filters');
    if (!form || !('WebSocket' in window) || !document.getElementById('kpi-data')) return;
    if ((readKpiData() || {}).live === false) return;  // pushdown: nothing to push
    // The filter the page was rendered for (the form as served; any later, unapplied edits
    // in the pickers do not count).
    const params = new URLSearchParams(new FormData(form));
    for (const key of ['from_date', 'to_date']) if (params.get(key) === '') params.delete(key);
    // Trend buckets as the page shows them (it picks weeks or months for long ranges).
    const granularity = (readKpiData() || {}).granularity;
    if (granularity && !params.has('granularity')) params.set('granularity', granularity);
    const query = params.toString();
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host +
      '/api/v1/live' + (query ? '?' + query : '');

    const indicator = makeIndicator();
    let failures = 0;
    let timer = 0;
    let socket = null;
    let generation = 0;

    function connect() {
      clearTimeout(timer);
      indicator.set(failures === 0 ? 'connecting' : failures >= OFFLINE_AFTER || !navigator.onLine ? 'offline' : 'reconnecting');
      socket = new WebSocket(url);
      socket.onmessage = (event) => {
        let message;
        try {
          message = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        failures = 0;
        indicator.touch();
        if (message.type === 'dashboard' && message.generation >= generation) {
          generation = message.generation;
          applyDashboard(message.dashboard);
          document.documentElement.dataset.liveGeneration = String(generation);
        } else if (message.type === 'error') {
          const loadedAt = document.querySelector('.topbar-meta > time')?.dateTime || '';
          showReloadError(message.error.message, loadedAt);
        }
        indicator.set('live');
      };
      socket.onclose = () => {
        socket = null;
        failures++;
        // Back off: 1 s, 2 s, 4 s … up to 30 s, each with some jitter so that a restarted
        // server is not met by every wall screen at the same instant.
        const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (failures - 1)) * (0.75 + Math.random() / 2);
        indicator.set(failures >= OFFLINE_AFTER || !navigator.onLine ? 'offline' : 'reconnecting');
        timer = setTimeout(connect, delay);
      };
    }

    window.addEventListener('online', () => { if (!socket) connect(); });
    window.addEventListener('offline', () => indicator.set('offline'));
    connect();
  }

  // ---- filter pickers ------------------------------------------------------------------

  function pickerInputs(picker) {
    return Array.from(picker.querySelectorAll('.picker-options input[type="checkbox"]'));
  }

  function updatePickerLabel(picker) {
    const checked = pickerInputs(picker).filter((i) => i.checked);
    const value = picker.querySelector('.picker-value');
    value.textContent = '';
    if (checked.length === 0) {
      value.textContent = 'All ' + picker.dataset.plural;
    } else if (checked.length === 1) {
      const bdi = document.createElement('bdi');
      bdi.textContent = checked[0].value;
      value.append(bdi);
    } else {
      value.textContent = checked.length + ' selected';
    }
    picker.classList.toggle('has-selection', checked.length > 0);
  }

  function applySearch(picker) {
    const search = picker.querySelector('.picker-search');
    const needle = search.value.trim().toLocaleLowerCase();
    let shown = 0;
    for (const label of picker.querySelectorAll('.opt')) {
      const match = needle === '' || label.textContent.toLocaleLowerCase().includes(needle);
      label.hidden = !match;
      if (match) shown++;
    }
    picker.querySelector('.picker-empty').hidden = shown > 0;
  }

  function checkedValues(picker) {
    return pickerInputs(picker).filter((i) => i.checked).map((i) => i.value);
  }

  // Replaces a picker's options with `names` (sorted, from the API). Ticked names stay
  // ticked; a ticked name no longer offered is dropped when `drop`, else kept in the list
  // (as the server renders it) for a later round to settle.
  function applyChoices(picker, names, drop) {
    const checked = new Set(checkedValues(picker));
    if (!drop) {
      const offered = new Set(names);
      const kept = Array.from(checked).filter((v) => !offered.has(v));
      if (kept.length > 0) names = names.concat(kept).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    const inputs = pickerInputs(picker);
    if (inputs.length === names.length && inputs.every((input, k) => input.value === names[k])) return;

    const focusedValue = picker.contains(document.activeElement) && document.activeElement.type === 'checkbox'
      ? document.activeElement.value : null;
    const fieldset = picker.querySelector('.picker-options');
    const legend = fieldset.querySelector('legend');
    const fragment = document.createDocumentFragment();
    if (legend) fragment.append(legend);
    const param = picker.dataset.dim;
    let focusTarget = null;
    for (const name of names) {
      const label = document.createElement('label');
      label.className = 'opt';
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.name = param;
      input.value = name;
      input.checked = checked.has(name);
      const text = document.createElement('bdi');
      text.textContent = name;
      label.append(input, text);
      fragment.append(label);
      if (name === focusedValue) focusTarget = input;
    }
    fieldset.replaceChildren(fragment);
    if (focusTarget) focusTarget.focus();
    const count = picker.querySelector('.picker-count');
    count.textContent = countFormat.format(names.length);
    count.title = count.textContent + ' to choose from';
    updatePickerLabel(picker);
    applySearch(picker);
  }

  // Hierarchy level of each name filter: agents first to give way.
  const LEVEL = { agent: 0, team_leader: 1, supervisor: 2 };

  function initFilters() {
    const form = document.getElementById('filters');
    if (!form) return;
    const pickers = Array.from(form.querySelectorAll('.picker'));

    // Empty dates are "no filter": leave them out of URLs and API calls.
    form.addEventListener('formdata', (event) => {
      for (const key of ['from_date', 'to_date']) {
        if (event.formData.get(key) === '') event.formData.delete(key);
      }
    });

    let sequence = 0;
    let timer = 0;
    async function narrow(round) {
      const mine = ++sequence;
      const query = new URLSearchParams(new FormData(form)).toString();
      let choices;
      try {
        const response = await fetch('/api/v1/filters' + (query ? '?' + query : ''), {
          headers: { Accept: 'application/json' },
        });
        if (!response.ok) return;  // e.g. a half-typed date: keep the current choices
        choices = await response.json();
      } catch (e) {
        return;  // offline or server restarting: the form still works
      }
      if (mine !== sequence) return;  // a newer change is in flight
      // Selections that contradict each other exclude each other: drop only those of the
      // lowest level (agent, then team leader, then supervisor) and ask again, so the
      // broader choice survives.
      const invalid = (picker) => {
        const names = new Set(choices[picker.dataset.dim] || []);
        return checkedValues(picker).some((v) => !names.has(v));
      };
      const dropper = pickers.slice().sort((a, b) => LEVEL[a.dataset.dim] - LEVEL[b.dataset.dim])
        .find(invalid);
      for (const picker of pickers) {
        const names = choices[picker.dataset.dim];
        if (Array.isArray(names)) applyChoices(picker, names, picker === dropper);
      }
      if (dropper && round < 4) {
        narrow(round + 1);
        return;
      }
      form.dataset.narrowed = String(Number(form.dataset.narrowed || 0) + 1);
    }
    function scheduleNarrow() {
      clearTimeout(timer);
      timer = setTimeout(() => narrow(0), 120);
    }

    for (const picker of pickers) {
      const details = picker.querySelector('details');
      const search = picker.querySelector('.picker-search');
      picker.querySelector('.picker-tools').hidden = false;
      search.addEventListener('input', () => applySearch(picker));
      search.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') event.preventDefault();  // Enter in search must not submit
      });
      picker.querySelector('.picker-clear').addEventListener('click', () => {
        let changed = false;
        for (const input of pickerInputs(picker)) {
          if (input.checked) changed = true;
          input.checked = false;
        }
        updatePickerLabel(picker);
        if (changed) scheduleNarrow();
      });
      details.addEventListener('toggle', () => {
        if (!details.open) return;
        for (const other of pickers) {
          const otherDetails = other.querySelector('details');
          if (otherDetails !== details) otherDetails.open = false;
        }
        search.focus();
      });
      picker.addEventListener('keydown', (event) => {
        if (event.key === 'Escape' && details.open) {
          details.open = false;
          details.querySelector('summary').focus();
        }
      });
    }

    form.addEventListener('change', (event) => {
      const target = event.target;
      const picker = target.closest('.picker');
      if (picker && target.type === 'checkbox') {
        updatePickerLabel(picker);
        scheduleNarrow();
      } else if (target.name === 'from_date' || target.name === 'to_date') {
        scheduleNarrow();
      }
    });
    // A date typed into the ISO field narrows as soon as it is a whole day (or cleared),
    // without waiting for the field to lose focus.
    form.addEventListener('input', (event) => {
      const target = event.target;
      if ((target.name === 'from_date' || target.name === 'to_date') &&
          (target.value === '' || /^\d{4}-\d{2}-\d{2}$/.test(target.value))) {
        scheduleNarrow();
      }
    });

    document.addEventListener('click', (event) => {
      for (const picker of pickers) {
        const details = picker.querySelector('details');
        if (details.open && !picker.contains(event.target)) details.open = false;
      }
    });
    form.dataset.enhanced = 'true';
  }

  // ---- the large chart ------------------------------------------------------------------

  // The previous period's trends (one fetch per page; null when there is none or it fails).
  let previousTrends = null;
  function loadPrevious() {
    const previous = shown.page && shown.page.previous;
    if (!previous) return Promise.resolve(null);
    if (!previousTrends) {
      previousTrends = fetch(previous.url, { headers: { Accept: 'application/json' } })
        .then((r) => (r.ok ? r.json() : null))
        .catch(() => null);
    }
    return previousTrends;
  }

  function dayToSeconds(day) { return isoDayToSeconds(day); }

  // Current and previous values on one time axis: the previous period's points are moved
  // forward by the distance between the two periods' starts, so that bucket lines up with
  // bucket.
  function alignSeries(days, values, previousTrend, shiftSeconds) {
    const points = new Map();
    days.forEach((day, i) => points.set(dayToSeconds(day), [values[i], null]));
    for (const [day, value] of previousTrend) {
      const x = dayToSeconds(day) + shiftSeconds;
      const at = points.get(x);
      if (at) at[1] = value; else points.set(x, [null, value]);
    }
    const xs = Array.from(points.keys()).sort((a, b) => a - b);
    return [xs, xs.map((x) => points.get(x)[0]), xs.map((x) => points.get(x)[1])];
  }

  let dialog = null;
  let bigPlot = null;

  function ensureDialog() {
    if (dialog) return dialog;
    dialog = document.createElement('dialog');
    dialog.className = 'chart-dialog';
    dialog.setAttribute('aria-labelledby', 'chart-title');
    dialog.innerHTML = '<div class="chart-head"><div><h2 id="chart-title"></h2><p class="chart-sub"></p></div>' +
      '<button type="button" class="btn chart-close">Close</button></div><div class="chart-body"></div>';
    dialog.querySelector('.chart-close').addEventListener('click', () => dialog.close());
    dialog.addEventListener('click', (event) => { if (event.target === dialog) dialog.close(); });
    dialog.addEventListener('close', () => {
      bigPlot?.destroy();
      bigPlot = null;
      document.documentElement.dataset.chart = 'closed';
      dialog.returnFocus?.focus();
    });
    document.body.append(dialog);
    return dialog;
  }

  async function openChart(card) {
    const data = shown.page;
    if (!data || typeof window.uPlot !== 'function' || typeof HTMLDialogElement !== 'function') return;
    const id = card.dataset.kpi;
    const spark = sparks.find((s) => s.kpi.id === id);
    const kpi = spark ? spark.kpi : data.kpis.find((k) => k.id === id);
    if (!kpi || shown.days.length === 0) return;
    const d = ensureDialog();
    d.returnFocus = card;
    d.querySelector('#chart-title').textContent = kpi.label;
    const target = shown.targets.get(id);
    const sub = [GRANULARITY_WORD[shown.granularity] + ', ' + shown.days[0] + ' to ' + shown.days[shown.days.length - 1]];
    if (data.previous) sub.push('previous period ' + data.previous.from + ' to ' + data.previous.to + ' dashed');
    if (target) sub.push('target ' + (OP_TEXT[target.op] || target.op) + ' ' + formatWithUnit(kpi, target.value));
    d.querySelector('.chart-sub').textContent = sub.join(' · ');
    if (!d.open) d.showModal();
    document.documentElement.dataset.chart = 'loading';

    const previous = await loadPrevious();
    const previousKpi = previous ? previous.kpis.find((k) => k.id === id) : null;
    const shift = data.previous ? dayToSeconds(shown.days[0]) - dayToSeconds(
      previous && previousKpi && previousKpi.trend.length ? previousKpi.trend[0][0] : data.previous.from) : 0;
    // Both periods spread, so a missing bucket breaks each line rather than being joined over.
    let previousTrend = [];
    if (previousKpi) {
      const prevSpread = spreadDays(previousKpi.trend.map((p) => p[0]), shown.granularity);
      const prevValues = spreadValues(prevSpread, previousKpi.trend.map((p) => p[1]));
      previousTrend = prevSpread.days.map((day, i) => [day, prevValues[i]]);
    }
    const [xs, current, before] = alignSeries(shown.spread.days, spreadValues(shown.spread, kpi.values),
      previousTrend, shift);

    const body = d.querySelector('.chart-body');
    bigPlot?.destroy();
    body.textContent = '';
    const width = Math.max(body.clientWidth - 8, 280);
    const stroke = cssVar('--spark-stroke');
    const valueText = (u, v) => (v === null || v === undefined ? '—' : formatWithUnit(kpi, v));
    const series = [
      { value: (u, x) => (x === null ? '' : new Date(x * 1000).toISOString().slice(0, 10)) },
      { label: 'This period', stroke, width: 2, fill: cssVar('--spark-fill'), spanGaps: false, value: valueText,
        points: { size: 5 } },
    ];
    const columns = [xs, current];
    if (previousKpi) {
      series.push({ label: 'Previous period', stroke: cssVar('--prev-stroke'), width: 1.5, dash: [6, 4],
        spanGaps: false, value: (u, v, si, idx) => (v === null ? '—' : formatWithUnit(kpi, v) +
          ' (' + new Date((xs[idx] - shift) * 1000).toISOString().slice(0, 10) + ')') });
      columns.push(before);
    }
    bigPlot = new window.uPlot({
      width,
      height: Math.min(420, Math.max(240, Math.round(window.innerHeight * 0.5))),
      scales: { x: { time: true }, y: { range: rangeWithTarget(target) } },
      axes: [
        { stroke: cssVar('--muted'), grid: { stroke: cssVar('--border') }, ticks: { stroke: cssVar('--border') } },
        { stroke: cssVar('--muted'), grid: { stroke: cssVar('--border') }, ticks: { stroke: cssVar('--border') },
          size: 64, values: (u, vals) => vals.map((v) => formatNumber(kpi, v)) },
      ],
      series,
      hooks: { draw: [(u) => drawTargetLine(u, target)] },
    }, columns, body);
    document.documentElement.dataset.chart = 'open';
  }

  function initCards() {
    for (const card of document.querySelectorAll('.card[data-kpi]')) {
      if (card.hasAttribute('data-unavailable')) continue;
      card.classList.add('is-expandable');
      card.tabIndex = 0;
      card.setAttribute('role', 'button');
      card.setAttribute('aria-label', card.querySelector('.card-label').textContent + ': open a large chart');
      card.addEventListener('click', () => openChart(card));
      card.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          openChart(card);
        }
      });
    }
  }

  // Dates read as ISO (YYYY-MM-DD) whatever the browser's locale: a native date field shows
  // the locale's order (01/15/2025 in en-US), so each becomes an ISO text field, with the
  // native calendar behind a button where the browser can open one (showPicker).
  function initDateInputs() {
    const CALENDAR = '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="none" ' +
      'stroke="currentColor" stroke-width="1.4"><rect x="2" y="3" width="12" height="11" rx="1.5"/>' +
      '<path d="M2 6.5h12M5 1.5v3M11 1.5v3"/></svg>';
    for (const input of document.querySelectorAll('#filters input[type="date"]')) {
      const label = document.querySelector(`label[for="${input.id}"]`)?.textContent || 'a day';
      const box = document.createElement('div');
      box.className = 'date-box';
      input.before(box);
      box.append(input);
      const native = document.createElement('input');
      native.type = 'date';
      native.className = 'date-native';
      native.tabIndex = -1;
      native.setAttribute('aria-hidden', 'true');
      native.min = input.min;
      native.max = input.max;
      input.type = 'text';
      input.inputMode = 'numeric';
      input.placeholder = 'YYYY-MM-DD';
      input.pattern = '\\d{4}-\\d{2}-\\d{2}';
      input.maxLength = 10;
      input.autocomplete = 'off';
      input.title = 'A day as YYYY-MM-DD';
      input.dataset.iso = '';
      if (typeof native.showPicker !== 'function') continue;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'date-button';
      button.setAttribute('aria-label', label + ': choose from a calendar');
      button.innerHTML = CALENDAR;
      box.append(native, button);
      button.addEventListener('click', () => {
        native.value = /^\d{4}-\d{2}-\d{2}$/.test(input.value) ? input.value : '';
        try {
          native.showPicker();
        } catch (e) {
          input.focus();  // not allowed here: typing still works
        }
      });
      native.addEventListener('change', () => {
        input.value = native.value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      });
    }
  }

  initLive();  // first: it reads the form as served, before the pickers are touched
  initDateInputs();
  initFilters();
  drawSparklines();
  initCards();
}());
