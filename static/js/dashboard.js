// Sizes the level bars from their data attributes (no inline styles: the Content Security Policy).
document.querySelectorAll(".level-bar .progress-bar").forEach(function (bar) {
  var total = parseInt(bar.dataset.total, 10) || 0;
  var count = parseInt(bar.dataset.count, 10) || 0;
  bar.style.width = total ? (100 * count / total) + "%" : "0";
});
