/* Piiri web UI: forms that came back with mistakes (issue 13 item 9). Plain JavaScript, no build step;
   progressive enhancement of what the server renders:

   - the error summary (templates/_forms.html error_summary, [data-error-summary]) lists every message of
     the submit, a message of a field as a link to it: each link is pointed at its field (by id, else by
     the field's name in the form), and a field the page did not mark itself gets aria-invalid, its
     message beside it (p.field-error) and aria-describedby to that message; the link's text starts with
     the field's label ("Kohderyhmä: Valitse ryhmä.") unless the message names it;
   - a click on a summary link puts the cursor in the field (opening a closed <details> around it);
   - a posting form does not stop at the browser's first "required" bubble: the server names every
     mistake of the submit at once;
   - on load, the cursor goes to the first invalid field of the page (unless the page's autofocus already
     put it there), else to the summary, so a keyboard or screen reader user starts at the first mistake.

   Without it the summary's links still jump to the fields, and the forms that mark their fields on the
   server (aria-invalid, the message beside the field, autofocus on the first) work the same. */
(function () {
  "use strict";

  var FOCUSABLE = "input:not([type=hidden]), select, textarea, button";

  function onReady(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function control(element) {
    if (!element) return null;
    if (element.matches(FOCUSABLE)) return element;
    return element.querySelector(FOCUSABLE);
  }

  function escapeName(name) {
    return window.CSS && CSS.escape ? CSS.escape(name) : name.replace(/["\\]/g, "\\$&");
  }

  /* The control a summary link means: its href's id, the field's id, or the first control named after
     the field (exactly, with '-' for '.', or starting with it) in the form after the summary. */
  function target(link, summary) {
    var field = link.getAttribute("data-field") || "";
    var hash = decodeURIComponent((link.getAttribute("href") || "").slice(1));
    var scope = summary.parentNode;
    var found =
      control(hash && document.getElementById(hash)) ||
      control(document.getElementById("field-" + field)) ||
      control(document.getElementById(field.replace(/\./g, "-")));
    if (found) return found;
    var names = [field, field.replace(/\./g, "-"), field.split(".")[0]];
    for (var i = 0; i < names.length; i++) {
      if (!names[i]) continue;
      found =
        scope.querySelector('[name="' + escapeName(names[i]) + '"]:not([type=hidden])') ||
        document.querySelector('[name="' + escapeName(names[i]) + '"]:not([type=hidden])');
      if (found) return found;
    }
    return null;
  }

  function labelText(element) {
    var label = element.labels && element.labels[0];
    if (!label && element.getAttribute("aria-label")) return element.getAttribute("aria-label").trim();
    if (!label) {
      var fieldset = element.closest("fieldset");
      label = fieldset && fieldset.querySelector("legend");
    }
    if (!label) return "";
    var copy = label.cloneNode(true); // the label's words, without a select or input inside it
    Array.prototype.forEach.call(copy.querySelectorAll("select, input, textarea, .field-error"), function (inner) {
      inner.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").replace(/[*:]\s*$/, "").trim();
  }

  var counter = 0;

  function errorMessage(text) {
    var message = document.createElement("p");
    message.className = "field-error";
    message.id = "error-js-" + ++counter;
    message.textContent = text;
    return message;
  }

  function describe(element, message) {
    element.setAttribute("data-js-error", message.id);
    var described = element.getAttribute("aria-describedby");
    element.setAttribute("aria-describedby", (described ? described + " " : "") + message.id);
  }

  /* The list of boxes a checkbox or radio button is one of (a .checkbox-list, or a fieldset whose boxes
     share its name), or null for a box of its own. */
  function boxGroup(element) {
    if (element.type !== "checkbox" && element.type !== "radio") return null;
    var list = element.closest(".checkbox-list");
    if (list) return list;
    var set = element.closest("fieldset");
    if (!set) return null;
    var same = set.querySelectorAll('input[name="' + escapeName(element.name) + '"]');
    return same.length > 1 ? set : null;
  }

  function markInvalid(element, text) {
    var own = element.getAttribute("data-js-error");
    if (own) {
      // a second message of the same field: beside the first
      var first = document.getElementById(own);
      if (first) first.textContent += " " + text;
      return;
    }
    if (element.getAttribute("aria-invalid") === "true") return;
    element.setAttribute("aria-invalid", "true");
    var message;
    var group = boxGroup(element);
    if (group) {
      // a group of boxes: its name marked, the message above the boxes (after the legend)
      var set = group.closest("fieldset") || group;
      set.classList.add("group-error");
      message = errorMessage(text);
      var legend = group.tagName === "FIELDSET" && group.querySelector("legend");
      if (legend) {
        legend.parentNode.insertBefore(message, legend.nextSibling);
      } else {
        group.parentNode.insertBefore(message, group);
      }
      describe(element, message);
      return;
    }
    var label = element.closest("label");
    var box = element.type === "checkbox" || element.type === "radio";
    var holder = element.closest(".field, .row-part") || (!box && label);
    if (holder) holder.classList.add("has-error");
    var shown = holder && holder.querySelector(".field-error");
    if (shown) {
      // the page put the message beside the field already: the field only needs to point to it
      if (!shown.id) shown.id = "error-js-" + ++counter;
      element.setAttribute("aria-describedby", shown.id);
      return;
    }
    message = errorMessage(text);
    describe(element, message);
    if (label && !box) {
      label.appendChild(message); // a field inside its label (words, then the field): the message below
    } else {
      var after = label || element; // a box inside its label: the message below the whole line
      after.parentNode.insertBefore(message, after.nextSibling);
    }
  }

  function show(element) {
    var details = element.closest("details");
    while (details) {
      details.open = true;
      details = details.parentNode.closest("details");
    }
  }

  function go(element) {
    show(element);
    element.focus();
    if (element.scrollIntoView) element.scrollIntoView({ block: "center" });
  }

  /* The summary's items in the order of their fields on the page (as the cursor goes through them). */
  function inPageOrder(summary, found) {
    var list = summary.querySelector(".error-summary-list");
    if (!list) return;
    var items = Array.prototype.slice.call(list.children);
    var place = function (item) {
      var link = item.querySelector("a");
      return link ? found.indexOf(link) : -1;
    };
    var linked = items.filter(function (item) { return place(item) >= 0; });
    linked.sort(function (a, b) {
      var x = found.targets[place(a)], y = found.targets[place(b)];
      if (x === y) return 0;
      return x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    linked.forEach(function (item) { list.appendChild(item); }); // general messages first, then the fields
  }

  function setUpSummary(summary) {
    var links = summary.querySelectorAll("a[data-field]");
    var found = [];
    found.targets = [];
    Array.prototype.forEach.call(links, function (link) {
      var element = target(link, summary);
      if (!element) {
        link.replaceWith(document.createTextNode(link.textContent)); // no such field on this page
        return;
      }
      if (!element.id) element.id = "field-js-" + ++counter;
      link.setAttribute("href", "#" + element.id);
      found.push(link);
      found.targets.push(element);
      var text = link.textContent.trim();
      var name = labelText(element);
      var named = link.hasAttribute("data-bare"); // the text names its field: beside it, the message alone
      markInvalid(element, named ? link.getAttribute("data-bare") : text);
      if (!named && name && name.length <= 60 && text.toLowerCase().indexOf(name.toLowerCase()) === -1) {
        link.textContent = name + ": " + text;
      }
      link.addEventListener("click", function (event) {
        event.preventDefault();
        go(element);
      });
    });
    inPageOrder(summary, found);
  }

  onReady(function () {
    // The browser's own checks (required, pattern, type=email) stop at the first problem, one bubble at a
    // time: the server checks every field and answers all of them at once.
    Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (form) {
      form.noValidate = true;
    });
    var summaries = document.querySelectorAll("[data-error-summary]");
    Array.prototype.forEach.call(summaries, setUpSummary);
    var active = document.activeElement;
    if (active && active !== document.body && active.getAttribute("aria-invalid") === "true") return;
    var main = document.querySelector("main") || document.body;
    var first = main.querySelector("[aria-invalid='true']");
    if (first) {
      go(first);
    } else if (summaries.length) {
      summaries[0].focus();
    }
  });
})();
