// minimap: a small Leaflet map of a report's places: found places solid, the alternatives of an ambiguous
// mention dashed and hollow. Clicking an alternative chooses it (the cards offer the same choice as a list, for
// the keyboard).

export function miniMap(el, desk) {
  const L = window.L;
  if (!L) {
    el.hidden = true;
    return { add() {}, fit() {}, highlight() {} };
  }
  const map = L.map(el, { zoomControl: true, attributionControl: true, scrollWheelZoom: false, keyboard: true,
    zoomAnimation: false, fadeAnimation: false });
  if (desk.config.basemap) {
    L.tileLayer(desk.config.basemap, { maxZoom: 18, attribution: desk.config.basemap_attribution || '' }).addTo(map);
  }
  map.setView([51, 35.5], 8);
  const bounds = [];
  const markers = new Map();
  return {
    // add draws place p ({id, name, lat, lon, admin1, admin2}) as 'found', 'alt' or 'chosen'; onPick is called
    // when an alternative is clicked.
    add(p, kind, label, onPick) {
      if (typeof p.lat !== 'number' || typeof p.lon !== 'number') return;
      if (markers.has(p.id + ':' + kind)) return;
      const style = kind === 'alt'
        ? { radius: 7, color: '#7a5200', weight: 2, dashArray: '4 3', fillColor: '#E69F00', fillOpacity: 0.15 }
        : { radius: 7, color: '#1d3557', weight: 2, fillColor: '#1d3557', fillOpacity: 0.85 };
      style.className = 'mm-' + kind + ' mm-place-' + p.id;
      const m = L.circleMarker([p.lat, p.lon], style).addTo(map);
      // Names stay on the map (there may be no basemap); a namesake's label says its district.
      m.bindTooltip(kind === 'alt' ? label : p.name, { permanent: true, direction: kind === 'alt' ? 'right' : 'left',
        offset: [kind === 'alt' ? 6 : -6, 0], className: 'mm-label' });
      if (onPick) m.on('click', () => onPick(p.id));
      if (kind === 'alt') m.bringToFront(); // choices stay clickable over a found place nearby
      markers.set(p.id + ':' + kind, m);
      bounds.push([p.lat, p.lon]);
    },
    // highlight marks the place chosen for a mention: the chosen one solid, its rivals faded.
    highlight(chosen, rivals) {
      for (const id of rivals) {
        const m = markers.get(id + ':alt');
        if (m) m.setStyle(id === chosen
          ? { color: '#1d3557', dashArray: null, fillColor: '#1d3557', fillOpacity: 0.85 }
          : { color: '#7a5200', dashArray: '4 3', fillColor: '#E69F00', fillOpacity: 0.15 });
      }
    },
    fit() {
      for (const [k, m] of markers) if (k.endsWith(':alt')) m.bringToFront();
      map.invalidateSize(false); // the container got its size after the map was made
      if (bounds.length === 1) map.setView(bounds[0], 10);
      else if (bounds.length > 1) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 11 });
    },
  };
}
