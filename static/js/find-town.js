/* "Find my town": suggestions as you type for the search boxes marked data-suggest (templates/towns/_find_town.html).

   The box stays a plain GET form (it works without JavaScript); this file makes it an ARIA 1.2 combobox with a
   list of suggestions (the WAI-ARIA Authoring Practices "list autocomplete" pattern):
   - typing two characters or more asks GET <data-suggest>?q=…&lang=… (at most 8 towns, best first);
   - Down / Up move through the suggestions (aria-activedescendant: the focus stays in the box), Enter opens the
     town shown, Escape closes the list (a second Escape clears the box), Enter with no suggestion chosen
     submits the form (the results page);
   - a click (or tap) on a suggestion opens the town (or, with data-suggest-fill="insee", writes it in the box).
   No library, no inline code (CSP script-src 'self'). */
(function () {
  "use strict";

  var MIN_CHARS = 2;
  var DELAY_MS = 150;

  function setUp(input) {
    var form = input.form;
    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "find-town-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels.length ? input.labels[0].textContent : "");
    list.hidden = true;
    input.parentNode.appendChild(list);
    // How many suggestions there are, said by screen readers (the list itself is not read until entered).
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var towns = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    // A box marked data-suggest-fill="insee" (a form field, e.g. the support request's town) takes the town picked
    // as "Name (INSEE code)", which the server reads back; the others open the town's page.
    function pick(town) {
      if (input.dataset.suggestFill === "insee") {
        input.value = town.name + " (" + town.insee_code + ")";
        asked = input.value.trim();
        close();
        status.textContent = "";
      } else {
        window.location.assign(town.url);
      }
    }

    function highlight(position) {
      var options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = position;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(found) {
      towns = found;
      list.replaceChildren();
      active = -1;
      towns.forEach(function (town, position) {
        var option = document.createElement("li");
        option.id = listId + "-" + position;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "find-town-name";
        name.textContent = town.name;
        var where = document.createElement("span");
        where.className = "find-town-where";
        var details = town.department_name + " (" + town.department + ")";
        if (town.postal_codes) details += " · " + town.postal_codes;
        if (town.is_pvd) details += " · " + (input.dataset.suggestPvd || "PVD");
        where.textContent = details;
        option.append(name, " ", where);
        // mousedown, not click: the box keeps the focus, so its blur does not close the list first.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(town);
        });
        list.appendChild(option);
      });
      status.textContent = (input.dataset.suggestCount || "{count}").replace("{count}", String(towns.length));
      if (towns.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function ask(query) {
      if (controller) controller.abort();
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var lang = document.documentElement.lang || "fr";
      var url = input.dataset.suggest + "?q=" + encodeURIComponent(query) + "&lang=" + encodeURIComponent(lang);
      fetch(url, { headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) {
          if (input.value.trim() === query) show(Array.isArray(found) ? found : []);
        })
        .catch(function () { /* aborted by a newer query, or offline: the form still works */ });
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
      window.clearTimeout(timer);
      if (query.length < MIN_CHARS) {
        asked = "";
        status.textContent = "";
        close();
        return;
      }
      if (query === asked) return;
      timer = window.setTimeout(function () {
        asked = query;
        ask(query);
      }, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && towns.length > 0;
      if (event.key === "ArrowDown" || event.key === "Down") {
        if (!towns.length) return;
        event.preventDefault();
        if (!open) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight(active + 1 < towns.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        if (!open) return;
        event.preventDefault();
        highlight(active > 0 ? active - 1 : towns.length - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          pick(towns[active]);
        }
      } else if (event.key === "Escape" || event.key === "Esc") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          input.value = "";
          asked = "";
        }
      }
    });

    input.addEventListener("blur", close);
    if (form) form.addEventListener("submit", close);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
