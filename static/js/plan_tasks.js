/* Plan editor: "添加一项任务" adds an empty task row in the page instead of a round trip.
   Without JavaScript the same button saves the draft and comes back with a new row.
   A row not saved yet can be removed in the page; its button is hidden until this runs,
   since without JavaScript it could do nothing (an empty row is simply not kept). */
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-add-task]");
  var template = document.getElementById("task-template");
  var list = document.getElementById("task-list");
  if (!button || !template || !list) {
    return;
  }
  list.querySelectorAll("[data-remove-row]").forEach(function (remove) {
    remove.hidden = false;
  });
  var next = parseInt(list.getAttribute("data-next-row"), 10) || 0;
  button.addEventListener("click", function (event) {
    event.preventDefault();
    list.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(next)));
    next += 1;
    var first = list.lastElementChild.querySelector("select, textarea, input:not([type=hidden])");
    if (first) {
      first.focus();
    }
  });
  list.addEventListener("click", function (event) {
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      event.preventDefault();
      remove.closest(".task-item").remove();
    }
  });
});
