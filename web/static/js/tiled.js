// tiled's map page and embed. Leaflet is the shell (view, controls, popups, gestures); MapLibre GL, through
// @maplibre/maplibre-gl-leaflet, draws the server's vector tiles with the server's /style.json, whose settlement
// layer this script replaces with shape-coded symbols and labels. Everything the page shows can be reproduced from
// its URL: as_of, source, lat, lon, z, place, lang.
(function () {
  'use strict';

  document.documentElement.classList.remove('no-js');
  const cfg = JSON.parse(document.getElementById('tiled-config').textContent);
  const S = cfg.strings;
  const EMBED = cfg.embed;
  const SYM = window.tiledSymbols;

  // ---- small helpers -------------------------------------------------------------------------------------

  function t(key, vars) {
    let s = Object.prototype.hasOwnProperty.call(S, key) ? S[key] : key;
    if (vars) for (const k of Object.keys(vars)) s = s.split('{' + k + '}').join(vars[k]);
    return s;
  }

  const MONTHS = S.months.split('|');
  const MONTHS_NOM = (S['months.nom'] || S.months).split('|');
  function fmtDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    if (!m) return iso || '';
    return t('date.format', { d: String(+m[3]), m: MONTHS[+m[2] - 1], y: m[1] });
  }
  // fmtDatePrec writes a claim's date with its precision: "24 March 2025", "week of 24 March 2025", "March 2025".
  function fmtDatePrec(iso, precision) {
    if (precision === 'week') return t('date.week', { date: fmtDate(iso) });
    const m = /^(\d{4})-(\d{2})-\d{2}$/.exec(iso || '');
    if (precision === 'month' && m) return t('date.month', { m: MONTHS_NOM[+m[2] - 1], y: m[1] });
    return fmtDate(iso);
  }

  function qs(params) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
    return u.toString();
  }

  // h builds a DOM element: h('a', {href: u, class: 'x'}, 'text', child…). Text is never parsed as HTML.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  async function getJSON(url) {
    const r = await fetch(url, { headers: { Accept: 'application/json' } });
    if (!r.ok) throw new Error(url + ': ' + r.status);
    return r.json();
  }

  const $ = (id) => document.getElementById(id);
  const sourceByID = Object.fromEntries(cfg.sources.map((s) => [s.id, s]));
  const sourceName = (id) => (sourceByID[id] ? sourceByID[id].name : id);
  const isDate = (s) => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !isNaN(Date.parse(s));

  // ---- state -----------------------------------------------------------------------------------------------

  const state = {
    asOf: cfg.as_of,
    // why the map shows that date: "latest-claims" (the link named none and every claim is stale), "today", or
    // "requested"; a date the reader picks is requested
    reason: cfg.as_of_reason || 'requested',
    knownOn: cfg.known_on || '',
    source: cfg.source || '',
    place: cfg.place || '',
    table: !!cfg.table,
  };
  // The slider steps through the dates claims describe, and today.
  const DATES = Array.from(new Set([...cfg.dates, cfg.today])).filter(isDate).sort();

  function viewParams() {
    return { as_of: state.asOf, source: state.source, known_on: state.knownOn };
  }

  function nameOf(p) {
    if (cfg.lang === 'uk' && p.name_uk) return p.name_uk;
    if (cfg.lang === 'ru' && p.name_ru) return p.name_ru;
    return p.name;
  }

  function viewLabel() {
    let s;
    if (state.reason === 'latest-claims' && !state.source) s = t('view.latest', { date: fmtDate(state.asOf) });
    else if (state.source) s = t('legend.view.source', { date: fmtDate(state.asOf), source: sourceName(state.source) });
    else s = t('legend.view.consensus', { date: fmtDate(state.asOf) });
    if (state.knownOn) s += ', ' + t('view.knownon', { date: fmtDate(state.knownOn) });
    return s;
  }

  let map = null; // the Leaflet map, once there is one
  // NARROW is a phone-sized page: places open in a card docked under the map instead of a popup over it.
  const NARROW = window.matchMedia('(max-width: 600px)').matches;

  // ---- without the vendor files (a fresh clone before `make assets`) the table is the page ---------------------

  if (!window.L || !window.maplibregl || !L.maplibreGL) {
    $('map').hidden = true;
    showTable(true);
    return;
  }

  // ---- the map -----------------------------------------------------------------------------------------------

  const DEFAULT = { lat: 51.02, lon: 35.45, z: 9 };
  const lat = parseFloat(cfg.lat), lon = parseFloat(cfg.lon), z = parseFloat(cfg.z);
  map = L.map('map', {
    center: isFinite(lat) && isFinite(lon) ? [lat, lon] : [DEFAULT.lat, DEFAULT.lon],
    zoom: isFinite(z) ? z : DEFAULT.z,
    zoomSnap: 0.5,
    minZoom: 4,
    maxZoom: 15,
    scrollWheelZoom: true,
    attributionControl: true,
    zoomControl: true,
  });
  // No flag in the attribution: the map must not take sides.
  map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a> · <a href="https://maplibre.org/">MapLibre</a>');
  maplibregl.setWorkerUrl(cfg.worker);

  const NAME = ['coalesce',
    ...(cfg.lang === 'uk' ? [['get', 'name_uk']] : cfg.lang === 'ru' ? [['get', 'name_ru']] : []),
    ['get', 'name']];
  const SANS = ['Noto Sans', 'DejaVu Sans', 'Liberation Sans', 'Arial', 'Helvetica'];
  const claimed = ['>', ['to-number', ['get', 'sources'], 0], 0];

  // The symbol layers: one icon per status (see symbols.js).
  const SYMBOL_LAYERS = ['settlement-symbols-claimed', 'settlement-symbols', 'settlement-symbols-low'];
  function symbols(id, filter, ignorePlacement, zooms) {
    return {
      id, type: 'symbol', source: 'settlements', 'source-layer': 'settlements', filter, ...(zooms || {}),
      layout: {
        'icon-image': ['concat', 'sym-', ['get', 'status'],
          ['case', ['==', ['get', 'basis'], 'claimed'], '-claimed', ''],
          ['case', ['to-boolean', ['get', 'stale']], '-stale', ''],
          ['case', ['to-boolean', ['get', 'approximate']], '-approx', '']],
        'icon-size': ['interpolate', ['linear'], ['zoom'], 4, 0.55, 7, 0.8, 10, 1, 13, 1.2],
        // Every symbol is drawn, and every symbol keeps labels off it: a label is placed only where it sits beside
        // its own symbol, never beside another place's.
        'icon-allow-overlap': true,
        'icon-ignore-placement': ignorePlacement,
        'icon-padding': 1,
        'symbol-sort-key': ['to-number', ['get', 'population'], 0],
      },
    };
  }

  // restyle replaces the style's settlement circles with the symbol and label layers of this page, and credits
  // the basemap and the data briefly (the About panel has the full attribution).
  function restyle(style) {
    const i = style.layers.findIndex((l) => l.id === 'settlements');
    const layers = style.layers.filter((l) => l.id !== 'settlements' && l.id !== 'settlement-labels');
    const src = 'settlements', sl = 'settlements';
    const ours = [
      { // the radius within which an approximately placed village lies
        id: 'settlement-precision', type: 'circle', source: src, 'source-layer': sl, minzoom: 10,
        filter: ['all', claimed, ['to-boolean', ['get', 'approximate']], ['>', ['to-number', ['get', 'precision_km'], 0], 0]],
        paint: {
          'circle-radius': ['interpolate', ['exponential', 2], ['zoom'],
            0, ['/', ['*', ['to-number', ['get', 'precision_km'], 0], 1000], 49240],
            22, ['/', ['*', ['to-number', ['get', 'precision_km'], 0], 1000 * 4194304], 49240]],
          // an outline only, thin and grey: a filled disc would read as territory someone holds
          'circle-color': '#555555', 'circle-opacity': 0,
          'circle-stroke-color': '#666666', 'circle-stroke-width': 1, 'circle-stroke-opacity': 0.45,
        },
      },
      { // the selected place
        id: 'settlement-selected', type: 'circle', source: src, 'source-layer': sl,
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 5, 9, 10, 14, 14, 17],
          'circle-color': '#ffd400',
          'circle-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.55, 0],
          'circle-stroke-color': '#1b1b1b', 'circle-stroke-width': 2,
          'circle-stroke-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0],
        },
      },
      { // towns named at low zooms: the tile marks its most populous places with label (tiles.DefaultLabels)
        id: 'settlement-labels', type: 'symbol', source: src, 'source-layer': sl, minzoom: 5,
        filter: ['all', ['!', claimed],
          ['any', ['>=', ['zoom'], 10], ['to-boolean', ['get', 'label']]]],
        layout: {
          'text-field': NAME, 'text-font': ['Noto Sans Regular', ...SANS],
          'text-size': ['step', ['to-number', ['get', 'population'], 0], 11.5, 10000, 12.5, 100000, 14],
          'text-variable-anchor': ['left', 'right', 'top', 'bottom'], 'text-radial-offset': 0.7,
          'text-justify': 'auto', 'text-optional': true,
          // the tile's order: places with claims first, then by population (lower is placed first)
          'symbol-sort-key': ['to-number', ['get', 'rank'], 0],
        },
        paint: { 'text-color': '#4a4a4a', 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.4 },
      },
      {
        id: 'settlement-labels-claimed', type: 'symbol', source: src, 'source-layer': sl, minzoom: 6.5,
        filter: claimed,
        layout: {
          'text-field': NAME, 'text-font': ['Noto Sans Bold', ...SANS], 'text-size': 13.5,
          // clear of the icon, which grows with the zoom (icon-size above)
          'text-variable-anchor': ['left', 'right', 'top', 'bottom'],
          'text-radial-offset': ['interpolate', ['linear'], ['zoom'], 4, 0.75, 7, 0.95, 10, 1.1, 13, 1.3],
          'text-justify': 'auto', 'text-padding': 1,
        },
        paint: { 'text-color': '#111111', 'text-halo-color': 'rgba(255,255,255,0.95)', 'text-halo-width': 1.8 },
      },
      // The symbols come above the labels, so MapLibre places them first (it places from the top layer down): every
      // label then makes way for every symbol, and sits only beside its own. Places with claims come last: drawn on
      // top, and placed first of all.
      // Below zoom 9 the many small symbols of places without claims let town labels overlap them (a town is
      // named over the villages around it); from zoom 9, where villages are named, they keep every label off.
      symbols('settlement-symbols-low', ['!', claimed], true, { maxzoom: 9 }),
      symbols('settlement-symbols', ['!', claimed], false, { minzoom: 9 }),
      symbols('settlement-symbols-claimed', claimed, false),
      { // from zoom 11, how many sources speak of a place, as a small number by its symbol
        id: 'settlement-source-count', type: 'symbol', source: src, 'source-layer': sl, minzoom: 11, filter: claimed,
        layout: {
          'text-field': ['to-string', ['get', 'sources']], 'text-font': ['Noto Sans Bold', ...SANS], 'text-size': 10.5,
          'text-offset': [0.95, -0.95], 'text-allow-overlap': true, 'text-ignore-placement': true,
        },
        paint: { 'text-color': '#ffffff', 'text-halo-color': '#333333', 'text-halo-width': 2.2 },
      },
    ];
    // The state border's country names, each on its own side of the line (the tiles say which is left of the
    // line's direction and which right), in the page's language.
    const COUNTRY = { Russia: { uk: 'Росія', ru: 'Россия' }, Ukraine: { uk: 'Україна', ru: 'Украина' }, Belarus: { uk: 'Білорусь', ru: 'Беларусь' } };
    const countryName = (side) => {
      const cases = ['match', ['get', side]];
      for (const [en, tr] of Object.entries(COUNTRY)) cases.push(en, tr[cfg.lang] || en);
      cases.push(['get', side]);
      return ['upcase', cases];
    };
    const sideLabel = (side, dy) => ({
      id: 'boundary-label-' + side, type: 'symbol', source: src, 'source-layer': 'boundaries', minzoom: 5,
      layout: {
        'symbol-placement': 'line', 'symbol-spacing': 380, 'text-field': countryName(side),
        'text-font': ['Noto Sans Regular', ...SANS], 'text-size': ['interpolate', ['linear'], ['zoom'], 5, 10, 10, 12.5],
        'text-letter-spacing': 0.18, 'text-offset': [0, dy], 'text-max-angle': 30, 'text-keep-upright': false,
        'text-padding': 4,
      },
      paint: { 'text-color': '#3d3d4f', 'text-halo-color': 'rgba(255,255,255,0.85)', 'text-halo-width': 1.5, 'text-opacity': 0.8 },
    });

    layers.splice(i < 0 ? layers.length : i, 0, ...ours);
    const bi = layers.findIndex((l) => l.id === 'boundaries');
    if (bi >= 0) layers.splice(bi + 1, 0, sideLabel('left', -1.1), sideLabel('right', 1.1));
    style.layers = layers;
    const credits = [];
    for (const s of Object.values(style.sources)) if (s.type === 'raster' && s.attribution) credits.push(s.attribution);
    credits.push(t('attribution'));
    return { style, attribution: credits.join(' | ') };
  }

  const glReady = (async () => {
    const { style, attribution } = restyle(await getJSON(cfg.base + '/style.json?' + qs(viewParams())));
    const layer = L.maplibreGL({ style, interactive: false, pane: 'tilePane', attributionControl: { customAttribution: attribution } });
    layer.addTo(map);
    const gl = layer.getMaplibreMap();
    const ratio = Math.max(2, Math.ceil(window.devicePixelRatio || 1));
    gl.on('styleimagemissing', (e) => {
      const img = SYM.iconImage(e.id, ratio);
      if (img && !gl.hasImage(e.id)) gl.addImage(e.id, img, { pixelRatio: ratio });
    });
    await new Promise((res) => (gl.loaded() ? res() : gl.once('load', res)));
    return gl;
  })();

  // idle resolves when the map has drawn everything it has asked for. It polls rather than waiting for MapLibre's
  // "idle" event, which may have fired just before the call and then not come again.
  // Leaflet moves the map (MapLibre follows it frame by frame without "moving" itself): track Leaflet's movement.
  let leafletMoving = false;
  map.on('movestart', () => { leafletMoving = true; });
  map.on('moveend', () => { leafletMoving = false; });
  async function idle() {
    const gl = await glReady;
    await new Promise((res) => {
      const check = () => {
        if (!leafletMoving && gl.loaded() && gl.areTilesLoaded() && !gl.isMoving()) {
          // Symbols are placed (and faded in) in the frames after the tiles arrive: wait for the next "idle",
          // forced by a repaint, or a second at most.
          let done = false;
          const finish = () => { if (!done) { done = true; res(); } };
          gl.once('idle', finish);
          setTimeout(finish, 1000);
          gl.triggerRepaint();
        }
        else setTimeout(check, 40);
      };
      check();
    });
  }


  // pick returns the settlement drawn nearest to a Leaflet point, if one is within reach.
  async function pick(latlng, radius) {
    const gl = await glReady;
    const p = gl.project([latlng.lng, latlng.lat]);
    const r = radius || 12;
    const found = gl.queryRenderedFeatures([[p.x - r, p.y - r], [p.x + r, p.y + r]], { layers: SYMBOL_LAYERS });
    let best = null, bestD = Infinity;
    for (const f of found) {
      const q = gl.project(f.geometry.coordinates);
      const d = Math.hypot(q.x - p.x, q.y - p.y);
      if (d < bestD) [best, bestD] = [f, d];
    }
    return best;
  }

  // ---- view changes ----------------------------------------------------------------------------------------

  let viewVersion = 0;
  async function applyView() {
    viewVersion++;
    syncControls();
    const gl = await glReady;
    // The new TileJSON names the tiles of the new view; wait for it, so that "idle" means the new tiles are drawn.
    const metadata = new Promise((res) => {
      const on = (e) => {
        if (e.sourceId !== 'settlements' || e.sourceDataType !== 'metadata') return;
        gl.off('sourcedata', on);
        res();
      };
      gl.on('sourcedata', on);
      setTimeout(() => { gl.off('sourcedata', on); res(); }, 10000);
    });
    gl.getSource('settlements').setUrl(cfg.base + '/tiles.json?' + qs(viewParams()));
    reselect();
    if (popupPlace) showPlace(popupPlace.id, null, false);
    if (state.table) showTable(true);
    updateLinks();
    saveURL();
    await metadata;
    announce();
  }

  function syncControls() {
    const label = $('view-label');
    if (label) label.textContent = viewLabel();
    const legendView = $('legend-view');
    if (legendView) legendView.textContent = viewLabel();
    if (EMBED) return;
    $('date-input').value = state.asOf;
    const sel = $('source-select');
    sel.value = state.source || 'consensus';
    const slider = $('date-slider');
    let idx = 0;
    DATES.forEach((d, i) => { if (d <= state.asOf) idx = i; });
    slider.value = String(idx);
    slider.setAttribute('aria-valuetext', fmtDate(state.asOf));
    $('date-label').textContent = fmtDate(state.asOf);
  }

  function permalink(route, centre) {
    const c = centre || map.getCenter();
    const params = {
      as_of: state.asOf, source: state.source, known_on: state.knownOn,
      lat: c.lat.toFixed(5), lon: c.lng.toFixed(5), z: String(map.getZoom()),
      place: popupPlace ? popupPlace.id : '',
      lang: cfg.lang === 'en' ? '' : cfg.lang,
    };
    if (!EMBED && state.table && !route) params.view = 'table';
    return cfg.base + (route || '/') + '?' + qs(params);
  }

  function saveURL() {
    if (EMBED) return;
    const u = new URL(permalink());
    history.replaceState(null, '', u.pathname + u.search);
  }

  function updateLinks() {
    const q = qs(viewParams());
    const gj = cfg.base + '/api/settlements?' + q + '&limit=10000';
    const csv = cfg.base + '/export/settlements.csv?' + q;
    for (const id of ['dl-geojson', 'tiled-dl-geojson']) if ($(id)) $(id).href = gj;
    for (const id of ['dl-csv', 'tiled-dl-csv']) if ($(id)) $(id).href = csv;
    if ($('open-full')) $('open-full').href = permalink('/');
    for (const a of document.querySelectorAll('.langs a[data-lang]')) {
      const u = new URL(permalink());
      if (a.dataset.lang === 'en') u.searchParams.delete('lang');
      else u.searchParams.set('lang', a.dataset.lang);
      a.href = u.pathname + u.search;
    }
  }

  // ---- the selected place and its popup ---------------------------------------------------------------------

  let popupPlace = null; // {id, latlng}
  let selectedID = null;
  function onPlaceClosed() {
    popupPlace = null;
    select(null);
    saveURL();
    post('tiled:state', stateMessage());
  }
  // The page shows a place in a Leaflet popup whose tip ends just above the symbol, which stays visible with its
  // selection ring. The embed, often a few hundred pixels high, shows it in a compact card docked at the bottom of
  // the map instead, and keeps the place in view above the card: the map stays usable.
  const popup = EMBED || NARROW ? placeCard() : L.popup({ maxWidth: 380, minWidth: 240, autoPanPadding: [16, 16], className: 'tiled-popup', offset: [0, -6] });
  if (!EMBED) map.on('popupclose', (e) => { if (e.popup === popup) onPlaceClosed(); });

  // placeCard is the embed's place card, with the part of the popup's interface showPlace uses.
  function placeCard() {
    let box = $('place-card');
    if (!box) { // the page on a phone: the card goes where the embed has it
      box = h('aside', { id: 'place-card', class: 'place-card', 'aria-live': 'polite', hidden: true });
      $('main').append(box);
    }
    const body = h('div', { class: 'card-body' });
    const close = h('button', { type: 'button', class: 'card-close', 'aria-label': t('btn.close') }, '×');
    box.replaceChildren(close, body);
    L.DomEvent.disableClickPropagation(box);
    let ll = null;
    const c = {
      options: {},
      setLatLng(x) { ll = x; return c; },
      setContent(x) { body.replaceChildren(x); return c; },
      isOpen() { return !box.hidden; },
      openOn() { box.hidden = false; foldLegend(true); c.update(); return c; },
      close() { box.hidden = true; },
      // update pans the map, when needed, so that the place sits in the part of the map the card leaves free.
      update() {
        if (!ll || box.hidden) return c;
        const size = map.getSize();
        const mapBox = map.getContainer().getBoundingClientRect();
        const free = Math.max(60, box.getBoundingClientRect().top - mapBox.top - 8); // the map above the card
        const p = map.latLngToContainerPoint(ll);
        if (p.x < 24 || p.x > size.x - 24 || p.y < 24 || p.y > free - 16) {
          map.panBy([p.x - size.x / 2, p.y - free / 2], { animate: false });
        }
        return c;
      },
    };
    close.addEventListener('click', () => { c.close(); onPlaceClosed(); });
    // The card grows when its content arrives (and with the window): keep the place in view as it does.
    if ('ResizeObserver' in window) new ResizeObserver(() => c.update()).observe(box);
    return c;
  }

  async function select(id) {
    const gl = await glReady;
    const key = (fid) => ({ source: 'settlements', sourceLayer: 'settlements', id: fid });
    if (selectedID) gl.removeFeatureState(key(selectedID), 'selected');
    selectedID = id;
    if (id) gl.setFeatureState(key(id), { selected: true });
  }

  async function reselect() {
    const gl = await glReady;
    if (!selectedID) return;
    const id = selectedID;
    gl.once('sourcedata', () => gl.setFeatureState({ source: 'settlements', sourceLayer: 'settlements', id }, { selected: true }));
  }

  let popupSeq = 0;
  // showPlace opens the popup of a settlement; latlng may be null when the popup is already open.
  async function showPlace(id, latlng, pan) {
    const seq = ++popupSeq;
    popupPlace = { id, latlng: latlng || (popupPlace && popupPlace.latlng) };
    popup.options.maxHeight = Math.max(160, map.getSize().y - 70);
    if (latlng) {
      popup.setLatLng(latlng).setContent(h('p', { class: 'pop-loading' }, t('popup.loading')));
      if (!popup.isOpen()) popup.openOn(map);
    }
    select(id);
    saveURL();
    let f;
    try {
      f = await getJSON(cfg.base + '/api/settlements/' + encodeURIComponent(id) + '?' + qs({ as_of: state.asOf, known_on: state.knownOn }));
    } catch (err) {
      if (seq === popupSeq) popup.setContent(h('p', { class: 'pop-error' }, t('popup.error')));
      return;
    }
    if (seq !== popupSeq) return;
    const ll = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
    popupPlace.latlng = ll;
    popup.setLatLng(ll).setContent(popupContent(f));
    if (!popup.isOpen()) popup.openOn(map);
    // The card (embed, phone) always keeps its place in view above it; the popup pans only when asked.
    if (pan !== false || !(popup instanceof L.Popup)) popup.update();
    post('tiled:state', stateMessage());
  }

  function holderText(holder) { return t('holder.' + holder); }

  function claimLine(view, claim) {
    const meta = [];
    meta.push(fmtDatePrec(view.valid_at, view.valid_precision) + (view.published_at && view.published_at !== view.valid_at
      ? ' (' + t('popup.published', { date: fmtDate(view.published_at) }) + ')' : ''));
    if (view.evidence) meta.push(t('evidence.' + view.evidence));
    // A claim about the view's date published after it: the map shows what is known now, not what was known then.
    const after = view.published_at && view.published_at > state.asOf
      ? h('div', { class: 'v-after' }, t('popup.after', { date: fmtDate(state.asOf) })) : null;
    const relay = [];
    if (claim && (claim.relayed_by || claim.relay_url)) {
      const outlet = claim.relayed_by || t('popup.report');
      relay.push(' · ');
      if (claim.relay_url) {
        relay.push(h('a', { href: claim.relay_url, target: '_blank', rel: 'noopener', class: 'relay' },
          t('popup.via', { outlet })));
      } else relay.push(t('popup.via', { outlet }));
    }
    const rep = claim && claim.report; // provenance: the report's outlet, date and address, never its text
    if (rep) {
      const text = t('popup.from_report', { outlet: rep.outlet || '—', date: fmtDate(rep.published) });
      relay.push(h('br'), rep.url ? h('a', { href: rep.url, target: '_blank', rel: 'noopener', class: 'from-report' }, text)
        : h('span', { class: 'from-report' }, text));
    }
    if (claim && claim.editorial_reason) relay.push(h('br'), t('history.editorial', { reason: claim.editorial_reason }));
    return [h('div', { class: 'v-meta' }, meta.join(' · '), relay), after];
  }

  function popupContent(f) {
    const p = f.properties;
    const sd = p.status_detail || { views: [] };
    const byClaim = Object.fromEntries((p.history || []).map((c) => [c.id, c]));
    const names = [
      ['EN', 'en', p.name], ['RU', 'ru', p.name_ru], ['UK', 'uk', p.name_uk],
    ].filter((n) => n[2]);
    const region = [p.admin2, p.admin1].filter(Boolean).join(', ');
    const claimedOnly = sd.basis === 'claimed';
    const statusSym = SYM.legendCanvas((sd.consensus || 'unknown') + (claimedOnly ? '-claimed' : ''));
    const views = sd.views || [];
    const body = h('div', { class: 'pop', 'data-id': p.id },
      h('h3', { class: 'pop-name' }, nameOf(p)),
      h('p', { class: 'pop-names' }, names.map((n, i) => [i ? ' · ' : '', h('abbr', { class: 'lang-tag', title: n[0] }, n[0]), ' ',
        h('span', { lang: n[1] }, n[2])])),
      region ? h('p', { class: 'pop-region' }, region) : null,
      p.approximate ? h('p', { class: 'pop-approx' }, t('popup.approx', { km: p.precision_km || '?' })) : null,
      h('p', { class: 'pop-status status-' + (sd.consensus || 'unknown') }, statusSym,
        h('span', {}, h('strong', {}, t('popup.consensus') + ': ' + t('status.' + (sd.consensus || 'unknown'))),
          sd.basis ? [' — ', h('span', { class: 'pop-basis basis-' + sd.basis, title: t('basis.' + sd.basis + '.long') },
            t('basis.' + sd.basis))] : null,
          ' ', h('span', { class: 'pop-asof' }, t('popup.asof', { date: fmtDate(state.asOf) })),
          views.length ? h('span', { class: 'pop-count' }, ' · ' + t('popup.sourcecount', { n: views.length })) : null)),
    );
    if (views.length === 0) {
      body.append(h('p', { class: 'pop-none' }, t('popup.noclaims', { date: fmtDate(state.asOf) })));
    } else {
      body.append(h('h4', {}, t('popup.sources')));
      const list = h('ul', { class: 'pop-views' });
      for (const v of views) {
        const src = sourceByID[v.source] || (p.source_registry || {})[v.source] || { name: v.source };
        const claim = byClaim[v.claim];
        list.append(h('li', {
          class: 'view holder-' + v.holder + (v.stale ? ' is-stale' : '') + (state.source === v.source ? ' is-shown' : ''),
          'data-source': v.source,
        },
        h('div', { class: 'v-head' }, h('strong', { class: 'v-source' }, src.name),
          src.alignment ? h('span', { class: 'align align-' + src.alignment }, t('align.' + src.alignment)) : null,
          state.source === v.source ? h('span', { class: 'shown' }, t('popup.shown')) : null),
        h('div', { class: 'v-claim' }, h('span', { class: 'holder' }, holderText(v.holder)),
          v.degree ? ' — ' + t('degree.' + v.degree) : '',
          v.stale ? h('span', { class: 'stale-tag' }, ' (' + t('popup.stale') + ')') : null),
        claimLine(v, claim),
        claim && claim.summary ? h('div', { class: 'v-summary' }, claim.summary) : null));
      }
      body.append(list);
    }
    const n = (p.history || []).length;
    if (n > 0) {
      body.append(h('p', { class: 'pop-more' }, h('a', {
        href: cfg.base + '/api/claims?' + qs({ settlement: p.id }), class: 'pop-history',
        onclick: (e) => { e.preventDefault(); showHistory(f); },
      }, t('popup.history') + ' (' + n + ')')));
    }
    return body;
  }

  function showHistory(f) {
    const p = f.properties;
    const dlg = $('history-dialog');
    if (!dlg) return;
    $('history-title').textContent = t('history.title', { name: nameOf(p) });
    $('history-json').href = cfg.base + '/api/claims?' + qs({ settlement: p.id });
    const list = $('history-list');
    list.replaceChildren();
    for (const c of p.history || []) {
      const src = sourceByID[c.source] || { name: c.source };
      const flags = [];
      if (c.superseded_by) flags.push(t('history.superseded'));
      if (c.retracted_by) flags.push(t('history.retracted'));
      if (c.retracts) flags.push(t('history.retraction'));
      list.append(h('li', { class: 'holder-' + c.holder + (flags.length ? ' is-old' : '') },
        h('div', { class: 'v-head' }, h('strong', {}, fmtDate(c.valid_at)), ' · ', src.name,
          src.alignment ? h('span', { class: 'align align-' + src.alignment }, t('align.' + src.alignment)) : null),
        h('div', { class: 'v-claim' }, h('span', { class: 'holder' }, holderText(c.holder)),
          c.degree ? ' — ' + t('degree.' + c.degree) : '', flags.length ? ' [' + flags.join('; ') + ']' : ''),
        claimLine(c, c),
        c.summary ? h('div', { class: 'v-summary' }, c.summary) : null));
    }
    dlg.showModal();
  }

  map.on('click', async (e) => {
    const f = await pick(e.latlng);
    if (!f) return;
    const [x, y] = f.geometry.coordinates;
    showPlace(f.properties.id, L.latLng(y, x));
  });

  let hoverPending = false;
  map.on('mousemove', (e) => {
    if (hoverPending) return;
    hoverPending = true;
    requestAnimationFrame(async () => {
      const f = await pick(e.latlng);
      map.getContainer().classList.toggle('over-place', !!f);
      hoverPending = false;
    });
  });

  map.on('moveend', () => {
    saveURL();
    updateLinks();
    post('tiled:state', stateMessage());
  });

  // ---- legend ----------------------------------------------------------------------------------------------

  let legendBox = null;
  function foldLegend(folded) {
    if (!legendBox) return;
    legendBox.classList.toggle('folded', folded);
    const b = legendBox.querySelector('.legend-fold');
    if (b) {
      b.setAttribute('aria-expanded', String(!folded));
      b.title = folded ? t('legend.show') : t('legend.hide');
    }
  }

  function drawLegend(root) {
    for (const s of root.querySelectorAll('.sym[data-sym]')) s.replaceChildren(SYM.legendCanvas(s.dataset.sym));
  }
  const legend = $('legend');
  if (legend) {
    if (!EMBED) {
      legend.append(h('p', { class: 'legend-view', id: 'legend-view' }));
      // The legend folds away behind its title (folded from the start on a phone, and whenever a place opens
      // there), so it never covers a place's card.
      const title = legend.querySelector('.legend-title');
      const fold = h('button', { type: 'button', class: 'legend-fold', 'aria-expanded': 'true', 'aria-controls': 'legend' },
        ...title.childNodes);
      title.replaceChildren(fold);
      const Legend = L.Control.extend({
        onAdd() {
          const box = h('div', { class: 'leaflet-control tiled-legend' }, legend);
          legendBox = box;
          fold.addEventListener('click', () => foldLegend(!box.classList.contains('folded')));
          if (NARROW) setTimeout(() => foldLegend(true));
          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          return box;
        },
      });
      // On a phone the legend sits at the top, the place card at the bottom: they never overlap while folded, and the
      // card stays above an unfolded legend.
      new Legend({ position: NARROW ? 'topright' : 'bottomleft' }).addTo(map);
    }
  }
  drawLegend(document);

  // ---- the table view -------------------------------------------------------------------------------------

  let tableSeq = 0;
  async function showTable(on, offset) {
    state.table = on;
    const pane = $('table-view');
    const btn = $(EMBED ? 'toggle-table' : 'table-toggle');
    if (btn) {
      btn.setAttribute('aria-expanded', String(on));
      btn.textContent = on ? btn.dataset.map : btn.dataset.table;
    }
    document.body.classList.toggle('showing-table', on);
    pane.hidden = !on;
    if (map) {
      saveURL();
      if (!on) map.invalidateSize();
    }
    if (!on) {
      postHeight();
      return;
    }
    const seq = ++tableSeq;
    try {
      const r = await fetch(cfg.base + '/table?' + qs({ ...viewParams(), lang: cfg.lang, offset: offset || '' }));
      const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
      const table = doc.getElementById('tiled-table');
      if (seq !== tableSeq || !table) return;
      for (const row of table.querySelectorAll('tbody tr[data-id]')) {
        const th = row.querySelector('th');
        if (!th || !map) continue;
        const b = h('button', { type: 'button', class: 'linkish row-go' }, ...th.childNodes);
        b.addEventListener('click', () => goTo(row.dataset.id));
        th.replaceChildren(b);
      }
      // A large gazetteer comes a page at a time: the next page replaces this one in the pane.
      const next = table.querySelector('a.table-next');
      if (next) {
        next.addEventListener('click', (e) => {
          e.preventDefault();
          showTable(true, new URL(next.href, location.href).searchParams.get('offset'));
          pane.scrollTop = 0;
        });
      }
      pane.replaceChildren(document.adoptNode(table));
      drawLegend(pane);
    } catch (err) {
      pane.replaceChildren(h('p', { class: 'pop-error' }, t('popup.error')));
    }
    postHeight();
  }

  async function goTo(id) {
    const f = await getJSON(cfg.base + '/api/settlements/' + encodeURIComponent(id) + '?' + qs({ as_of: state.asOf, known_on: state.knownOn }));
    showTable(false);
    const ll = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
    map.setView(ll, Math.max(map.getZoom(), 11));
    showPlace(id, ll);
  }

  // ---- search (the geocoder API) --------------------------------------------------------------------------

  async function search(raw) {
    const out = $('search-results');
    const [name, ...rest] = raw.split(',');
    const params = { q: name.trim() };
    if (rest.join(',').trim()) params.context = rest.join(',').trim();
    out.hidden = false;
    out.replaceChildren();
    let res;
    try {
      res = await getJSON(cfg.base + '/api/geocode?' + qs(params));
    } catch (err) {
      out.replaceChildren(h('p', {}, t('search.error')));
      return;
    }
    const cands = res.candidates || [];
    if (cands.length === 0) {
      out.replaceChildren(h('p', {}, t('search.none', { q: raw })));
      return;
    }
    if (!res.ambiguous && cands.length >= 1) {
      out.hidden = true;
      flyToCandidate(cands[0]);
      return;
    }
    const list = h('ul', { class: 'cands' });
    for (const c of cands.slice(0, 8)) {
      list.append(h('li', {}, h('button', {
        type: 'button', class: 'cand', onclick: () => { out.hidden = true; flyToCandidate(c); },
      }, h('strong', {}, nameOf(c)), ' ', h('span', { class: 'cand-where' },
        [c.admin2, c.admin1, c.country].filter(Boolean).join(', ')),
      c.approximate ? h('span', { class: 'cand-approx' }, ' · ' + t('search.approx', { km: c.precision_km })) : null)));
    }
    out.replaceChildren(h('p', { class: res.ambiguous ? 'ambiguous' : '' },
      res.ambiguous ? t('search.ambiguous', { q: raw }) : t('search.results', { q: raw })), list);
  }

  function flyToCandidate(c) {
    const ll = L.latLng(c.lat, c.lon);
    const zoom = Math.max(map.getZoom(), 12);
    map.once('moveend', () => showPlace(c.id, ll));
    map.flyTo(ll, zoom, { duration: 0.8 });
  }

  // ---- the page's controls --------------------------------------------------------------------------------

  let playTimer = null;
  function stopPlay() {
    if (!playTimer) return;
    clearInterval(playTimer);
    playTimer = null;
    const b = $('play');
    b.classList.remove('playing');
    b.setAttribute('aria-label', b.dataset.play);
    b.title = b.dataset.play;
  }

  function setDate(d) {
    if (!isDate(d) || d === state.asOf) return;
    state.asOf = d;
    state.reason = 'requested';
    applyView();
  }

  function setSource(s) {
    s = s === 'consensus' ? '' : s || '';
    if (s && !sourceByID[s]) return;
    if (s === state.source) return;
    state.source = s;
    applyView();
  }

  if (!EMBED) {
    const slider = $('date-slider');
    slider.max = String(Math.max(0, DATES.length - 1));
    slider.insertAdjacentElement('afterend', h('output', { id: 'date-label', class: 'date-label', for: 'date-slider' }));
    slider.addEventListener('input', () => {
      stopPlay();
      $('date-label').textContent = fmtDate(DATES[+slider.value]);
    });
    slider.addEventListener('change', () => setDate(DATES[+slider.value]));
    const di = $('date-input');
    di.max = cfg.today;
    di.addEventListener('change', () => { stopPlay(); setDate(di.value); });
    $('source-select').addEventListener('change', (e) => setSource(e.target.value));
    $('play').addEventListener('click', () => {
      const b = $('play');
      if (playTimer) return stopPlay();
      let i = +slider.value;
      if (i >= DATES.length - 1) i = -1;
      b.classList.add('playing');
      b.setAttribute('aria-label', b.dataset.pause);
      b.title = b.dataset.pause;
      const step = () => {
        i++;
        if (i >= DATES.length) return stopPlay();
        setDate(DATES[i]);
        if (i >= DATES.length - 1) stopPlay();
      };
      step();
      playTimer = setInterval(step, 1400);
    });
    $('search-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const v = $('search-input').value.trim();
      if (v) search(v);
    });
    $('table-toggle').addEventListener('click', () => showTable(!state.table));
    $('about-open').addEventListener('click', () => $('about-dialog').showModal());
    $('embed-open').addEventListener('click', openEmbedDialog);
    $('embed-copy').addEventListener('click', async () => {
      const ta = $('embed-code');
      ta.select();
      try { await navigator.clipboard.writeText(ta.value); } catch (err) { document.execCommand('copy'); }
      const b = $('embed-copy');
      const was = b.textContent;
      b.textContent = b.dataset.copied;
      setTimeout(() => { b.textContent = was; }, 1600);
    });
    for (const d of document.querySelectorAll('dialog')) {
      d.addEventListener('click', (e) => { if (e.target === d) d.close(); }); // a click on the backdrop
    }
  } else {
    $('toggle-table').addEventListener('click', () => showTable(!state.table));
  }

  async function openEmbedDialog() {
    const dlg = $('embed-dialog');
    // With a place open, the embed centres on the place itself, not on where the popup panned the map.
    const page = permalink('/', popupPlace && popupPlace.latlng);
    $('embed-oembed').value = page;
    $('embed-code').value = '…';
    $('embed-resize').value = '<script>addEventListener("message",function(e){if(e.origin!==' + JSON.stringify(location.origin) +
      '||!e.data||e.data.type!=="tiled:height")return;document.querySelectorAll("iframe").forEach(function(f){' +
      'if(f.contentWindow===e.source)f.style.height=e.data.height+"px"})});<\/script>';
    dlg.showModal();
    try {
      const o = await getJSON(cfg.base + '/oembed?' + qs({ url: page }));
      $('embed-code').value = o.html;
      $('embed-preview').href = o.embed_url;
    } catch (err) {
      $('embed-code').value = t('popup.error');
    }
  }

  // ---- the embed: cooperative gestures and the postMessage API ------------------------------------------------

  const hint = $('gesture-hint');
  let hintTimer = null;
  function showHint(key) {
    if (!hint) return;
    hint.textContent = t(key);
    hint.hidden = false;
    hint.classList.add('on');
    clearTimeout(hintTimer);
    hintTimer = setTimeout(() => { hint.classList.remove('on'); hint.hidden = true; }, 1300);
  }

  if (EMBED) {
    const main = $('main');
    const mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
    // A plain wheel scrolls the host page; Ctrl/⌘ + wheel (and trackpad pinches, which arrive as Ctrl + wheel)
    // zoom the map. The event is stopped before Leaflet sees it and never prevented, so the page scrolls.
    main.addEventListener('wheel', (e) => {
      if (e.ctrlKey || e.metaKey) return;
      e.stopPropagation();
      if (!state.table) showHint(mac ? 'embed.hint.wheel.mac' : 'embed.hint.wheel');
    }, { capture: true, passive: true });
    // One finger scrolls the page (touch-action in the style sheet); two move and zoom the map.
    main.addEventListener('touchmove', (e) => {
      if (e.touches.length === 1 && !state.table) showHint('embed.hint.touch');
    }, { passive: true });
    map.dragging.disable();
    map.on('mousedown', () => map.dragging.enable()); // mouse drags pan, as everywhere
    main.addEventListener('touchstart', (e) => {
      if (e.touches.length >= 2) map.dragging.enable();
      else map.dragging.disable();
    }, { passive: true, capture: true });
    main.addEventListener('mousedown', () => map.dragging.enable(), { capture: true });

    window.addEventListener('message', async (e) => {
      const d = e.data;
      if (!d || typeof d !== 'object' || typeof d.type !== 'string' || !d.type.startsWith('tiled:')) return;
      switch (d.type) {
        case 'tiled:setDate':
          setDate(d.date);
          break;
        case 'tiled:setSource':
          setSource(d.source);
          break;
        case 'tiled:flyTo':
          if (typeof d.lat === 'number' && typeof d.lon === 'number') {
            map.flyTo([d.lat, d.lon], typeof d.zoom === 'number' ? d.zoom : Math.max(map.getZoom(), 11));
          } else if (typeof d.place === 'string' && d.place) {
            try {
              const res = await getJSON(cfg.base + '/api/geocode?' + qs({ q: d.place, context: d.context }));
              if (res.candidates && res.candidates.length) flyToCandidate(res.candidates[0]);
              post('tiled:geocoded', { query: d.place, ambiguous: !!res.ambiguous, candidates: (res.candidates || []).length });
            } catch (err) { /* a bad request from the host: nothing to do */ }
          }
          break;
        case 'tiled:getState':
          post('tiled:state', stateMessage());
          break;
      }
    });
  }

  function post(type, data) {
    if (!EMBED || window.parent === window) return;
    window.parent.postMessage(Object.assign({ type }, data), '*');
  }

  function stateMessage() {
    const c = map.getCenter();
    return { as_of: state.asOf, source: state.source || 'consensus', lat: +c.lat.toFixed(5), lon: +c.lng.toFixed(5),
      zoom: map.getZoom(), place: popupPlace ? popupPlace.id : null, table: state.table };
  }

  // The height the embed wants: its chrome and a map 62 % as high as it is wide (280–560 px), or the whole table.
  function wantedHeight() {
    const head = document.querySelector('.embed-head');
    const foot = document.querySelector('.embed-foot');
    const chrome = (head ? head.offsetHeight : 0) + (foot ? foot.offsetHeight : 0);
    if (state.table) return chrome + $('table-view').scrollHeight;
    const w = document.documentElement.clientWidth;
    return chrome + Math.max(280, Math.min(560, Math.round(w * 0.62)));
  }
  let lastHeight = 0;
  function postHeight() {
    if (!EMBED) return;
    const height = Math.ceil(wantedHeight());
    if (height === lastHeight) return;
    lastHeight = height;
    post('tiled:height', { height });
  }
  if (EMBED && 'ResizeObserver' in window) {
    new ResizeObserver(() => postHeight()).observe(document.body);
  }

  // announce tells the host (embed) how the view changed once the map has drawn it.
  async function announce() {
    const v = viewVersion;
    await idle();
    if (v !== viewVersion) return;
    const gl = await glReady;
    const rendered = gl.queryRenderedFeatures({ layers: SYMBOL_LAYERS }).length;
    document.documentElement.dataset.tiledRendered = String(v);
    post('tiled:rendered', Object.assign(stateMessage(), { features: rendered }));
  }

  // ---- start -----------------------------------------------------------------------------------------------

  syncControls();
  updateLinks();
  saveURL();
  glReady.then(async () => {
    if (state.place) {
      try {
        const f = await getJSON(cfg.base + '/api/settlements/' + encodeURIComponent(state.place) + '?' + qs({ as_of: state.asOf, known_on: state.knownOn }));
        // A link that names a place but no centre opens on the place.
        if (!(isFinite(lat) && isFinite(lon))) map.setView([f.geometry.coordinates[1], f.geometry.coordinates[0]], map.getZoom(), { animate: false });
        showPlace(state.place, L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]), false);
      } catch (err) { /* an unknown place in an old link: show the map without it */ }
    }
    if (state.table) showTable(true);
    await idle();
    document.documentElement.dataset.tiledReady = '1';
    post('tiled:ready', stateMessage());
    postHeight();
    announce();
  });

  // For the browser tests and for people poking at the page from the console.
  window.tiled = {
    map, state, idle, pick, showPlace, symbolLayers: SYMBOL_LAYERS,
    gl: () => glReady,
    // screenPoint is where a place is drawn, in CSS pixels of the page.
    screenPoint(lat, lon) {
      const p = map.latLngToContainerPoint([lat, lon]);
      const r = map.getContainer().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    },
    // renderedAt returns the properties of the settlements drawn at a place.
    async renderedAt(lat, lon) {
      const f = await pick(L.latLng(lat, lon), 6);
      return f ? f.properties : null;
    },
  };
})();
