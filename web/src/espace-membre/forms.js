// Form fields with their label, hint and error slot, and the API's 422 errors shown beside them.
import { h, clear } from "./dom.js";

let counter = 0;
const idFor = (name) => "champ-" + name.replace(/[^a-z0-9_]/gi, "-");

// A labelled control. `name` is the API field path ("teletravail.prix_journee"): the error pointer
// "/teletravail/prix_journee" finds it.
export function field(name, labelText, control, hint) {
  const id = control.id || idFor(name);
  control.id = id;
  control.dataset.champ = name;
  const hintEl = hint ? h("p", { class: "aide", id: `${id}-aide` }, hint) : null;
  const error = h("p", { class: "erreur-champ", id: `${id}-erreur`, hidden: true });
  control.setAttribute("aria-describedby", [hintEl ? hintEl.id : null, error.id].filter(Boolean).join(" "));
  return h("div", { class: "champ", dataset: { pour: name } }, h("label", { for: id }, labelText), hintEl, control,
    error);
}

export function input(name, value, attrs = {}) {
  return h("input", { type: "text", name, value: value ?? "", ...attrs });
}

export function textarea(name, value, attrs = {}) {
  const el = h("textarea", { name, rows: 4, ...attrs });
  el.value = value ?? "";
  return el;
}

export function select(name, options, value, { empty } = {}) {
  const el = h("select", { name },
    empty !== undefined ? h("option", { value: "" }, empty) : null,
    options.map((o) => h("option", { value: o.code, selected: o.code === value }, o.libelle || o.nom)));
  return el;
}

// A group of checkboxes in a fieldset (legend = the question).
export function checkboxes(name, legend, options, values) {
  counter += 1;
  const chosen = new Set(values || []);
  const error = h("p", { class: "erreur-champ", id: `${idFor(name)}-erreur`, hidden: true });
  return h("fieldset", { class: "champ cases", dataset: { pour: name, champ: name }, id: idFor(name),
                         "aria-describedby": error.id },
    h("legend", {}, legend),
    h("div", { class: "cases-liste" }, options.map((o, i) => {
      const id = `${idFor(name)}-${i}-${counter}`;
      return h("label", { for: id, class: "case" },
        h("input", { type: "checkbox", id, name, value: o.code, checked: chosen.has(o.code) }), " ", o.libelle || o.nom);
    })),
    error);
}

export const checked = (form, name) =>
  [...form.querySelectorAll(`input[type=checkbox][name="${name}"]`)].filter((c) => c.checked).map((c) => c.value);

// Errors of a 422 problem: each next to its field (the longest field path its pointer starts with), the
// rest in the form's summary. Returns how many were shown; focuses the summary.
export function showErrors(form, problem) {
  clearErrors(form);
  const summary = form.querySelector(".erreurs");
  const entries = (problem && problem.errors) || [];
  const fields = [...form.querySelectorAll("[data-pour]")].map((el) => el.dataset.pour)
    .sort((a, b) => b.length - a.length);
  const items = [];
  for (const entry of entries) {
    const path = (entry.pointer || entry.name || "").replace(/^\//, "").split("/").join(".");
    const name = fields.find((f) => path === f || path.startsWith(f + "."));
    const text = entry.detail || "valeur invalide";
    if (name) {
      const box = form.querySelector(`[data-pour="${name}"]`);
      const slot = box.querySelector(".erreur-champ");
      slot.hidden = false;
      slot.textContent = slot.textContent ? `${slot.textContent} ; ${text}` : text;
      box.classList.add("en-erreur");
      const control = box.querySelector("input, select, textarea");
      if (control) control.setAttribute("aria-invalid", "true");
      items.push(h("li", {}, h("a", { href: `#${control ? control.id : ""}`, dataset: { cible: control ? control.id : "" } },
        `${name} : ${text}`)));
    } else {
      items.push(h("li", {}, text));
    }
  }
  if (!entries.length && problem) items.push(h("li", {}, problem.detail || "Erreur"));
  summary.hidden = false;
  summary.append(h("h2", { tabindex: "-1" }, "L'API a refusé l'enregistrement"), h("ul", {}, items));
  summary.querySelectorAll("a[data-cible]").forEach((a) => a.addEventListener("click", (event) => {
    event.preventDefault();
    const target = document.getElementById(a.dataset.cible);
    if (target) target.focus();
  }));
  summary.querySelector("h2").focus();
  return entries.length;
}

export function clearErrors(form) {
  const summary = form.querySelector(".erreurs");
  if (summary) {
    clear(summary);
    summary.hidden = true;
  }
  form.querySelectorAll(".en-erreur").forEach((el) => el.classList.remove("en-erreur"));
  form.querySelectorAll(".erreur-champ").forEach((el) => { el.hidden = true; el.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
}

export const errorSummary = () => h("div", { class: "erreurs", role: "alert", hidden: true });
