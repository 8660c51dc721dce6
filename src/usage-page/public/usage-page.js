// The usage page's own script: the page works without it (every figure is
// rendered by the service, the calculator's form recalculates on submit); with
// it, the calculator's prices follow the figures as they are typed, and the
// invoice page's Print button prints.
(function () {
  'use strict';

  function debounce(fn, ms) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function wireCalculator(form) {
    const section = form.closest('.calculator');
    const rows = section && section.querySelector('[data-plans]');
    if (!rows) return;
    let latest = 0;
    const refresh = debounce(async function () {
      if (!form.checkValidity()) return;
      const query = new URLSearchParams(new FormData(form));
      const ticket = ++latest;
      const response = await fetch(form.dataset.calculator + '?' + query.toString(), {
        headers: { Accept: 'application/json' },
      });
      if (!response.ok || ticket !== latest) return;
      const answer = await response.json();
      // Rows rendered and escaped by the service, the same as the page's first ones.
      rows.innerHTML = answer.rows;
      section.dataset.calculated = String(ticket);
    }, 250);
    form.addEventListener('input', refresh);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      refresh();
    });
  }

  document.querySelectorAll('form[data-calculator]').forEach(wireCalculator);
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.addEventListener('click', function () {
      window.print();
    });
  });
})();
