// The agenda's drag and drop (SortableJS, static/vendor/sortablejs): an item dragged by its handle ⠿ is put
// where it is dropped, and the whole new order is saved by one post, the hidden form named by the list's
// data-sortable (#agenda-order, sent by htmx, which answers with the agenda as saved). The ↑ ↓ buttons stay
// for the keyboard and for a browser without JavaScript.
(function () {
  function enable(list) {
    var form = document.getElementById(list.getAttribute("data-sortable"));
    if (!form || !window.Sortable || list.getAttribute("data-sortable-on")) {
      return;
    }
    list.setAttribute("data-sortable-on", "true");
    list.closest("#agenda").classList.add("sortable-on");
    window.Sortable.create(list, {
      handle: ".agenda-handle",
      draggable: ".agenda-item",
      filter: ".agenda-gap",
      forceFallback: true, // the same pointer events for mouse and touch
      fallbackTolerance: 3,
      animation: 0,
      onStart: function () {
        list.classList.add("sortable-dragging");
      },
      onEnd: function (event) {
        list.classList.remove("sortable-dragging");
        if (event.oldDraggableIndex === event.newDraggableIndex) {
          return;
        }
        var ids = Array.prototype.map.call(list.querySelectorAll(".agenda-item"), function (item) {
          return item.getAttribute("data-id");
        });
        form.elements.order.value = ids.join(",");
        form.requestSubmit();
      },
    });
  }

  htmx.onLoad(function (root) {
    if (root.matches && root.matches("[data-sortable]")) {
      enable(root);
    }
    if (root.querySelectorAll) {
      root.querySelectorAll("[data-sortable]").forEach(enable);
    }
  });
})();
