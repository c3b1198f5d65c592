// The position: longitude/latitude fields (the keyboard way) and a small map with a draggable marker
// (MapLibre, CSP build, no basemap from elsewhere: the department's outline from this API's OGC
// collection). The point is checked against the chosen department as the API will check it.
import { CONFIG } from "./api.js";
import { h } from "./dom.js";
import { field, input } from "./forms.js";

const REGION_CENTRE = [2.2, 43.7];

// Ray casting on a (Multi)Polygon: is [lon, lat] inside?
export function inside(point, geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  const [x, y] = point;
  return polygons.some((rings) => {
    let count = 0;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i], [xj, yj] = ring[j];
        if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) count += 1;
      }
    }
    return count % 2 === 1;
  });
}

function bounds(geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  let west = 180, south = 90, east = -180, north = -90;
  for (const rings of polygons) for (const [lon, lat] of rings[0]) {
    west = Math.min(west, lon); east = Math.max(east, lon); south = Math.min(south, lat); north = Math.max(north, lat);
  }
  return [[west, south], [east, north]];
}

export function positionField(form, position) {
  const lon = input("position.lon", position ? position.lon : "", { inputmode: "decimal" });
  const lat = input("position.lat", position ? position.lat : "", { inputmode: "decimal" });
  const mapEl = h("div", { class: "petite-carte", id: "petite-carte", role: "region", "aria-label": "Carte de la position",
    "aria-describedby": "petite-carte-aide" });
  const mapHelp = h("p", { class: "aide", id: "petite-carte-aide" },
    "Faites glisser le repère ou cliquez sur la carte ; au clavier, saisissez la longitude et la latitude.");
  const verdict = h("p", { class: "verification", id: "position-verification", "aria-live": "polite" });
  const box = h("div", { class: "champ position", dataset: { pour: "position" } },
    h("p", { class: "etiquette" }, "Position (obligatoire pour un lieu ouvert)"),
    h("p", { class: "erreur-champ", hidden: true }),
    h("div", { class: "grille" }, field("position.lon", "Longitude", lon), field("position.lat", "Latitude", lat)),
    mapHelp, mapEl, verdict);

  let map = null, marker = null, outline = null;
  const current = () => {
    const x = Number(lon.value.replace(",", ".")), y = Number(lat.value.replace(",", "."));
    return lon.value.trim() && lat.value.trim() && !Number.isNaN(x) && !Number.isNaN(y) ? [x, y] : null;
  };
  function judge() {
    const point = current();
    const code = form.elements.departement.value;
    if (!point) {
      verdict.textContent = "Pas de position.";
      verdict.dataset.valide = "";
    } else if (outline) {
      const ok = inside(point, outline.geometry);
      verdict.dataset.valide = ok ? "oui" : "non";
      verdict.textContent = ok ? `Le point est dans le département ${code}.`
        : `Le point est hors du département ${code} : l'API l'acceptera jusqu'à 2 km de sa limite, pas au-delà.`;
    }
    document.body.dataset.position = point ? point.join(",") : "";
  }
  async function loadOutline() {
    const code = form.elements.departement.value;
    try {
      const r = await fetch(`/ogc/collections/departements/items/${encodeURIComponent(code)}?f=json`, { headers: { Accept: "application/geo+json" } });
      outline = r.ok ? await r.json() : null;
    } catch {
      outline = null;
    }
    if (map && outline) {
      const source = map.getSource("departement");
      if (source) source.setData(outline);
      if (!current()) map.fitBounds(bounds(outline.geometry), { padding: 10, duration: 0 });
    }
    judge();
  }
  function placeMarker(point) {
    if (!map) return;
    if (!point) return;
    if (!marker) {
      marker = new window.maplibregl.Marker({ draggable: true, color: "#b23a0e" }).setLngLat(point).addTo(map);
      marker.on("dragend", () => {
        const p = marker.getLngLat();
        lon.value = p.lng.toFixed(6);
        lat.value = p.lat.toFixed(6);
        judge();
      });
    } else {
      marker.setLngLat(point);
    }
  }
  function start() {
    if (!window.maplibregl || map) return;
    window.maplibregl.setWorkerUrl(CONFIG.mapWorker);
    map = new window.maplibregl.Map({
      container: mapEl, center: current() || REGION_CENTRE, zoom: current() ? 9 : 6, attributionControl: false,
      style: { version: 8, sources: { departement: { type: "geojson", data: { type: "FeatureCollection", features: [] } } },
        layers: [{ id: "fond", type: "background", paint: { "background-color": "#eef2ef" } },
          { id: "dep-fond", type: "fill", source: "departement", paint: { "fill-color": "#cfe3da", "fill-opacity": 0.8 } },
          { id: "dep-bord", type: "line", source: "departement", paint: { "line-color": "#1f5f4a", "line-width": 2 } }] },
    });
    map.addControl(new window.maplibregl.NavigationControl({ showCompass: false }));
    map.on("load", () => {
      if (outline) map.getSource("departement").setData(outline);
      placeMarker(current());
      mapEl.dataset.pret = "1";
    });
    map.on("click", (event) => {
      lon.value = event.lngLat.lng.toFixed(6);
      lat.value = event.lngLat.lat.toFixed(6);
      placeMarker([event.lngLat.lng, event.lngLat.lat]);
      judge();
    });
    window.petiteCarte = map; // for the browser tests
  }
  for (const el of [lon, lat]) el.addEventListener("change", () => { placeMarker(current()); if (map && current()) map.setCenter(current()); judge(); });
  queueMicrotask(() => {
    form.elements.departement.addEventListener("change", loadOutline);
    start();
    loadOutline();
  });
  return box;
}
