// Places: "Mes lieux" (every state, with the moderation status) and the editing form of every field a
// member may set (PlaceWrite in the API).
import { ApiError, get, label, moreButton } from "./api.js";
import { currentMember } from "./auth.js";
import { appendRows, clear, formatDate, h } from "./dom.js";
import { editScreen, historyScreen } from "./editor.js";
import { checkboxes, checked, field, input, select, textarea } from "./forms.js";
import { closuresField, readClosures } from "./fermetures.js";
import { hoursField } from "./horaires.js";
import { positionField } from "./carte.js";

const TELEWORK = ["postes", "bureaux_prives", "salles_reunion", "prix_demi_journee", "prix_journee", "prix_mois",
  "reservation_url", "acces_24_7", "publics", "debit_internet_mbps"];
const INTEGERS = ["postes", "bureaux_prives", "salles_reunion", "debit_internet_mbps"];
const EUROS = ["prix_demi_journee", "prix_journee", "prix_mois"];
const TEXTS = ["nom", "description", "statut", "ouverture_prevue", "projet", "adresse", "code_postal", "commune",
  "code_insee", "departement", "horaires", "email", "telephone", "site_web", "accessibilite"];

// Ids of the place in other registries (unique among published places; the API checks each).
const IDENTIFIERS = [
  ["siret", "SIRET (14 chiffres)", { inputmode: "numeric", maxlength: 17 }],
  ["rna", "Numéro RNA (associations : W et 9 chiffres)", { maxlength: 10 }],
  ["osm", "Objet OpenStreetMap (node/…, way/… ou relation/…)", { maxlength: 40 }],
  ["acceslibre", "Fiche acceslibre (identifiant ou UUID)", { maxlength: 200 }],
  ["data_inclusion", "Identifiant data·inclusion", { maxlength: 200 }],
  ["recensement_2019", "Identifiant du recensement 2019", { maxlength: 20 }],
];

const euros = (value) => (value === null || value === undefined || value === "" ? null : Number(value));

// The editable fields of a PlaceRead, numbers as numbers (the API writes prices as "15.00").
export function toWrite(place) {
  const t = place.teletravail || {};
  const teletravail = {};
  for (const key of TELEWORK) teletravail[key] = t[key] ?? null;
  for (const key of EUROS) teletravail[key] = euros(t[key]);
  teletravail.publics = t.publics || [];
  const out = {};
  for (const key of TEXTS) out[key] = place[key] ?? null;
  return { ...out, mise_en_reseau: !!place.mise_en_reseau, types: place.types || [], services: place.services || [],
    position: place.position ? { lon: place.position.lon, lat: place.position.lat } : null, teletravail,
    images: place.images || [],
    fermetures: (place.fermetures || []).map(({ du, au, motif }) => ({ du, au, motif })),
    identifiants: Object.fromEntries(IDENTIFIERS.map(([k]) => [k, (place.identifiants || {})[k] ?? null])) };
}

const text = (form, name) => {
  const value = form.elements[name].value.trim();
  return value === "" ? null : value;
};

function number(form, name, integer) {
  const raw = form.elements[name].value.trim().replace(",", ".");
  if (raw === "") return null;
  const n = Number(raw);
  if (Number.isNaN(n)) return raw; // the API names the field (422)
  return integer && Number.isInteger(n) ? n : n;
}

function read(form) {
  const out = {};
  for (const key of TEXTS) out[key] = text(form, key);
  out.mise_en_reseau = form.elements.mise_en_reseau.checked;
  out.types = checked(form, "types");
  out.services = checked(form, "services");
  const lon = number(form, "position.lon"), lat = number(form, "position.lat");
  out.position = lon === null && lat === null ? null : { lon, lat };
  const teletravail = {};
  for (const key of INTEGERS) teletravail[key] = number(form, `teletravail.${key}`, true);
  for (const key of EUROS) teletravail[key] = number(form, `teletravail.${key}`);
  teletravail.reservation_url = text(form, "teletravail.reservation_url");
  const access = form.elements["teletravail.acces_24_7"].value;
  teletravail.acces_24_7 = access === "" ? null : access === "true";
  teletravail.publics = checked(form, "teletravail.publics");
  out.teletravail = { ...Object.fromEntries(TELEWORK.map((k) => [k, null])), ...teletravail };
  out.images = form.elements.images.value.split("\n").map((s) => s.trim()).filter(Boolean);
  out.fermetures = readClosures(form);
  out.identifiants = Object.fromEntries(IDENTIFIERS.map(([k]) => [k, text(form, `identifiants.${k}`)]));
  return out;
}

async function build(form, v, data) {
  const d = data || { statut: "ouvert", types: [], services: [], teletravail: { publics: [] }, images: [] };
  const t = d.teletravail || {};
  const num = (name, value, attrs) => input(name, value ?? "", { inputmode: "decimal", ...attrs });
  const general = h("fieldset", { class: "bloc" }, h("legend", {}, "Le lieu"),
    field("nom", "Nom (obligatoire)", input("nom", d.nom, { required: true, maxlength: 200, autocomplete: "off" })),
    field("description", "Description", textarea("description", d.description, { maxlength: 10000 })),
    field("statut", "Statut (obligatoire)", select("statut", v.statuts, d.statut)),
    field("ouverture_prevue", "Ouverture prévue (lieu en projet)", input("ouverture_prevue", d.ouverture_prevue, { type: "date" })),
    field("projet", "Nature du projet", select("projet", v.projets, d.projet, { empty: "(aucun)" })),
    h("div", { class: "champ", dataset: { pour: "mise_en_reseau" } },
      h("label", { for: "champ-mise_en_reseau", class: "case" },
        h("input", { type: "checkbox", id: "champ-mise_en_reseau", name: "mise_en_reseau", checked: !!d.mise_en_reseau }),
        " Projet de mise en réseau"),
      h("p", { class: "erreur-champ", hidden: true })),
    checkboxes("types", "Types de lieu", v.types, d.types),
    checkboxes("services", "Services", v.services, d.services));
  const address = h("fieldset", { class: "bloc" }, h("legend", {}, "Adresse et position"),
    field("adresse", "Adresse", input("adresse", d.adresse, { autocomplete: "street-address", maxlength: 300 })),
    field("code_postal", "Code postal", input("code_postal", d.code_postal, { inputmode: "numeric", maxlength: 5, autocomplete: "postal-code" })),
    field("commune", "Commune", input("commune", d.commune, { maxlength: 120 })),
    field("code_insee", "Code INSEE de la commune", input("code_insee", d.code_insee, { maxlength: 5 })),
    field("departement", "Département (obligatoire)", select("departement", v.departements.map((x) => ({ code: x.code, libelle: `${x.code} – ${x.nom}` })), d.departement || "31")));
  form.append(general, address);
  address.append(positionField(form, d.position));
  const telework = h("fieldset", { class: "bloc" }, h("legend", {}, "Offre de télétravail"),
    h("div", { class: "grille" },
      field("teletravail.postes", "Postes partagés", num("teletravail.postes", t.postes, { inputmode: "numeric" })),
      field("teletravail.bureaux_prives", "Bureaux privés", num("teletravail.bureaux_prives", t.bureaux_prives, { inputmode: "numeric" })),
      field("teletravail.salles_reunion", "Salles de réunion", num("teletravail.salles_reunion", t.salles_reunion, { inputmode: "numeric" })),
      field("teletravail.prix_demi_journee", "Prix demi-journée (€)", num("teletravail.prix_demi_journee", t.prix_demi_journee)),
      field("teletravail.prix_journee", "Prix journée (€)", num("teletravail.prix_journee", t.prix_journee)),
      field("teletravail.prix_mois", "Prix mois (€)", num("teletravail.prix_mois", t.prix_mois)),
      field("teletravail.debit_internet_mbps", "Débit internet (Mbit/s)", num("teletravail.debit_internet_mbps", t.debit_internet_mbps, { inputmode: "numeric" })),
      field("teletravail.acces_24_7", "Accès 24 h/24, 7 j/7", select("teletravail.acces_24_7",
        [{ code: "true", libelle: "Oui" }, { code: "false", libelle: "Non" }],
        t.acces_24_7 === true ? "true" : t.acces_24_7 === false ? "false" : "", { empty: "(non précisé)" }))),
    field("teletravail.reservation_url", "Adresse de réservation (https://…)", input("teletravail.reservation_url", t.reservation_url, { type: "url" })),
    checkboxes("teletravail.publics", "Publics accueillis", v.publics, t.publics));
  const contact = h("fieldset", { class: "bloc" }, h("legend", {}, "Horaires et contact"),
    hoursField(d.horaires),
    field("email", "Courriel", input("email", d.email, { type: "email", autocomplete: "email" })),
    field("telephone", "Téléphone", input("telephone", d.telephone, { type: "tel", autocomplete: "tel" }), "Par exemple 05 61 00 00 00"),
    field("site_web", "Site web (https://…)", input("site_web", d.site_web, { type: "url" })),
    field("accessibilite", "Accessibilité", textarea("accessibilite", d.accessibilite, { maxlength: 2000, rows: 2 })),
    field("images", "Images (une adresse https:// par ligne, 10 au plus)", textarea("images", (d.images || []).join("\n"), { rows: 2 })));
  const ids = d.identifiants || {};
  const registries = h("fieldset", { class: "bloc" }, h("legend", {}, "Identifiants dans d'autres registres"),
    h("div", { class: "grille" }, IDENTIFIERS.map(([key, labelText, attrs]) => field(`identifiants.${key}`, labelText,
      input(`identifiants.${key}`, ids[key], { autocomplete: "off", ...attrs })))));
  form.append(telework, contact, closuresField(d.fermetures), registries);
}

export const PLACES = {
  path: "/lieux", route: "/lieux", titleField: "nom", nested: ["teletravail", "identifiants"],
  newTitle: "Nouveau lieu", editTitle: "Modifier", createLabel: "Créer le lieu",
  newHint: "Le lieu appartiendra à votre organisation et attendra la validation de l'équipe d'animation.",
  createdMessage: "Lieu créé : il attend la validation de l'équipe d'animation.",
  archiveConfirm: "Archiver ce lieu ? Il disparaîtra des vues publiques ; son historique est conservé.",
  archivedMessage: "Lieu archivé.",
  toWrite, read, build,
  state: (place, v) => `Modération : ${label(v.moderation, place.moderation)}`,
  readOnly: (place) => (place.moderation === "archive" ? "archivé : lecture seule, un animateur peut le republier" : null),
};

export const editPlace = (main, id) => editScreen(main, PLACES, id);
export const placeHistory = (main, id) => historyScreen(main, PLACES, id);

// "Mes lieux": GET /v1/moi/lieux (every state). Admins see every organisation's.
export async function myPlaces(main, v) {
  clear(main);
  main.append(h("h1", { tabindex: "-1" }, "Mes lieux"),
    h("p", {}, h("a", { href: "#/lieux/nouveau", class: "bouton principal" }, "Créer un lieu")));
  const page = (await get("/moi/lieux?limit=50")).body;
  if (!page.items.length) {
    main.append(h("p", {}, "Aucun lieu pour l'instant. Créez-en un, ou revendiquez une fiche existante."));
  } else {
    const row = (item) => h("tr", {},
        h("th", { scope: "row" }, h("a", { href: `#/lieux/${item.id}` }, item.titre)),
        h("td", {}, (item.departements || []).join(", ")),
        h("td", {}, h("span", { class: `pastille etat-${item.etat}` }, label(v.moderation, item.etat)),
          item.en_moderation ? h("span", { class: "note" }, " · en attente de l'équipe") : null,
          item.motif ? h("span", { class: "note" }, ` · motif : ${item.motif}`) : null),
        h("td", {}, formatDate(item.maj_le)),
        h("td", {}, h("a", { href: `#/lieux/${item.id}/historique` }, "Historique", h("span", { class: "visuellement-cache" }, ` de ${item.titre}`))));
    const rows = h("tbody", {}, page.items.map(row));
    main.append(h("table", { class: "liste" },
      h("caption", {}, `${page.total} lieu${page.total > 1 ? "x" : ""}`),
      h("thead", {}, h("tr", {}, ["Lieu", "Département", "Modération", "Mis à jour", "Actions"].map((c) => h("th", { scope: "col" }, c)))),
      rows), moreButton(page, (items) => appendRows(rows, items.map(row)), "lieux"));
  }
  main.querySelector("h1").focus();
}

export function isMissingRoute(error) {
  return error instanceof ApiError && error.status === 404 && /^No resource at/.test(error.message);
}

export { currentMember };
