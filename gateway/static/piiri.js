/* Piiri web UI: the header's menus and global search (issue 13 item 1). Plain JavaScript, no build step;
   served from gateway/static like piiri.css (static_url adds the content hash). Progressive enhancement:
   without it every top-level menu is a link to its area's first page, the sub-menus open on hover and
   focus (CSS), the mobile menu is always open and the search is a plain form to the contact list.

   - Menus (base.html, templates/_menu.html): each [data-menu] gets a disclosure button (aria-expanded,
     aria-controls) in place of its link; Escape closes and returns focus, Up/Down move in an open menu,
     a click elsewhere or focus leaving closes it. At ≤ 800 px one "Menu" button shows the areas.
   - Global search (global_search/_box.html): an ARIA 1.2 combobox with a listbox of suggestions from
     /search/suggestions (JSON); "/" focuses it when no other field has the keyboard; Up/Down choose,
     Enter opens the chosen person (/contacts/<id>), Enter without a choice searches the contact list,
     Escape closes the suggestions (a second Escape empties the box).
   - List selection (templates/_list.html, issue 13 item 4): "select all on this page" in the table's head,
     the counter (a live region), the offer of "all N results" once the whole page is ticked, the actions
     shown only with a selection, compare enabled for exactly two rows. Without it each row is ticked by
     itself and "all N results" is a plain checkbox.
   - Searchable picker: a box above a select that filters its options by name as one types.
   - Person picker: a combobox of the header's suggestions that puts the chosen person's id in a form. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function onReady(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  /* --- menus ------------------------------------------------------------------------------------- */

  var menus = [];

  function closeMenu(menu, focusButton) {
    if (menu.button.getAttribute("aria-expanded") !== "true") return;
    menu.button.setAttribute("aria-expanded", "false");
    menu.list.hidden = true;
    menu.item.classList.remove("open");
    if (focusButton) menu.button.focus();
  }

  function openMenu(menu) {
    menus.forEach(function (other) {
      if (other !== menu) closeMenu(other, false);
    });
    menu.button.setAttribute("aria-expanded", "true");
    menu.list.hidden = false;
    menu.item.classList.add("open");
  }

  function menuLinks(menu) {
    return Array.prototype.slice.call(menu.list.querySelectorAll("a, button"));
  }

  function setUpMenu(item) {
    var link = item.querySelector(".menu-top");
    var list = item.querySelector(".submenu");
    if (!link || !list || link.tagName !== "A") return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.id = link.id;
    button.textContent = link.textContent;
    ["aria-current", "aria-label"].forEach(function (name) {
      if (link.hasAttribute(name)) button.setAttribute(name, link.getAttribute(name));
    });
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", list.id);
    link.replaceWith(button);
    list.hidden = true;
    var menu = { item: item, button: button, list: list };
    menus.push(menu);

    button.addEventListener("click", function () {
      if (button.getAttribute("aria-expanded") === "true") {
        closeMenu(menu, false);
      } else {
        openMenu(menu);
      }
    });
    button.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        openMenu(menu);
        var links = menuLinks(menu);
        if (links.length) links[event.key === "ArrowDown" ? 0 : links.length - 1].focus();
      }
    });
    list.addEventListener("keydown", function (event) {
      var links = menuLinks(menu);
      var index = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        links[(index + step + links.length) % links.length].focus();
      } else if (event.key === "Home" || event.key === "End") {
        event.preventDefault();
        links[event.key === "Home" ? 0 : links.length - 1].focus();
      }
    });
    item.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        event.preventDefault();
        closeMenu(menu, true);
      }
    });
    item.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !item.contains(event.relatedTarget)) closeMenu(menu, false);
    });
  }

  function setUpMobileMenu() {
    var toggle = document.getElementById("menu-toggle");
    var header = document.getElementById("topbar");
    if (!toggle || !header) return;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true" && !event.defaultPrevented) {
        toggle.setAttribute("aria-expanded", "false");
        header.classList.remove("menu-open");
        toggle.focus();
      }
    });
  }

  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (!menu.item.contains(event.target)) closeMenu(menu, false);
    });
  });

  /* --- global search ----------------------------------------------------------------------------- */

  var DELAY_MS = 150;
  var MIN_CHARS = 2;

  function isTypingField(element) {
    if (!element || element === document.body) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function suggestions(url, query) {
    /* The suggestions endpoint's JSON for ``query`` (the header's search and the person picker). */
    return fetch(url + "?" + new URLSearchParams({ q: query }).toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") !== 0) throw new Error(String(response.status));
      return response.json();
    });
  }

  function suggestionText(li, name, detail) {
    /* A suggestion's name and details (e-mail, phone, city) in a listbox option. */
    var title = document.createElement("span");
    title.className = "global-search-name";
    title.textContent = name;
    li.appendChild(title);
    if (detail && detail.length) {
      var more = document.createElement("span");
      more.className = "global-search-detail";
      detail.forEach(function (text) {
        var part = document.createElement("span");
        part.textContent = text;
        more.appendChild(part);
      });
      li.appendChild(more);
    }
  }

  function setUpSearch(form) {
    var input = form.querySelector("[role=combobox]");
    var list = form.querySelector("[role=listbox]");
    var status = form.querySelector("[role=status]");
    var url = form.getAttribute("data-suggest-url");
    if (!input || !list || !url) return;
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    var shownFor = null;

    function close() {
      asked++; // an answer still on its way is not shown any more
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      shownFor = null;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(index) {
      options.forEach(function (option, at) {
        option.setAttribute("aria-selected", at === index ? "true" : "false");
        option.classList.toggle("active", at === index);
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function option(id, url, name, detail, extraClass) {
      var li = document.createElement("li");
      li.id = id;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-url", url);
      li.className = "global-search-option" + (extraClass ? " " + extraClass : "");
      suggestionText(li, name, detail);
      li.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the box until we leave the page
      });
      li.addEventListener("click", function () {
        window.location.assign(url);
      });
      return li;
    }

    function show(query, body) {
      list.textContent = "";
      options = body.items.map(function (item, index) {
        return option("global-search-option-" + index, item.url, item.name, item.detail, "");
      });
      if (!body.items.length) {
        var none = document.createElement("li");
        none.className = "global-search-none";
        none.setAttribute("role", "presentation");
        none.textContent = body.status;
        list.appendChild(none);
      }
      options.push(option("global-search-all", body.all.url, body.all.label, [], "global-search-all"));
      options.forEach(function (li) {
        list.appendChild(li);
      });
      shownFor = query;
      active = -1;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      input.removeAttribute("aria-activedescendant");
      status.textContent = body.status;
    }

    function ask() {
      var query = input.value.trim();
      if (query.length < MIN_CHARS) {
        close();
        status.textContent = "";
        return;
      }
      if (query === shownFor) return;
      var number = ++asked;
      suggestions(url, query)
        .then(function (body) {
          if (number === asked && document.activeElement === input && input.value.trim() === query) {
            show(query, body);
          }
        })
        .catch(function () {
          if (number === asked) close(); // the box stays a plain search of the contact list
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("focus", function () {
      if (input.value.trim().length >= MIN_CHARS) ask();
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) {
          shownFor = null;
          ask();
          return;
        }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= options.length) next = 0;
        if (next < -1) next = options.length - 1;
        if (active === -1 && step === -1) next = options.length - 1;
        choose(next);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          window.location.assign(options[active].getAttribute("data-url"));
        }
        // otherwise the form searches the contact list (?q=)
      } else if (event.key === "Escape") {
        event.preventDefault();
        if (open) {
          close();
        } else {
          input.value = "";
          status.textContent = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingField(event.target) || event.defaultPrevented) return;
      event.preventDefault();
      input.focus();
      input.select();
    });
  }

  // The advanced search (issue 13 item 6): a row's value box offers the words of the field chosen
  // (the page's <datalist id="as-values-<field>">); a field without such words offers none.
  function setUpValueWords(select) {
    var input = document.getElementById(select.getAttribute("data-values-input"));
    if (!input) return;
    select.addEventListener("change", function () {
      var list = document.getElementById("as-values-" + select.value);
      if (list) {
        input.setAttribute("list", list.id);
      } else {
        input.removeAttribute("list");
      }
    });
  }

  /* --- list selection (templates/_list.html selection_bar) ------------------------------------------ */

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function setUpSelection(form) {
    var rows = Array.prototype.slice.call(
      document.querySelectorAll("input[data-select-row][form='" + form.id + "']")
    );
    var pageBox = document.querySelector("input[data-select-page][aria-describedby='" + form.id + "-count']");
    var allBox = form.querySelector("input[data-select-all]");
    var offer = form.querySelector("[data-select-all-offer]");
    var counter = document.getElementById(form.id + "-count");
    var actions = form.querySelector("[data-selection-actions]");
    var compare = form.querySelector("[data-needs-two]");
    var total = parseInt(form.getAttribute("data-total"), 10) || 0;
    var lastText = counter.textContent.trim();
    if (pageBox) pageBox.closest("[data-select-page-wrap]").hidden = false;

    function update() {
      var ticked = rows.filter(function (box) { return box.checked; }).length;
      var all = !!(allBox && allBox.checked && ticked === rows.length);
      if (allBox && !all) allBox.checked = false;
      if (pageBox) {
        pageBox.checked = ticked > 0 && ticked === rows.length;
        pageBox.indeterminate = ticked > 0 && ticked < rows.length;
      }
      // The offer of all N results follows "select all on this page" (and stays while it is taken).
      if (offer) offer.hidden = !(ticked === rows.length && rows.length > 0);
      var text;
      if (all) text = form.getAttribute("data-text-all");
      else if (ticked) text = fill(form.getAttribute("data-text-some"), { n: ticked });
      else text = form.getAttribute("data-text-none");
      if (text !== lastText) {
        counter.textContent = text;
        lastText = text;
      }
      var some = ticked > 0;
      form.classList.toggle("has-selection", some);
      actions.hidden = !some;
      if (compare) compare.disabled = all || ticked !== 2;
    }

    rows.forEach(function (box) { box.addEventListener("change", update); });
    if (pageBox) {
      pageBox.addEventListener("change", function () {
        rows.forEach(function (box) { box.checked = pageBox.checked; });
        if (allBox && !pageBox.checked) allBox.checked = false;
        update();
      });
    }
    if (allBox) {
      allBox.addEventListener("change", function () {
        if (allBox.checked) rows.forEach(function (box) { box.checked = true; });
        update();
      });
    }
    form.addEventListener("submit", function (event) {
      var ticked = rows.some(function (box) { return box.checked; });
      if (!ticked && !(allBox && allBox.checked)) {
        event.preventDefault();
        counter.textContent = form.getAttribute("data-text-none");
      }
    });
    form.classList.add("enhanced");
    if (total === 0 && offer) offer.hidden = true;
    update();
  }

  /* --- searchable picker (templates/_list.html picker) ------------------------------------------------ */

  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUpPicker(box) {
    var filter = box.querySelector("[data-picker-filter]");
    var select = box.querySelector("select");
    var found = box.querySelector("[data-picker-found]");
    var options = Array.prototype.slice.call(select.options).filter(function (option) {
      return option.value !== "";
    });
    // A picker right after a radio button's label (birthdays, mailing lists: "members of a group") is that
    // choice's: using it ticks the radio, so a group chosen is not left unused by a forgotten click.
    var before = box.previousElementSibling;
    var radio = before && before.tagName === "LABEL" ? before.querySelector("input[type=radio]") : null;
    if (radio) {
      select.addEventListener("change", function () {
        radio.checked = true;
      });
      filter.addEventListener("input", function () {
        radio.checked = true;
      });
    }
    if (options.length < 2) return; // nothing to search among: the plain select
    filter.hidden = false;
    select.size = Math.min(8, options.length + 1);
    filter.addEventListener("input", function () {
      var wanted = folded(filter.value.trim());
      var shown = options.filter(function (option) {
        var match = !wanted || folded(option.textContent).indexOf(wanted) !== -1;
        option.hidden = !match;
        option.disabled = !match;
        return match;
      });
      var empty = select.querySelector("option[value='']");
      if (empty) empty.hidden = !!wanted; // while filtering, only the groups found are listed
      select.size = Math.max(2, Math.min(8, shown.length + (wanted ? 0 : 1)));
      if (select.selectedOptions.length && select.selectedOptions[0].disabled) select.value = "";
      if (shown.length === 1) select.value = shown[0].value;
      found.textContent = wanted ? fill(found.getAttribute("data-text"), { n: shown.length }) : "";
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        select.focus();
      } else if (event.key === "Enter") {
        event.preventDefault(); // Enter in the filter does not submit the form half-chosen
        select.focus();
      }
    });
  }


  /* --- person picker (templates/_list.html person_picker, issue 13 item 6) ----------------------------- */
  /* A combobox over the header's suggestions (/search/suggestions: by name, e-mail or phone, audited as
     the search is). Up/Down choose, Enter or a click takes the person: their name in the box, their id in
     the hidden input; Escape closes. Typing again leaves the choice to the server's look-up of the text. */

  var pickerCount = 0;

  function setUpPersonPicker(box) {
    var input = box.querySelector("[data-person-text]");
    var idInput = box.querySelector("[data-person-id]");
    var shownInput = box.querySelector("[data-person-shown]");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector("[data-person-status]");
    var url = box.getAttribute("data-suggest-url");
    if (!input || !idInput || !list || !url) return;
    var prefix = "person-pick-" + ++pickerCount + "-";
    var items = [];
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      asked++;
      list.hidden = true;
      list.textContent = "";
      options = [];
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function mark(index) {
      options.forEach(function (option, at) {
        option.setAttribute("aria-selected", at === index ? "true" : "false");
        option.classList.toggle("active", at === index);
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function take(index) {
      var item = items[index];
      input.value = item.name;
      idInput.value = item.id;
      if (shownInput) shownInput.value = item.name;
      close();
      status.textContent = item.name;
    }

    function show(body) {
      list.textContent = "";
      items = body.items;
      options = items.map(function (item, index) {
        var li = document.createElement("li");
        li.id = prefix + index;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.className = "global-search-option";
        suggestionText(li, item.name, item.detail);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // the box keeps the focus
        });
        li.addEventListener("click", function () {
          take(index);
        });
        list.appendChild(li);
        return li;
      });
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "global-search-none";
        none.setAttribute("role", "presentation");
        none.textContent = box.getAttribute("data-text-none");
        list.appendChild(none);
      }
      active = -1;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = body.status;
    }

    function ask() {
      var query = input.value.trim();
      if (query.length < MIN_CHARS) {
        close();
        return;
      }
      var number = ++asked;
      suggestions(url, query)
        .then(function (body) {
          if (number === asked && document.activeElement === input && input.value.trim() === query) show(body);
        })
        .catch(function () {
          if (number === asked) close(); // the box stays a plain input, looked up on saving
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) {
          ask();
          return;
        }
        var next = active + (event.key === "ArrowDown" ? 1 : -1);
        if (next >= options.length) next = 0;
        if (next < 0) next = options.length - 1;
        mark(next);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault(); // Enter takes the person, it does not save the form
          take(active);
        }
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
  }

  onReady(function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-values-input]"), setUpValueWords);
    Array.prototype.forEach.call(document.querySelectorAll("[data-menu]"), setUpMenu);
    setUpMobileMenu();
    var form = document.getElementById("global-search-form");
    if (form) setUpSearch(form);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-selection]"), setUpSelection);
    Array.prototype.forEach.call(document.querySelectorAll("[data-picker]"), setUpPicker);
    Array.prototype.forEach.call(document.querySelectorAll("[data-person-picker]"), setUpPersonPicker);
  });
})();
