// Keeta dashboard enhancements. The server-rendered page is complete without this file;
// it adds (1) uPlot sparklines with a hover tooltip, drawn from the JSON the server embeds
// once in #kpi-data, and (2) filter pickers that narrow each other through
// /api/v1/filters while keeping the selections that are still valid. Applying a filter
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

  const sparks = [];  // {box, plot, tip}

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

  function buildSpark(box, kpi, days, xs) {
    const values = kpi.values;
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
      scales: { x: { time: false } },
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
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            if (idx === null || idx === undefined || u.cursor.left < 0) {
              tip.hidden = true;
              return;
            }
            tipDay.textContent = days[idx];
            tipDay.dateTime = days[idx];
            tipValue.textContent = values[idx] === null ? 'no value' : formatWithUnit(kpi, values[idx]);
            tip.hidden = false;
            positionTip(spark, u, idx, xs);
          },
        ],
      },
    };
    box.textContent = '';
    spark.plot = new window.uPlot(opts, [xs, values], box);
    box.append(tip);
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', 'Daily ' + kpi.label + ', ' + days[0] + ' to ' + days[days.length - 1]);
    spark.plot.over.addEventListener('mouseleave', () => { tip.hidden = true; });
    return spark;
  }

  function drawSparklines() {
    const data = readKpiData();
    if (!data || typeof window.uPlot !== 'function' || data.days.length === 0) {
      document.documentElement.dataset.sparklines = '0';
      return;
    }
    const xs = data.days.map(isoDayToSeconds);
    const byId = new Map(data.kpis.map((k) => [k.id, k]));
    for (const box of document.querySelectorAll('.spark[data-kpi]')) {
      const kpi = byId.get(box.dataset.kpi);
      if (!kpi || kpi.values.length !== xs.length || box.querySelector('.spark-note')) continue;
      sparks.push(buildSpark(box, kpi, data.days, xs));
    }
    document.documentElement.dataset.sparklines = String(sparks.length);

    if ('ResizeObserver' in window) {
      const observer = new ResizeObserver((entries) => {
        for (const entry of entries) {
          const spark = sparks.find((s) => s.box === entry.target);
          if (!spark) continue;
          const width = Math.max(Math.floor(entry.contentRect.width), 40);
          const height = Math.max(Math.floor(entry.contentRect.height), 20);
          if (width !== spark.plot.width || height !== spark.plot.height) {
            spark.plot.setSize({ width, height });
          }
        }
      });
      for (const spark of sparks) observer.observe(spark.box);
    }

    // Colours come from CSS variables: redraw when the colour scheme flips.
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', () => {
      for (let i = 0; i < sparks.length; i++) {
        const old = sparks[i];
        old.plot.destroy();
        sparks[i] = buildSpark(old.box, old.kpi, data.days, xs);
      }
    });
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
      } else if (target.type === 'date') {
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

  initFilters();
  drawSparklines();
}());
