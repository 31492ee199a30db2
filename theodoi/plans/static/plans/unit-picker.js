// Filter the unit checkboxes as the user types; accents are optional.
(function () {
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll(".unit-picker").forEach(function (picker) {
    var input = picker.querySelector(".picker-filter");
    input.hidden = false;
    input.addEventListener("input", function () {
      var q = fold(input.value.trim());
      picker.querySelectorAll(".picker-option").forEach(function (label) {
        var hit = !q || fold(label.textContent).indexOf(q) !== -1 || label.querySelector("input").checked;
        label.hidden = !hit;
      });
      picker.querySelectorAll(".picker-group").forEach(function (group) {
        group.hidden = !group.querySelector(".picker-option:not([hidden])");
      });
    });
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
  });
})();
