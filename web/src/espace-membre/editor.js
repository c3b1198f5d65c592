// What editing a place and editing a good practice share, written once: load the record with its ETag,
// save only what changed (JSON Merge Patch with If-Match), 422 errors beside the fields, 412 resolved by
// showing what changed meanwhile and reapplying the member's change, archive, history, restore.
//
// A resource declares: path ("/lieux"), noun strings, toWrite(record) (the editable fields),
// build(form, vocab, data) (appends the fields), read(form) (the fields' values), state(record).
import { ApiError, allItems, call, get, moreButton, vocab } from "./api.js";
import { currentMember } from "./auth.js";
import { announce, appendRows, changesTable, clear, formatDate, h } from "./dom.js";
import { clearErrors, errorSummary, field, select, showErrors } from "./forms.js";

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// RFC 7396 patch turning `before` into `after`; nested objects (one level) merge field by field.
export function mergeDiff(before, after, nested = []) {
  const patch = {};
  for (const key of Object.keys(after)) {
    if (nested.includes(key) && after[key] && before[key]) {
      const sub = {};
      for (const k of Object.keys(after[key])) if (!same(before[key][k], after[key][k])) sub[k] = after[key][k] ?? null;
      if (Object.keys(sub).length) patch[key] = sub;
    } else if (!same(before[key], after[key])) {
      patch[key] = after[key] ?? null;
    }
  }
  return patch;
}

// {field: [before, after]} for display, nested fields as "parent.field".
export function flatChanges(before, after, nested = []) {
  const out = {};
  for (const key of new Set([...Object.keys(before || {}), ...Object.keys(after || {})])) {
    if (nested.includes(key)) {
      const b = before[key] || {}, a = after[key] || {};
      for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) if (!same(b[k], a[k])) out[`${key}.${k}`] = [b[k], a[k]];
    } else if (!same(before[key], after[key])) {
      out[key] = [before[key], after[key]];
    }
  }
  return out;
}

// Admins create on behalf of an organisation (`?organisation=`), or for the network (no owner: a member
// organisation may claim it later).
async function ownerField() {
  const orgs = await allItems("/organisations?limit=100");
  const control = select("organisation", orgs.items.map((o) => ({ code: o.id, libelle: o.nom })), "",
    { empty: "Aucune : fiche du réseau, revendicable" });
  return { control, field: h("fieldset", { class: "bloc" }, h("legend", {}, "Propriétaire"),
    field("organisation", "Organisation propriétaire", control,
      orgs.complete ? "Ses membres pourront modifier la fiche." : `Seules les ${orgs.items.length} premières organisations sont proposées.`)) };
}

function heading(main, text) {
  const title = h("h1", { tabindex: "-1" }, text);
  main.append(title);
  return title;
}

export async function editScreen(main, resource, id) {
  const v = await vocab();
  const creating = !id;
  let record = null, etag = null, original = null;
  if (!creating) {
    ({ body: record, etag } = await get(`${resource.path}/${encodeURIComponent(id)}`));
    original = resource.toWrite(record);
  }
  clear(main);
  heading(main, creating ? resource.newTitle : `${resource.editTitle} : ${record[resource.titleField]}`);
  const status = h("p", { class: "etat-fiche", id: "etat-fiche" });
  const conflict = h("section", { class: "conflit", id: "conflit", hidden: true, "aria-labelledby": "conflit-titre" });
  const form = h("form", { class: "fiche", novalidate: true, method: "post", action: "#" }, errorSummary());
  const actions = h("div", { class: "actions" },
    h("button", { type: "submit", class: "principal" }, creating ? resource.createLabel : "Enregistrer"));
  main.append(status, conflict, form);

  function showState() {
    if (creating) {
      status.textContent = resource.newHint;
      return;
    }
    status.textContent = `${resource.state(record, v)} · version ${record.version} · mise à jour ${formatDate(record.maj_le)}`;
  }

  await resource.build(form, v, record ? resource.toWrite(record) : null, record);
  const owner = creating && currentMember() && currentMember().role === "admin" ? await ownerField() : null;
  if (owner) form.append(owner.field);
  form.append(actions);
  if (!creating) {
    actions.append(
      h("a", { href: `#${resource.route}/${record.id}/historique`, class: "bouton" }, "Historique"),
      h("button", { type: "button", class: "danger", onclick: archive }, "Archiver"));
    const me = currentMember();
    if (me && me.role === "admin") form.after(moderationBox());
  }
  showState();
  if (record && resource.readOnly && resource.readOnly(record)) {
    status.textContent += ` · ${resource.readOnly(record)}`;
  }

  async function save(patch, tag) {
    return call("PATCH", `${resource.path}/${record.id}`, { body: patch, etag: tag, contentType: "application/merge-patch+json" });
  }

  function adopt(result) {
    record = result.body;
    etag = result.etag;
    original = resource.toWrite(record);
    showState();
  }

  async function onConflict(patch) {
    const latest = await get(`${resource.path}/${record.id}`);
    const meanwhile = flatChanges(original, resource.toWrite(latest.body), resource.nested);
    clear(conflict);
    conflict.hidden = false;
    const title = h("h2", { id: "conflit-titre", tabindex: "-1" },
      `Modifié entre-temps : la fiche est passée à la version ${latest.body.version}`);
    conflict.append(title,
      h("p", {}, "Quelqu'un a enregistré une autre version pendant que vous éditiez. Rien n'a été écrasé."),
      changesTable(meanwhile, "Ce qui a changé entre-temps"),
      changesTable(flatChanges(original, { ...original, ...mergeOnto(original, patch) }, resource.nested), "Vos modifications"),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "principal", id: "reappliquer", onclick: async () => {
          try {
            const saved = await save(patch, latest.etag);
            await editScreen(main, resource, record.id);
            announce(`Vos modifications ont été réappliquées (version ${saved.body.version}).`, "succes");
          } catch (error) {
            await failure(error, patch);
          }
        } }, "Réappliquer mes modifications sur la version actuelle"),
        h("button", { type: "button", onclick: () => editScreen(main, resource, record.id) },
          "Abandonner mes modifications")));
    title.focus();
  }

  async function failure(error, patch) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 422) {
      showErrors(form, error.problem);
      announce("Enregistrement refusé : voir les erreurs indiquées.", "erreur");
    } else if (error.status === 412) {
      announce("Conflit : la fiche a changé entre-temps.", "erreur");
      await onConflict(patch);
    } else {
      showErrors(form, { errors: [], detail: error.message });
      announce(error.message, "erreur");
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const values = resource.read(form, v);
    if (creating) {
      try {
        const chosen = owner && owner.control.value;
        const path = chosen ? `${resource.path}?organisation=${encodeURIComponent(chosen)}` : resource.path;
        const created = await call("POST", path, { body: values });
        location.hash = `#${resource.route}/${created.body.id}`;
        announce(resource.createdMessage, "succes");
      } catch (error) {
        await failure(error, null);
      }
      return;
    }
    const patch = mergeDiff(original, values, resource.nested);
    if (!Object.keys(patch).length) {
      announce("Aucune modification à enregistrer.");
      return;
    }
    try {
      adopt(await save(patch, etag));
      announce(`Enregistré : version ${record.version}.`, "succes");
    } catch (error) {
      await failure(error, patch);
    }
  });

  // Admins decide on the version they are looking at (its ETag), as from the moderation queue.
  function moderationBox() {
    const reason = h("textarea", { id: "motif-fiche", rows: 2, maxlength: 2000 });
    const box = h("section", { class: "bloc", "aria-labelledby": "moderation-fiche" },
      h("h2", { id: "moderation-fiche" }, "Modération"),
      h("label", { for: "motif-fiche" }, "Motif (obligatoire pour rejeter, montré au membre)"), reason,
      h("p", { class: "erreur-champ", id: "moderation-erreur", role: "alert", hidden: true }));
    const decide = (decision) => async () => {
      const motif = reason.value.trim();
      const error = box.querySelector("#moderation-erreur");
      error.hidden = true;
      try {
        adopt(await call("POST", `${resource.path}/${record.id}/moderation`,
          { body: motif ? { decision, motif } : { decision }, etag }));
        reason.value = "";
        announce(decision === "publier" ? `Publié : ${record[resource.titleField]}.` : `Rejeté : ${record[resource.titleField]}.`, "succes");
      } catch (failure) {
        error.hidden = false;
        error.textContent = failure.problem && failure.problem.errors
          ? failure.problem.errors.map((e) => e.detail).join(" ; ") : failure.message;
      }
    };
    box.append(h("div", { class: "actions" },
      h("button", { type: "button", class: "principal", id: "publier-fiche", onclick: decide("publier") }, "Publier cette version"),
      h("button", { type: "button", class: "danger", id: "rejeter-fiche", onclick: decide("rejeter") }, "Rejeter")));
    return box;
  }

  async function archive() {
    if (!window.confirm(resource.archiveConfirm)) return;
    try {
      adopt(await call("DELETE", `${resource.path}/${record.id}`, { etag }));
      announce(resource.archivedMessage, "succes");
    } catch (error) {
      await failure(error, null);
    }
  }
  main.querySelector("h1").focus();
}

function mergeOnto(target, patch) {
  const out = { ...target };
  for (const [k, value] of Object.entries(patch)) {
    out[k] = value && typeof value === "object" && !Array.isArray(value) && target[k] ? { ...target[k], ...value } : value;
  }
  return out;
}

export async function historyScreen(main, resource, id) {
  const [{ body: record, etag }, { body: page }] = await Promise.all([
    get(`${resource.path}/${encodeURIComponent(id)}`), get(`${resource.path}/${encodeURIComponent(id)}/historique`),
  ]);
  const admin = currentMember() && currentMember().role === "admin";
  clear(main);
  heading(main, `Historique : ${record[resource.titleField]}`);
  main.append(h("p", {}, h("a", { href: `#${resource.route}/${record.id}` }, "Retour à la fiche"),
    ` · version actuelle ${record.version}`));
  const list = h("ol", { class: "historique", reversed: true });
  const entry = (rev) => {
    const author = rev.auteur.cle ? `clé ${rev.auteur.cle} (${rev.auteur.role})` : "ligne de commande ou import";
    const item = h("li", {},
      h("h2", {}, `Version ${rev.version} · ${rev.action} · ${formatDate(rev.date)}`),
      h("p", {}, `Par ${author} · état : ${rev.moderation || rev.statut || ""}`, rev.motif ? ` · motif : ${rev.motif}` : ""),
      changesTable(rev.changements));
    if (admin && rev.version !== record.version) {
      item.append(h("button", { type: "button", onclick: async () => {
        if (!window.confirm(`Restaurer le contenu de la version ${rev.version} ?`)) return;
        try {
          const restored = await call("POST", `${resource.path}/${record.id}/historique/${rev.version}/restauration`, { etag });
          announce(`Version ${rev.version} restaurée (nouvelle version ${restored.body.version}).`, "succes");
          await historyScreen(main, resource, id);
        } catch (error) {
          announce(error.message, "erreur");
        }
      } }, `Restaurer la version ${rev.version}`));
    }
    return item;
  };
  list.append(...page.items.map(entry));
  main.append(list, moreButton(page, (items) => appendRows(list, items.map(entry)), "versions") || "");
  main.querySelector("h1").focus();
}
