// Wide tables and charts on small screens: a .table-wrap / .table-scroll box (or a chart
// figure) narrower than its content scrolls sideways inside the page, never the page itself
// (that works without this script). This progressive enhancement marks such a box: it becomes
// focusable (keyboard users can scroll it with the arrow keys) and a labelled region, a
// "geser →" hint is shown above it, and its right edge fades while there is more to see.
// The hint and label texts come translated from data attributes of <main> (base.html).
// A static file, not an inline <script>: the Content-Security-Policy forbids inline scripts.
(function () {
  var main = document.querySelector("main.content");
  if (!main) { return; }
  var hintText = main.getAttribute("data-scroll-hint") || "geser \u2192";
  var labelText = main.getAttribute("data-scroll-label") || "";
  var boxes = main.querySelectorAll(".table-wrap, .table-scroll, .chart-figure");

  function nameOf(box) {
    var caption = box.querySelector("caption, figcaption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var holder = box.closest("section, .card");
    var heading = holder && holder.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : "";
  }

  function update(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("scrolls", scrolls);
    box.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
    if (scrolls && !box.hasAttribute("data-scroll-enhanced")) {
      box.setAttribute("data-scroll-enhanced", "");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        var name = nameOf(box);
        box.setAttribute("aria-label", name && labelText ? name + " (" + labelText + ")" : name || labelText);
      }
      var hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.setAttribute("aria-hidden", "true");
      hint.textContent = hintText;
      box.parentNode.insertBefore(hint, box);
      box.scrollHint = hint;
    }
    if (box.scrollHint) { box.scrollHint.hidden = !scrolls; }
    if (box.hasAttribute("data-scroll-enhanced")) {
      if (scrolls) { box.setAttribute("tabindex", "0"); } else { box.removeAttribute("tabindex"); }
    }
  }

  Array.prototype.forEach.call(boxes, function (box) {
    update(box);
    box.addEventListener("scroll", function () { update(box); }, { passive: true });
  });
  window.addEventListener("resize", function () {
    Array.prototype.forEach.call(boxes, update);
  });
})();
