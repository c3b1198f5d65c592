// The embeddable map of reseau-api (/carte): places from the API's vector tiles, department outlines
// from its OGC API - Features collection, a telework filter and a popup per place. No external
// resource unless the server sets a basemap. Every text from the API goes in with textContent.
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("carte-config").textContent);
  const status = document.getElementById("carte-etat");
  const teleworkBox = document.getElementById("filtre-teletravail");
  const POINT_LAYERS = ["lieux-groupes", "lieux-points"];
  const REGION = [[-0.33, 42.33], [4.85, 45.05]];
  const FADED = { a_verifier: 0.45, obsolete: 0.2 }; // circle opacity by `fraicheur`
  const FRESHNESS = { a_verifier: "Informations à vérifier", obsolete: "Informations anciennes (plus d'un an)" };

  let filters = config.filters.slice(); // [name, value] pairs, validated by the server
  const selected = filters.filter(([name]) => name === "departement").map(([, value]) => value);
  teleworkBox.checked = filters.some(([name, value]) => name === "teletravail" && value === "true");

  const absolute = (path) => new URL(path, document.baseURI).href;
  // A position in the address ("#zoom/lat/lon", as a place's page links to it) wins over the framing.
  const positioned = /^#\d+(\.\d+)?\/-?\d/.test(window.location.hash);

  function tilejsonUrl() {
    const query = new URLSearchParams(filters).toString();
    return absolute("v1/tuiles.json" + (query ? "?" + query : ""));
  }

  function say(text) {
    status.textContent = text;
  }

  const style = {
    version: 8,
    sources: {},
    layers: [{ id: "fond", type: "background", paint: { "background-color": "#e9efec" } }],
  };
  if (config.basemap) {
    style.sources.fond = {
      type: "raster", tiles: [config.basemap], tileSize: 256, attribution: config.basemapAttribution || "",
    };
    style.layers.push({ id: "fond-raster", type: "raster", source: "fond" });
  }

  let map;
  try {
    map = new maplibregl.Map({
      container: "carte", style, bounds: REGION, fitBoundsOptions: { padding: 16 }, hash: true,
      dragRotate: false, pitchWithRotate: false, attributionControl: { compact: true },
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
  } catch (error) {
    say("Cette carte nécessite WebGL, indisponible dans ce navigateur.");
    document.body.dataset.erreur = String(error);
    return;
  }
  window.carteReseau = map; // exposed for debugging in the console and for the headless test
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.on("error", (event) => {
    say("Erreur de chargement de la carte.");
    document.body.dataset.erreur = String(event.error && event.error.message);
  });

  function boundsOf(features) {
    const bounds = new maplibregl.LngLatBounds();
    const walk = (coordinates) => {
      if (typeof coordinates[0] === "number") bounds.extend(coordinates);
      else coordinates.forEach(walk);
    };
    features.forEach((feature) => walk(feature.geometry.coordinates));
    return bounds;
  }

  async function addDepartments() {
    const response = await fetch(absolute("ogc/collections/departements/items?limit=100"), {
      headers: { Accept: "application/geo+json" },
    });
    if (!response.ok) throw new Error("departements: HTTP " + response.status);
    const data = await response.json();
    const isSelected = ["in", ["get", "code"], ["literal", selected]];
    map.addSource("departements", { type: "geojson", data });
    map.addLayer({
      id: "departements-fond", type: "fill", source: "departements",
      paint: { "fill-color": ["case", isSelected, "#ffffff", "#f7f9f8"], "fill-opacity": config.basemap ? 0.35 : 1 },
    });
    map.addLayer({
      id: "departements-contour", type: "line", source: "departements",
      paint: { "line-color": "#62776e", "line-width": ["case", isSelected, 2.5, 1] },
    });
    const framed = selected.length ? data.features.filter((f) => selected.includes(f.id)) : data.features;
    if (framed.length && !positioned) map.fitBounds(boundsOf(framed), { padding: 16, animate: false });
  }

  function addPlaces() {
    map.addSource("lieux", { type: "vector", url: tilejsonUrl() });
    map.addLayer({
      id: "lieux-groupes", type: "circle", source: "lieux", "source-layer": "lieux",
      filter: ["has", "point_count"],
      paint: {
        "circle-color": "#1d6b57", "circle-opacity": 0.9,
        "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "point_count"]], 1, 8, 12, 26],
        "circle-stroke-color": "#ffffff", "circle-stroke-width": 2,
      },
    });
    map.addLayer({
      id: "lieux-points", type: "circle", source: "lieux", "source-layer": "lieux",
      filter: ["!", ["has", "point_count"]],
      paint: {
        "circle-color": ["match", ["get", "statut"], "ouvert", "#d9480f", "en_projet", "#f59f00", "#868e96"],
        // Listings not confirmed lately fade (the tile says `fraicheur`); a temporary closure gets a grey ring.
        "circle-opacity": ["match", ["get", "fraicheur"], "a_verifier", FADED.a_verifier, "obsolete", FADED.obsolete, 1],
        "circle-stroke-opacity": ["match", ["get", "fraicheur"], "a_verifier", 0.6, "obsolete", 0.4, 1],
        "circle-radius": 6, "circle-stroke-width": ["case", ["get", "ferme_temporairement"], 2.5, 1.5],
        "circle-stroke-color": ["case", ["get", "ferme_temporairement"], "#495057", "#ffffff"],
      },
    });
    for (const layer of POINT_LAYERS) {
      map.on("mouseenter", layer, () => { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; });
    }
    map.on("click", "lieux-groupes", (event) => {
      map.easeTo({ center: event.lngLat, zoom: Math.min(map.getZoom() + 2, 18) });
    });
    map.on("click", "lieux-points", (event) => openPopup(event.features[0]));
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function link(href, text) {
    const a = element("a", text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener";
    return a;
  }

  function placeCard(place) {
    const card = element("div", undefined, "carte-fiche");
    card.append(element("h3", place.nom));
    let statut = config.statuts[place.statut] || place.statut;
    if (place.statut === "en_projet" && place.ouverture_prevue) statut += " (ouverture prévue le " + place.ouverture_prevue + ")";
    card.append(element("p", statut, "carte-statut carte-statut-" + place.statut));
    const where = [place.adresse, [place.code_postal, place.commune].filter(Boolean).join(" ")].filter(Boolean);
    if (where.length) card.append(element("p", where.join(", ")));
    const desks = place.teletravail && place.teletravail.postes;
    card.append(element("p", desks ? desks + " poste" + (desks > 1 ? "s" : "") + " de télétravail"
      : "Postes de télétravail : non renseigné"));
    if (place.services && place.services.length) {
      const list = element("ul", undefined, "carte-services");
      place.services.forEach((code) => list.append(element("li", config.services[code] || code)));
      card.append(element("p", "Services :"), list);
    } else {
      card.append(element("p", "Services : non renseignés"));
    }
    if (place.fermeture_en_cours) {
      const closure = place.fermeture_en_cours;
      card.append(element("p", "Fermé temporairement jusqu'au " + closure.au + " : " + closure.motif, "carte-ferme"));
    }
    if (place.horaires) card.append(element("p", "Horaires : " + place.horaires));
    if (FRESHNESS[place.fraicheur]) {
      card.append(element("p", FRESHNESS[place.fraicheur] + (place.verifie_le
        ? " (vérifiées le " + place.verifie_le.slice(0, 10) + ")" : " (jamais vérifiées)"), "carte-fraicheur"));
    }
    const links = element("p", undefined, "carte-liens");
    links.append(link(absolute("lieux/" + encodeURIComponent(place.slug)), "Fiche du lieu"), " · ",
      link(absolute("v1/lieux/" + encodeURIComponent(place.slug)), "JSON"));
    if (place.site_web && /^https?:\/\//.test(place.site_web)) {
      links.append(" · ", link(place.site_web, "Site web"));
    }
    card.append(links);
    return card;
  }

  async function openPopup(feature) {
    const popup = new maplibregl.Popup({ maxWidth: "300px" })
      .setLngLat(feature.geometry.coordinates)
      .setDOMContent(element("p", feature.properties.nom))
      .addTo(map);
    try {
      const response = await fetch(absolute("v1/lieux/" + encodeURIComponent(feature.properties.id)));
      if (!response.ok) throw new Error("HTTP " + response.status);
      popup.setDOMContent(placeCard(await response.json()));
    } catch (error) {
      popup.setDOMContent(element("p", feature.properties.nom + " (détails indisponibles)"));
    }
  }

  // Tells the page (and the headless test) what is drawn once the tiles in view are rendered.
  function report() {
    if (!map.getSource("lieux") || !map.isSourceLoaded("lieux")) return;
    const drawn = map.queryRenderedFeatures({ layers: POINT_LAYERS });
    const places = drawn.reduce((sum, f) => sum + (f.properties.point_count || 1), 0);
    document.body.dataset.points = String(drawn.length);
    document.body.dataset.lieux = String(places);
    document.body.dataset.pret = "1";
    say(places === 0 ? "Aucun lieu dans cette vue" : places + (places > 1 ? " lieux" : " lieu") + " dans cette vue");
  }

  teleworkBox.addEventListener("change", () => {
    filters = filters.filter(([name]) => name !== "teletravail");
    if (teleworkBox.checked) filters.push(["teletravail", "true"]);
    delete document.body.dataset.pret;
    map.getSource("lieux").setUrl(tilejsonUrl());
  });

  map.on("load", async () => {
    try {
      await addDepartments();
    } catch (error) {
      document.body.dataset.erreur = String(error.message);
    }
    addPlaces();
    map.on("idle", report);
  });
})();
