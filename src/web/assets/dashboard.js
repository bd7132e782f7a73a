// Progressive enhancement only: every page works without this file.
(function () {
  // "Select all" boxes tick every row box of their form.
  document.querySelectorAll('input[data-select-all]').forEach(function (all) {
    all.addEventListener('change', function () {
      var form = all.closest('form');
      form.querySelectorAll('input[type=checkbox][name="' + all.getAttribute('data-select-all') + '"]').forEach(function (box) { box.checked = all.checked; });
    });
  });
  // A form is sent once: the button is disabled while the page loads the answer.
  document.querySelectorAll('form[method=post]').forEach(function (form) {
    form.addEventListener('submit', function () {
      setTimeout(function () { form.querySelectorAll('button').forEach(function (b) { b.disabled = true; }); }, 0);
    });
  });
})();
