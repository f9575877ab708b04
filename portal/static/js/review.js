// Publication review: "隐去所选文字" turns the text selected in an original into a masked span.
// The page works without this script: the reviewer can edit the public text directly.
(function () {
  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".mask-selection");
    if (!button) return;
    var field = button.dataset.field;
    var container = document.querySelector('.original[data-field="' + field + '"]');
    var selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) { alert("请先在原文中选中要隐去的文字。"); return; }
    var range = selection.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) {
      alert("请在本栏原文中选择。"); return;
    }
    var start = offsetIn(container, range.startContainer, range.startOffset);
    var end = offsetIn(container, range.endContainer, range.endOffset);
    var form = document.getElementById("review-form");
    var input = document.createElement("input");
    input.type = "hidden"; input.name = "extra"; input.value = field + ":" + start + ":" + end;
    form.appendChild(input);
    var mask = document.createElement("input");
    mask.type = "hidden"; mask.name = "mask"; mask.value = input.value;
    form.appendChild(mask);
    var step = document.createElement("input");
    step.type = "hidden"; step.name = "step"; step.value = "preview";
    form.appendChild(step);
    form.submit();
  });
})();
