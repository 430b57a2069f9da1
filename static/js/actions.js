/* Project page actions: a final action asks once more, and text typed into another
   action's form is never thrown away without the user being told. Works without it too:
   every action is a form of its own, so the server only ever gets that form's inputs. */
(function () {
  "use strict";
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.action"));
  forms.forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var others = forms.filter(function (other) {
        if (other === form) { return false; }
        return Array.prototype.some.call(other.querySelectorAll("textarea, input[type=text], input[type=date]"),
          function (input) { return input.value.trim() !== ""; });
      });
      if (others.length) {
        var names = others.map(function (other) { return "「" + other.querySelector("legend").textContent.trim() + "」"; });
        var question = (document.documentElement.lang || "").indexOf("en") === 0
          ? "What you typed under " + names.join(", ") + " will not be sent with this action. Continue?"
          : "您在" + names.join("、") + "中填写的内容不会随本操作提交。是否继续？";
        if (!window.confirm(question)) { event.preventDefault(); return; }
      }
      var confirmText = form.getAttribute("data-confirm");
      if (confirmText && !window.confirm(confirmText)) { event.preventDefault(); }
    });
  });
}());
