// tiled symbols: one shape per status, so the map reads without colour as well as with it. Russia is a circle,
// Ukraine a square, contested a triangle, disputed a hatched diamond, no claim a small hollow circle; a place with
// only old claims is drawn faded with a dashed outline; an approximate location gets a dashed ring. A status that
// rests only on claims of the holder's own side ("claimed", as ISW separates claimed from assessed control) is the
// same shape hollow: a thick outline in the side's colour around a white centre, so a single partisan claim never
// looks like settled control. The colours
// are the Okabe–Ito palette (safe for the common colour-vision deficiencies), as in tiles/style.go.
//
// The same drawing code makes the MapLibre icons (map.addImage) and the legend, so they always match.
(function () {
  'use strict';

  const COLORS = {
    ru: '#D55E00', ua: '#0072B2', contested: '#E69F00', disputed: '#CC79A7', unknown: '#999999',
  };
  const OUTLINE = { ru: '#6b2d00', ua: '#00395a', contested: '#7a5200', disputed: '#1b1b1b', unknown: '#6e6e6e' };
  const STATUSES = ['ru', 'ua', 'contested', 'disputed', 'unknown'];
  const BOX = 26; // logical size of every icon, in CSS pixels

  function shapePath(ctx, status, cx, cy) {
    ctx.beginPath();
    switch (status) {
      case 'ru':
        ctx.arc(cx, cy, 7, 0, 2 * Math.PI);
        break;
      case 'ua':
        ctx.rect(cx - 6.3, cy - 6.3, 12.6, 12.6);
        break;
      case 'contested':
        ctx.moveTo(cx, cy - 8.4);
        ctx.lineTo(cx + 8, cy + 5.6);
        ctx.lineTo(cx - 8, cy + 5.6);
        ctx.closePath();
        break;
      case 'disputed':
        ctx.moveTo(cx, cy - 8.8);
        ctx.lineTo(cx + 8.8, cy);
        ctx.lineTo(cx, cy + 8.8);
        ctx.lineTo(cx - 8.8, cy);
        ctx.closePath();
        break;
      default: // unknown
        ctx.arc(cx, cy, 4, 0, 2 * Math.PI);
    }
  }

  function hatch(ctx, cx, cy, color) {
    ctx.save();
    ctx.clip();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(cx - 10, cy - 10, 20, 20);
    ctx.strokeStyle = color;
    ctx.lineWidth = 2.2;
    for (let d = -20; d <= 20; d += 4) {
      ctx.beginPath();
      ctx.moveTo(cx + d - 10, cy + 10);
      ctx.lineTo(cx + d + 10, cy - 10);
      ctx.stroke();
    }
    ctx.restore();
  }

  // drawSymbol draws a settlement symbol centred at (cx, cy) in CSS pixels; claimed draws it hollow.
  function drawSymbol(ctx, status, stale, approx, cx, cy, claimed) {
    if (!COLORS[status]) status = 'unknown';
    const color = COLORS[status];
    if (approx) {
      ctx.save();
      ctx.beginPath();
      ctx.arc(cx, cy, 11.5, 0, 2 * Math.PI);
      ctx.setLineDash([2.6, 2.2]);
      ctx.lineWidth = 1.4;
      ctx.strokeStyle = '#333333';
      ctx.stroke();
      ctx.restore();
    }
    ctx.save();
    if (status !== 'unknown') {
      // a white halo keeps neighbouring symbols apart and lifts them off the basemap
      shapePath(ctx, status, cx, cy);
      ctx.lineWidth = 3.6;
      ctx.strokeStyle = 'rgba(255,255,255,0.95)';
      ctx.lineJoin = 'round';
      ctx.stroke();
    }
    shapePath(ctx, status, cx, cy);
    if (stale) {
      ctx.globalAlpha = 0.38;
      ctx.fillStyle = status === 'unknown' ? '#ffffff' : color;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.setLineDash([2.4, 1.8]);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = OUTLINE[status];
      shapePath(ctx, status, cx, cy);
      ctx.stroke();
    } else if (claimed && status !== 'disputed' && status !== 'unknown') {
      ctx.fillStyle = '#ffffff';
      ctx.fill();
      ctx.lineWidth = 3;
      ctx.lineJoin = 'round';
      ctx.strokeStyle = color;
      shapePath(ctx, status, cx, cy);
      ctx.stroke();
      // a small dot of the colour in the middle says which side claims it, without reading as a filled shape
      ctx.beginPath();
      ctx.arc(cx, cy + (status === 'contested' ? 1.5 : 0), 1.6, 0, 2 * Math.PI);
      ctx.fillStyle = color;
      ctx.fill();
    } else if (status === 'disputed') {
      hatch(ctx, cx, cy, color);
      shapePath(ctx, status, cx, cy);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = OUTLINE.disputed;
      ctx.stroke();
    } else if (status === 'unknown') {
      ctx.fillStyle = 'rgba(255,255,255,0.9)';
      ctx.fill();
      ctx.lineWidth = 1.6;
      ctx.strokeStyle = '#7a7a7a';
      ctx.stroke();
    } else {
      ctx.fillStyle = color;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = OUTLINE[status];
      ctx.stroke();
    }
    ctx.restore();
  }

  // iconId names the map icon of a status: "sym-ru", "sym-ru-claimed", "sym-ua-stale-approx".
  function iconId(status, stale, approx, claimed) {
    return 'sym-' + status + (claimed ? '-claimed' : '') + (stale ? '-stale' : '') + (approx ? '-approx' : '');
  }

  function parseIconId(id) {
    const m = /^sym-([a-z]+)(-claimed)?(-stale)?(-approx)?$/.exec(id);
    if (!m || !COLORS[m[1]]) return null;
    return { status: m[1], claimed: !!m[2], stale: !!m[3], approx: !!m[4] };
  }

  // iconImage returns the pixels of an icon for map.addImage(id, image, {pixelRatio: ratio}).
  function iconImage(id, ratio) {
    const p = parseIconId(id);
    if (!p) return null;
    const c = document.createElement('canvas');
    c.width = c.height = BOX * ratio;
    const ctx = c.getContext('2d');
    ctx.scale(ratio, ratio);
    drawSymbol(ctx, p.status, p.stale, p.approx, BOX / 2, BOX / 2, p.claimed);
    return ctx.getImageData(0, 0, c.width, c.height);
  }

  // legendCanvas returns a canvas for a legend entry: a status, a status with "-claimed", "stale" or "approximate".
  function legendCanvas(kind) {
    const ratio = Math.max(2, Math.ceil(window.devicePixelRatio || 1));
    const w = kind === 'stale' || kind === 'border' ? 44 : 26;
    const c = document.createElement('canvas');
    c.width = w * ratio;
    c.height = BOX * ratio;
    c.style.width = w + 'px';
    c.style.height = BOX + 'px';
    c.setAttribute('aria-hidden', 'true');
    const ctx = c.getContext('2d');
    ctx.scale(ratio, ratio);
    if (kind === 'border') { // the map's state border: dash-dot over a white casing
      ctx.lineCap = 'round';
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 5;
      ctx.beginPath(); ctx.moveTo(2, 13); ctx.lineTo(w - 2, 13); ctx.stroke();
      ctx.strokeStyle = '#3d3d4f';
      ctx.lineWidth = 2;
      ctx.setLineDash([7, 3, 1.5, 3]);
      ctx.beginPath(); ctx.moveTo(2, 13); ctx.lineTo(w - 2, 13); ctx.stroke();
    } else if (kind === 'stale') {
      drawSymbol(ctx, 'ru', true, false, 12, 13);
      drawSymbol(ctx, 'ua', true, false, 32, 13);
    } else if (kind === 'approximate') {
      drawSymbol(ctx, 'unknown', false, true, 13, 13);
    } else if (kind.endsWith('-claimed')) {
      drawSymbol(ctx, kind.slice(0, -'-claimed'.length), false, false, 13, 13, true);
    } else {
      drawSymbol(ctx, kind, false, false, 13, 13);
    }
    return c;
  }

  window.tiledSymbols = { COLORS, STATUSES, iconId, parseIconId, iconImage, legendCanvas, drawSymbol };
})();
