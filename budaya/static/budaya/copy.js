// Copy buttons: <button data-copy="ID" data-copied="label"> copies the text of element ID.
// A static file, not an inline <script>: the Content-Security-Policy forbids inline scripts.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var area = document.getElementById(button.dataset.copy);
    area.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(area.value); } else { document.execCommand("copy"); }
    if (button.dataset.copied) { button.textContent = button.dataset.copied; }
  });
});
