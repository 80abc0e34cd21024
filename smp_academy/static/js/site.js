// What every page shares: the phone navigation behind a "Menu" button, and keyboard access to
// tables that scroll sideways. Without JavaScript the links wrap and the tables still scroll.
(function () {
  "use strict";

  function collapsibleNavigation() {
    const nav = document.querySelector(".nav");
    const toggle = nav && nav.querySelector(".nav-toggle");
    if (!toggle) return;
    nav.classList.add("is-collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("is-open")) {
        toggle.setAttribute("aria-expanded", "false");
        nav.classList.remove("is-open");
        toggle.focus();
      }
    });
  }

  // A region that scrolls must be reachable by keyboard and named for screen readers. A lesson's
  // table scrolls by itself on phones: it only needs to take the focus (it keeps its role).
  function labelScrollingTables() {
    document.querySelectorAll(".lesson-body table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) table.tabIndex = 0;
    });
    document.querySelectorAll(".table-wrap").forEach(function (region) {
      const scrolls = region.scrollWidth > region.clientWidth + 1;
      if (scrolls && !region.hasAttribute("tabindex")) {
        const caption = region.querySelector("caption");
        const heading = caption ? null : nearestHeading(region);
        region.tabIndex = 0;
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", (caption || heading || {}).textContent
          ? (caption || heading).textContent.trim() + " (table, scrolls sideways)"
          : "Table (scrolls sideways)");
      }
    });
  }

  function nearestHeading(element) {
    for (let node = element; node && node !== document.body; node = node.parentElement) {
      for (let sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        if (/^H[1-6]$/.test(sibling.tagName)) return sibling;
      }
    }
    return null;
  }

  collapsibleNavigation();
  labelScrollingTables();
  window.addEventListener("resize", labelScrollingTables);
})();
